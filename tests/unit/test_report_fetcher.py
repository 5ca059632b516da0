"""The report URL fetcher serves only report assets and the uploads it was given."""

import pytest

from incubator.reporting.fetcher import RefusedResource, ReportFetcher
from incubator.reporting.worker import ASSETS_DIR, render_pdf


@pytest.fixture
def fetcher(tmp_path):
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    return ReportFetcher(ASSETS_DIR, {7: photo})


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/x.png",
        "https://127.0.0.1:8000/files/1",
        "data:text/html,<script>alert(1)</script>",
        "report:../../incubator/settings.py",
        "report:missing.css",
        "report:/etc/passwd",
        "upload:8",
        "upload:7/../8",
        "ftp://example.com/a",
    ],
)
def test_everything_else_is_refused(fetcher, url):
    with pytest.raises(RefusedResource):
        fetcher.fetch(url)
    assert fetcher.refused


def test_assets_uploads_by_id_and_image_data_are_served(fetcher):
    assert b"@page" in fetcher.fetch("report:print.css").read()
    assert fetcher.fetch("upload:7").read().startswith(b"\x89PNG")
    assert fetcher.fetch("data:image/png;base64,iVBORw0KGgo=").read().startswith(b"\x89PNG")


def test_a_report_pointing_at_local_files_renders_without_them(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-42")
    html = (
        '<html lang="zh-CN"><body><p>正文</p>'
        f'<img src="file://{secret}"><iframe src="file://{secret}"></iframe>'
        f'<link rel="stylesheet" href="file://{secret}"></body></html>'
    )
    pdf = render_pdf(html, {})
    assert pdf.startswith(b"%PDF") and b"TOPSECRET-42" not in pdf
