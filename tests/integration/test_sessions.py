"""Sign-in, sign-out, throttling and the server-side session store, through the real HTTP stack."""

import datetime as dt

from tests.conftest import db_time, sql
from tests.support.web import csrf_token, login, logout, post_form


def session_rows(settings):
    return sql(settings, "SELECT * FROM user_session")


def test_signing_in_leads_to_the_requested_page(client):
    response = post_form(
        client, "/login", {"username": "staff", "password": "longhutang2017", "next": "/profile"}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/profile"
    page = client.get("/profile")
    assert page.status_code == 200
    assert "王中心" in page.text


def test_the_session_cookie_is_httponly_and_samesite_lax(client):
    response = login(client, "staff")
    cookie = next(c for c in response.headers.get_list("set-cookie") if "incubator_session" in c)
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie  # only in production


def test_a_redirect_target_elsewhere_is_ignored(client):
    response = post_form(
        client,
        "/login",
        {"username": "staff", "password": "longhutang2017", "next": "//evil.example/"},
    )
    assert response.headers["location"] == "/"


def test_a_wrong_password_and_an_unknown_account_get_the_same_answer(client, settings):
    wrong = post_form(client, "/login", {"username": "staff", "password": "wrong-password"})
    unknown = post_form(client, "/login", {"username": "nobody", "password": "wrong-password"})
    assert wrong.status_code == unknown.status_code == 400
    assert "用户名或密码错误。" in wrong.text and "用户名或密码错误。" in unknown.text
    assert session_rows(settings) == []
    assert 'value="staff"' in wrong.text  # the user name is kept in the form


def test_empty_fields_are_named_in_the_error(client):
    response = post_form(client, "/login", {"username": "", "password": ""})
    assert response.status_code == 400
    assert "请填写用户名" in response.text and "请填写密码" in response.text


def test_five_failures_lock_the_account_even_with_the_right_password(client):
    for _ in range(5):
        post_form(client, "/login", {"username": "staff", "password": "wrong-password"})
    response = post_form(client, "/login", {"username": "staff", "password": "longhutang2017"})
    assert response.status_code == 400
    assert "登录失败次数过多，请 15 分钟后再试。" in response.text
    # Colleagues behind the same address are not locked out by one account's failures.
    assert login(client, "assessor").status_code == 303


def test_many_failures_from_one_address_lock_the_address(client):
    for n in range(20):
        post_form(client, "/login", {"username": f"guess{n}", "password": "wrong-password"})
    response = post_form(client, "/login", {"username": "assessor", "password": "longhutang2017"})
    assert "登录失败次数过多" in response.text


def test_the_lock_does_not_reveal_whether_an_account_exists(client):
    for _ in range(5):
        post_form(client, "/login", {"username": "ghost", "password": "wrong-password"})
    response = post_form(client, "/login", {"username": "ghost", "password": "wrong-password"})
    assert "登录失败次数过多" in response.text


def test_old_failures_outside_the_window_do_not_count(client, settings):
    for _ in range(5):
        post_form(client, "/login", {"username": "staff", "password": "wrong-password"})
    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16)
    sql(settings, "UPDATE login_attempt SET at = $1", db_time(settings, past))
    assert login(client, "staff").status_code == 303


def test_the_session_id_changes_at_sign_in(client, settings):
    client.cookies.set("incubator_session", "planted-by-an-attacker", domain="testserver.local")
    login(client, "staff")
    key = client.cookies.get("incubator_session")
    assert key and key != "planted-by-an-attacker"
    login(client, "assessor")
    assert client.cookies.get("incubator_session") != key
    assert len(session_rows(settings)) == 1  # the earlier session was dropped


def test_signing_out_ends_the_session_on_the_server(client, settings):
    login(client, "staff")
    key = client.cookies.get("incubator_session")
    logout(client)
    assert session_rows(settings) == []
    client.cookies.set("incubator_session", key, domain="testserver.local")
    assert client.get("/", follow_redirects=False).status_code == 303


def test_anonymous_visitors_and_static_files_create_no_session_rows(client, settings):
    for path in ("/login", "/static/css/app.css", "/healthz", "/nope"):
        client.get(path)
    assert session_rows(settings) == []
    static = client.get("/static/css/app.css")
    assert "incubator_session" not in static.headers.get("set-cookie", "")


def test_an_idle_session_expires(client, settings):
    login(client, "staff")
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    sql(settings, "UPDATE user_session SET expires_at = $1", db_time(settings, past))
    response = client.get("/profile", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=%2Fprofile")


def test_expiry_is_written_at_most_once_a_minute(client, settings):
    login(client, "staff")
    first = sql(settings, "SELECT expires_at FROM user_session")[0]["expires_at"]
    client.get("/")
    client.get("/profile")
    assert sql(settings, "SELECT expires_at FROM user_session")[0]["expires_at"] == first
    earlier = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=100)
    sql(settings, "UPDATE user_session SET expires_at = $1", db_time(settings, earlier))
    client.get("/")
    refreshed = sql(settings, "SELECT expires_at FROM user_session")[0]["expires_at"]
    assert str(refreshed) != str(db_time(settings, earlier))


def test_sessions_survive_a_restart(settings):
    from litestar.testing import TestClient

    from incubator.app import create_app

    with TestClient(create_app(settings), base_url="http://testserver.local") as first:
        login(first, "staff")
        key = first.cookies.get("incubator_session")
    with TestClient(create_app(settings), base_url="http://testserver.local") as second:
        second.cookies.set("incubator_session", key, domain="testserver.local")
        assert second.get("/profile").status_code == 200


def test_a_disabled_account_cannot_sign_in(client, settings):
    sql(settings, "UPDATE app_user SET is_active = $1 WHERE username = 'staff'", False)
    response = post_form(client, "/login", {"username": "staff", "password": "longhutang2017"})
    assert "用户名或密码错误。" in response.text


def test_the_login_form_carries_a_csrf_token(client):
    assert csrf_token(client)
