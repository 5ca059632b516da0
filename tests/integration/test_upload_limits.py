"""Request bodies over their route's limit are refused before parsing (413); an applicant's
uploads together stay under a quota, counted from the stored files."""

import contextlib

import pytest
from litestar.testing import TestClient

from incubator.app import create_app
from incubator.core.web import FORM_MAX_BYTES
from tests.conftest import TEST_HOST, make_settings, sql
from tests.support.web import csrf_token, login, post_form

PNG = b"\x89PNG\r\n\x1a\n"


def png(size: int) -> bytes:
    return PNG + b"\x00" * (size - len(PNG))


@contextlib.contextmanager
def app_client(tmp_path, database_url, **overrides):
    settings = make_settings(tmp_path, database_url, **overrides)
    with TestClient(create_app(settings), base_url=f"http://{TEST_HOST}") as client:
        client.follow_redirects = False
        yield client, settings


def upload(client, content: bytes, name: str = "照片.png"):
    return client.post(
        "/files",
        data={"_csrf_token": csrf_token(client, "/profile"), "next": "/profile"},
        files={"file": (name, content, "image/png")},
    )


# --- body size ---------------------------------------------------------------------------


def test_a_large_body_to_a_form_route_is_refused_with_413_before_parsing(client, settings):
    token = csrf_token(client)
    body = f"_csrf_token={token}&username=staff&password=" + "x" * (FORM_MAX_BYTES + 10)
    response = client.post(
        "/login", content=body, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "提交的内容过大" in response.text
    assert sql(settings, "SELECT id FROM login_attempt") == []


def test_a_large_body_without_a_content_length_is_refused_as_it_streams(client, settings):
    token = csrf_token(client)

    def chunks():
        yield f"_csrf_token={token}&username=staff&password=".encode()
        for _ in range(40):
            yield b"x" * 64 * 1024

    response = client.post(
        "/login", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413
    assert sql(settings, "SELECT id FROM login_attempt") == []


def test_the_api_answers_a_large_body_with_413_json(client):
    login(client, "staff")
    response = client.request(
        "GET",
        "/api/v1/me",
        content=b"{" + b" " * (FORM_MAX_BYTES + 10) + b"}",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["status_code"] == 413


def test_an_upload_route_still_takes_files_larger_than_a_form(client, settings):
    login(client, "xianglong")
    response = upload(client, png(FORM_MAX_BYTES + 512 * 1024))
    assert response.status_code == 303
    assert len(sql(settings, "SELECT id FROM stored_file")) == 1


def test_an_upload_over_the_upload_limit_is_refused_with_413(tmp_path, database_url):
    with app_client(tmp_path, database_url, INCUBATOR_MAX_UPLOAD_MB="1") as (client, settings):
        login(client, "xianglong")
        response = upload(client, png(3 * 1024 * 1024))
        assert response.status_code == 413
        assert sql(settings, "SELECT id FROM stored_file") == []


# --- the applicant's quota -------------------------------------------------------------


@pytest.fixture
def quota_client(tmp_path, database_url):
    with app_client(tmp_path, database_url, INCUBATOR_APPLICANT_UPLOAD_QUOTA_MB="1") as pair:
        yield pair


def test_an_applicant_cannot_upload_past_the_quota_and_is_told_how_much_is_used(quota_client):
    client, settings = quota_client
    login(client, "qingniao")
    assert upload(client, png(600 * 1024)).status_code == 303
    assert upload(client, png(600 * 1024)).status_code == 303
    page = client.get("/profile").text
    assert "上传空间不足" in page and "0.6 MB" in page and "1.0 MB" in page
    assert len(sql(settings, "SELECT id FROM stored_file")) == 1
    assert upload(client, png(300 * 1024)).status_code == 303
    assert len(sql(settings, "SELECT id FROM stored_file")) == 2


def test_the_quota_holds_on_the_application_documents_too(quota_client):
    client, settings = quota_client
    login(client, "qingniao")
    upload(client, png(900 * 1024))
    oid = sql(settings, "SELECT organization FROM app_user WHERE username = 'qingniao'")[0][
        "organization"
    ]
    response = client.post(
        f"/organizations/{oid}/application/files",
        data={"document": "charter", "_csrf_token": csrf_token(client, "/profile")},
        files={"file": ("章程.pdf", b"%PDF-1.4\n" + b"0" * 200 * 1024, "application/pdf")},
    )
    assert response.status_code == 303
    assert "上传空间不足" in client.get(f"/organizations/{oid}/application").text
    assert len(sql(settings, "SELECT id FROM stored_file")) == 1
    assert sql(settings, "SELECT id FROM application_file") == []


def test_staff_and_community_officers_have_no_applicant_quota(quota_client):
    client, settings = quota_client
    login(client, "xianglong")
    for _ in range(2):
        assert upload(client, png(600 * 1024)).status_code == 303
    assert len(sql(settings, "SELECT id FROM stored_file")) == 2
    assert post_form(client, "/logout", {}, page="/").status_code == 303
