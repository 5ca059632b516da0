"""Host checks, security headers, error pages and the sign-in redirect.

Who may use which route, and CSRF, are tried on every route by tests/security/."""

from litestar.testing import TestClient

from incubator.app import create_app
from tests.conftest import make_settings
from tests.support.web import login


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/admin/users?role=admin")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fadmin%2Fusers%3Frole%3Dadmin"


def test_an_unknown_host_is_refused(client):
    response = client.get("/login", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert response.json() == {"message": "invalid host header"}
    assert response.headers["x-frame-options"] == "DENY"


def test_the_configured_hosts_are_accepted_bare_and_with_the_apps_port(client, settings):
    assert client.get("/login", headers={"host": "localhost"}).status_code == 200
    assert client.get("/login", headers={"host": f"localhost:{settings.port}"}).status_code == 200


def test_a_host_listed_with_its_port_is_accepted_with_that_port(tmp_path, database_url):
    # Litestar matches the whole Host header (litestar#4869): a proxy that forwards another port
    # is allowed by listing host:port.
    settings = make_settings(
        tmp_path, database_url, INCUBATOR_ALLOWED_HOSTS="intranet.example:8443,[::1]"
    )
    with TestClient(create_app(settings), base_url="http://intranet.example:8443") as client:
        assert client.get("/login").status_code == 200
        assert client.get("/login", headers={"host": "[::1]"}).status_code == 200
        assert client.get("/login", headers={"host": f"[::1]:{settings.port}"}).status_code == 200
        assert client.get("/login", headers={"host": "intranet.example"}).status_code == 400


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
