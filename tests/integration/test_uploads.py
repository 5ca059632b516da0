"""Uploads: type by content, size limit, authorized download with safe headers."""

from tests.conftest import sql
from tests.support.web import csrf_token, login

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(client, name, content, content_type="application/octet-stream"):
    return client.post(
        "/files",
        data={"_csrf_token": csrf_token(client, "/profile"), "next": "/profile"},
        files={"file": (name, content, content_type)},
    )


def flash_text(client):
    return client.get("/profile").text


def test_an_image_is_stored_under_a_random_name_and_downloaded_as_attachment(client, settings):
    login(client, "xianglong")
    assert upload(client, "活动照片.png", PNG, "image/png").status_code == 303
    row = sql(settings, "SELECT * FROM stored_file")[0]
    assert row["original_name"] == "活动照片.png" and row["kind"] == "png"
    assert "活动照片" not in row["storage_name"]
    assert (
        settings.uploads_dir / row["storage_name"][:2] / row["storage_name"]
    ).read_bytes() == PNG
    response = client.get(f"/files/{row['id']}")
    assert response.status_code == 200
    assert response.content == PNG
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert "%E6%B4%BB%E5%8A%A8" in response.headers["content-disposition"]


def test_a_file_whose_content_is_not_an_accepted_type_is_refused(client, settings):
    login(client, "xianglong")
    upload(client, "photo.png", b"<html><script>alert(1)</script>", "image/png")
    assert "不支持的文件类型" in flash_text(client)
    assert sql(settings, "SELECT id FROM stored_file") == []


def test_a_file_over_the_size_limit_is_refused(tmp_path, database_url):
    from litestar.testing import TestClient

    from incubator.app import create_app
    from tests.conftest import make_settings

    settings = make_settings(tmp_path, database_url, INCUBATOR_MAX_UPLOAD_MB="1")
    with TestClient(create_app(settings), base_url="http://testserver.local") as client:
        client.follow_redirects = False
        login(client, "xianglong")
        response = upload(client, "big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
        assert response.status_code == 303
        assert "文件过大" in flash_text(client)
        # Far beyond the limit the body itself is refused before parsing.
        huge = upload(client, "huge.pdf", b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024))
        assert huge.status_code == 413
    assert sql(settings, "SELECT id FROM stored_file") == []


def test_an_empty_upload_is_refused(client):
    login(client, "xianglong")
    upload(client, "empty.pdf", b"")
    assert "文件为空" in flash_text(client) or "请选择要上传的文件" in flash_text(client)


def test_other_scopes_cannot_download_and_street_roles_can(client, settings):
    login(client, "xianglong")
    upload(client, "a.png", PNG)
    file_id = sql(settings, "SELECT id FROM stored_file")[0]["id"]
    client.cookies.clear()
    login(client, "tenglong")
    assert client.get(f"/files/{file_id}").status_code == 404
    client.cookies.clear()
    login(client, "qingniao")
    assert client.get(f"/files/{file_id}").status_code == 404
    client.cookies.clear()
    login(client, "staff")
    assert client.get(f"/files/{file_id}").status_code == 200


def test_a_file_stored_in_a_transaction_that_fails_later_is_removed(client, settings):
    import pytest

    from incubator.core import files
    from incubator.core.auth import CurrentUser
    from incubator.core.db import write_transaction

    staff = CurrentUser(2, "staff", "王中心", "staff", None, None)

    async def store_then_fail():
        async with files.discard_on_failure(), write_transaction():
            await files.store_upload(
                uploads_dir=settings.uploads_dir,
                max_bytes=1024 * 1024,
                data=PNG,
                original_name="a.png",
                actor=staff,
            )
            raise RuntimeError("the rest of the change failed")

    with pytest.raises(RuntimeError):
        client.blocking_portal.call(store_then_fail)
    assert sql(settings, "SELECT id FROM stored_file") == []
    assert not list(settings.uploads_dir.rglob("*.png")) if settings.uploads_dir.exists() else True


def test_upload_errors_are_in_the_language_of_the_request(client, settings):
    from tests.integration.test_activities import activity_id, record
    from tests.support.web import post_form

    login(client, "qingniao")
    post_form(client, "/language", {"lang": "en", "next": "/profile"}, page="/profile")
    upload(client, "photo.png", b"<html><script>alert(1)</script>", "image/png")
    page = flash_text(client)
    assert "Unsupported file type: only PDF、JPEG、PNG、DOCX、XLSX files are accepted" in page
    assert "不支持的文件类型" not in page
    upload(client, "empty.pdf", b"", "application/pdf")
    assert "The file is empty" in flash_text(client)
    # Through a module's own error (the activity's photos).
    aid = activity_id(record(client))
    response = client.post(
        f"/activities/{aid}/files",
        data={"kind": "photo", "_csrf_token": csrf_token(client, f"/activities/{aid}")},
        files={"file": ("病毒.png", b"MZ\x90\x00 not an image", "image/png")},
    )
    page = client.get(response.headers["location"]).text
    assert "Unsupported file type: only JPEG、PNG files" in page
    assert sql(settings, "SELECT id FROM stored_file") == []
