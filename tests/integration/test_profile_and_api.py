"""The profile page: own password, personal API tokens; the JSON API with tokens and sessions."""

import re

from tests.conftest import sql
from tests.support.web import login, post_form

TOKEN_RE = re.compile(r'id="new-token">(inc_[A-Za-z0-9_\-]+)<')


def create_token(client, name="报表系统"):
    response = post_form(client, "/profile/tokens", {"name": name}, page="/profile")
    assert response.status_code == 200
    return TOKEN_RE.search(response.text).group(1)


def test_a_token_is_shown_once_and_stored_hashed(client, settings):
    login(client, "xianglong")
    token = create_token(client)
    rows = sql(settings, "SELECT * FROM api_token")
    assert len(rows) == 1 and rows[0]["token_hash"] != token and token not in str(rows)
    assert token not in client.get("/profile").text


def test_the_api_answers_with_a_token_and_without_cookies(client, settings):
    login(client, "xianglong")
    token = create_token(client)
    client.cookies.clear()
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["username"] == "xianglong" and me.json()["role"] == "community"
    assert sql(settings, "SELECT last_used_at FROM api_token")[0]["last_used_at"] is not None


def test_the_api_also_accepts_the_browser_session(client):
    login(client, "staff")
    assert client.get("/api/v1/me").json()["username"] == "staff"


def test_a_revoked_token_no_longer_works(client, settings):
    login(client, "staff")
    token = create_token(client)
    token_id = sql(settings, "SELECT id FROM api_token")[0]["id"]
    response = post_form(client, f"/profile/tokens/{token_id}/revoke", {}, page="/profile")
    assert response.status_code == 303
    client.cookies.clear()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_nobody_revokes_another_users_token(client, settings):
    login(client, "staff")
    create_token(client)
    token_id = sql(settings, "SELECT id FROM api_token")[0]["id"]
    client.cookies.clear()
    login(client, "assessor")
    post_form(client, f"/profile/tokens/{token_id}/revoke", {}, page="/profile")
    assert sql(settings, "SELECT revoked_at FROM api_token")[0]["revoked_at"] is None


def test_list_endpoints_follow_the_pagination_convention(client):
    login(client, "staff")
    body = client.get("/api/v1/communities?page=2&page_size=4").json()
    assert set(body) == {"items", "total", "page", "page_size"}
    assert body["total"] == 6 and body["page"] == 2 and body["page_size"] == 4
    assert len(body["items"]) == 2


def test_api_lists_are_scoped_like_pages(client):
    login(client, "tenglong")
    body = client.get("/api/v1/communities").json()
    assert [c["name"] for c in body["items"]] == ["腾龙社区"]


def test_api_writes_need_a_token_not_a_session(settings):
    """The API is exempt from the CSRF cookie check, so a session alone must not write."""
    from litestar import post
    from litestar.testing import TestClient

    from incubator.app import create_app
    from incubator.core.roles import allow_signed_in

    @post("/api/v1/echo", opt=allow_signed_in(), sync_to_thread=False)
    def echo() -> dict:
        return {"written": True}

    with TestClient(
        create_app(settings, extra_routes=[echo]), base_url="http://testserver.local"
    ) as client:
        client.follow_redirects = False
        login(client, "staff")
        response = client.post("/api/v1/echo")
        assert response.status_code == 403
        assert "令牌" in response.json()["message"]
        token = create_token(client)
        client.cookies.clear()
        done = client.post("/api/v1/echo", headers={"Authorization": f"Bearer {token}"})
        assert done.status_code == 201 and done.json() == {"written": True}


def test_changing_ones_password_keeps_this_browser_signed_in(client, settings):
    login(client, "staff")
    response = post_form(
        client,
        "/profile/password",
        {
            "current_password": "longhutang2017",
            "password": "another-passphrase",
            "password_again": "another-passphrase",
        },
        page="/profile",
    )
    assert response.status_code == 303
    assert client.get("/profile").status_code == 200
    assert len(sql(settings, "SELECT id FROM user_session")) == 1


def test_a_wrong_current_password_is_refused(client):
    login(client, "staff")
    response = post_form(
        client,
        "/profile/password",
        {
            "current_password": "not-it-at-all",
            "password": "another-passphrase",
            "password_again": "another-passphrase",
        },
        page="/profile",
    )
    assert response.status_code == 400
    assert "当前密码不正确" in response.text


def test_guessing_the_current_password_is_throttled_like_signing_in(client, settings):
    login(client, "staff")

    def change(current: str):
        return post_form(
            client,
            "/profile/password",
            {
                "current_password": current,
                "password": "another-passphrase",
                "password_again": "another-passphrase",
            },
            page="/profile",
        )

    before = sql(settings, "SELECT password_hash FROM app_user WHERE username = 'staff'")
    for attempt in range(5):
        assert "当前密码不正确" in change(f"guess-{attempt}").text
    refused = change("longhutang2017")  # even the right one, until the window passes
    assert refused.status_code == 400 and "密码输错次数过多" in refused.text
    assert sql(settings, "SELECT password_hash FROM app_user WHERE username = 'staff'") == before


def test_the_organizations_api_lists_filters_and_paginates(client):
    login(client, "assessor")
    body = client.get("/api/v1/organizations?page_size=3").json()
    assert body["total"] == 8 and len(body["items"]) == 3 and body["page_size"] == 3
    registered = client.get("/api/v1/organizations?registration_status=registered").json()
    assert {o["registration_status"] for o in registered["items"]} == {"registered"}
    assert registered["total"] == 3


def test_the_organizations_api_is_scoped_and_masks_for_others(client, settings):
    qingniao = sql(settings, "SELECT id FROM organization WHERE name = '青鸟志愿者服务队'")[0]["id"]
    other = sql(settings, "SELECT id FROM organization WHERE name LIKE '%夕阳红%'")[0]["id"]
    login(client, "qingniao")
    assert [o["id"] for o in client.get("/api/v1/organizations").json()["items"]] == [qingniao]
    own = client.get(f"/api/v1/organizations/{qingniao}").json()
    assert "*" not in own["contact_phone"] and own["version"] == 1
    missing = client.get(f"/api/v1/organizations/{other}")
    assert missing.status_code == 404 and missing.json()["message"]
    client.cookies.clear()
    login(client, "assessor")
    assert "****" in client.get(f"/api/v1/organizations/{qingniao}").json()["contact_phone"]


def test_an_admin_password_reset_revokes_the_users_tokens(client, settings):
    login(client, "staff")
    token = create_token(client)
    client.cookies.clear()
    login(client, "admin")
    staff_id = sql(settings, "SELECT id FROM app_user WHERE username = 'staff'")[0]["id"]
    post_form(
        client, f"/admin/users/{staff_id}/password", {"password": "brand-new-secret"}, page="/"
    )
    client.cookies.clear()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
