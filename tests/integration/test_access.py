"""CSRF, roles, host checks, security headers and error pages."""

import pytest

from tests.support.web import login


def test_a_post_without_the_csrf_token_is_refused(client, settings):
    response = client.post("/login", data={"username": "staff", "password": "longhutang2017"})
    assert response.status_code == 403
    assert "incubator_session" not in response.headers.get("set-cookie", "")


def test_a_post_with_a_forged_csrf_token_is_refused(client):
    client.get("/login")
    response = client.post(
        "/login",
        data={"username": "staff", "password": "longhutang2017", "_csrf_token": "forged"},
    )
    assert response.status_code == 403


def test_a_signed_in_post_without_token_changes_nothing(client, settings):
    from tests.conftest import sql

    login(client, "admin")
    before = sql(settings, "SELECT count(*) AS n FROM app_user")[0]["n"]
    response = client.post(
        "/admin/users/new",
        data={"username": "mallory", "password": "long-enough-pw", "role": "admin"},
    )
    assert response.status_code == 403
    assert sql(settings, "SELECT count(*) AS n FROM app_user")[0]["n"] == before


@pytest.mark.parametrize(
    ("username", "path", "status"),
    [
        ("xianglong", "/admin/users", 403),
        ("qingniao", "/admin/audit", 403),
        ("qingniao", "/communities", 403),
        ("assessor", "/admin/users/new", 403),
        ("staff", "/admin/users", 403),
        ("admin", "/admin/users", 200),
        ("xianglong", "/communities", 200),
        ("assessor", "/communities", 200),
    ],
)
def test_roles_decide_who_sees_what(client, username, path, status):
    login(client, username)
    response = client.get(path)
    assert response.status_code == status
    if status == 403:
        assert "没有权限" in response.text
        assert "<html" in response.text


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/admin/users?role=admin")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fadmin%2Fusers%3Frole%3Dadmin"


def test_a_community_officer_sees_only_their_own_community(client):
    login(client, "xianglong")
    page = client.get("/communities")
    assert "祥龙社区" in page.text
    assert "腾龙社区" not in page.text
    other = client.get("/communities/2")  # 腾龙社区
    assert other.status_code == 404
    assert client.get("/communities/1").status_code == 200


def test_an_unknown_host_is_refused(client):
    response = client.get("/login", headers={"host": "evil.example"})
    assert response.status_code == 400


def test_the_configured_hosts_are_accepted_with_any_port(client):
    assert client.get("/login", headers={"host": "localhost:8123"}).status_code == 200


def test_pages_carry_security_headers(client):
    response = client.get("/login")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["cache-control"] == "no-store"


def test_pages_have_no_inline_script(client):
    login(client, "admin")
    for path in ("/", "/admin/users", "/profile", "/login"):
        text = client.get(path, follow_redirects=True).text
        assert "<script>" not in text and "onclick" not in text and "style=" not in text


def test_a_missing_page_is_a_chinese_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "页面不存在" in response.text


def test_api_errors_are_json_with_a_message(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["message"]
    missing = client.get("/api/v1/nothing")
    assert missing.status_code == 404
    assert missing.json()["status_code"] == 404


def test_the_openapi_schema_is_served(client):
    schema = client.get("/schema/openapi.json").json()
    assert "/api/v1/me" in schema["paths"]
    assert "/api/v1/communities" in schema["paths"]


def test_the_home_page_fits_each_role(client):
    login(client, "qingniao")
    page = client.get("/").text
    assert "青鸟志愿者服务队" in page and "我的组织" in page
    client.cookies.clear()
    login(client, "xianglong")
    page = client.get("/").text
    assert "祥龙社区" in page and "本社区网格" in page
    client.cookies.clear()
    login(client, "admin")
    assert "社区工作人员" in client.get("/").text  # the role counts
