"""Personal API tokens: accepted on /api/ only, expiring, revoked by any password change."""

import datetime as dt

from incubator.core.templating import format_datetime
from tests.conftest import db_time, sql
from tests.integration.test_profile_and_api import TOKEN_RE, create_token
from tests.support.web import login, post_form


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_opens_no_html_page(client):
    login(client, "staff")
    token = create_token(client)
    client.cookies.clear()
    for path in ("/", "/organizations", "/profile", "/admin/users"):
        response = client.get(path, headers=bearer(token))
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login")
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200


def test_a_signed_in_browser_stays_itself_whatever_authorization_header_it_sends(client):
    login(client, "staff")
    token = create_token(client)
    client.cookies.clear()
    login(client, "xianglong")
    page = client.get("/profile", headers=bearer(token))
    assert page.status_code == 200 and "xianglong" in page.text


def test_a_token_expires_after_the_default_term_shown_on_the_profile(client, settings):
    login(client, "staff")
    token = create_token(client)
    expires = sql(settings, "SELECT expires_at FROM api_token")[0]["expires_at"]
    if isinstance(expires, str):  # SQLite keeps text
        expires = dt.datetime.fromisoformat(expires)
    expected = dt.datetime.now(dt.UTC) + dt.timedelta(days=settings.token_days)
    assert abs((expires - expected).total_seconds()) < 60
    assert format_datetime(expires) in client.get("/profile").text
    client.cookies.clear()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200


def test_an_expired_token_is_refused_with_401_saying_so(client, settings):
    login(client, "staff")
    token = create_token(client)
    past = db_time(settings, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    sql(settings, "UPDATE api_token SET expires_at = $1", past)
    assert "已过期" in client.get("/profile").text
    client.cookies.clear()
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401
    assert "过期" in response.json()["message"]


def test_a_token_from_before_expiry_existed_counts_as_expired(client, settings):
    login(client, "staff")
    token = create_token(client)
    sql(settings, "UPDATE api_token SET expires_at = NULL")
    client.cookies.clear()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_a_shorter_term_may_be_chosen_but_not_a_longer_one(client, settings):
    login(client, "staff")
    response = post_form(client, "/profile/tokens", {"name": "短期", "days": "7"}, page="/profile")
    assert TOKEN_RE.search(response.text)
    expires = sql(settings, "SELECT expires_at FROM api_token")[0]["expires_at"]
    if isinstance(expires, str):
        expires = dt.datetime.fromisoformat(expires)
    assert (expires - dt.datetime.now(dt.UTC)).days == 6
    too_long = post_form(
        client,
        "/profile/tokens",
        {"name": "长期", "days": str(settings.token_days + 1)},
        page="/profile",
    )
    assert too_long.status_code == 400 and "有效期须在 1 到 90 天之间" in too_long.text
    assert len(sql(settings, "SELECT id FROM api_token")) == 1


def test_changing_ones_own_password_revokes_ones_tokens(client, settings):
    login(client, "staff")
    token = create_token(client)
    response = post_form(
        client,
        "/profile/password",
        {
            "current_password": "longhutang2017",
            "password": "a-brand-new-secret",
            "password_again": "a-brand-new-secret",
        },
        page="/profile",
    )
    assert response.status_code == 303
    assert sql(settings, "SELECT revoked_at FROM api_token")[0]["revoked_at"] is not None
    client.cookies.clear()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
