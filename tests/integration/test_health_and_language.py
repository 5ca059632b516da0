from tests.support.web import login, post_form


def test_health_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_says_503_when_the_database_is_unusable(client, settings):
    if settings.is_sqlite:
        path = settings.database_url.removeprefix("sqlite:///")
        with open(path, "r+b") as handle:
            handle.write(b"this is no longer a database" * 10)
    else:
        from tests.conftest import sql

        # The app's schema is gone: the health check reads a real table, so it notices.
        sql(settings, "ALTER TABLE migration RENAME TO migration_gone")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert "unreachable" in response.json()["database"]


def test_the_language_switch_turns_pages_english(client):
    login(client, "admin")
    assert "用户管理" in client.get("/").text
    response = post_form(client, "/language", {"lang": "en", "next": "/admin/users"}, page="/")
    assert response.headers["location"] == "/admin/users"
    page = client.get("/admin/users").text
    assert 'lang="en"' in page
    assert "Users" in page and "用户管理" not in page
    post_form(client, "/language", {"lang": "zh-CN", "next": "/"}, page="/")
    assert "用户管理" in client.get("/").text


def test_english_error_messages_on_forms(client):
    post_form(client, "/language", {"lang": "en", "next": "/login"})
    response = post_form(client, "/login", {"username": "", "password": ""})
    assert "Please enter" in response.text


def test_shared_macros_are_translated_too(client):
    login(client, "admin")
    post_form(client, "/language", {"lang": "en", "next": "/"}, page="/")
    page = client.get("/admin/users").text
    assert "Filter" in page and "筛选" not in page
    assert "records, page 1 of 1" in page
