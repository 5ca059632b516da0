"""In a real browser: a ledger PDF too long to wait for becomes a job; its page shows the
progress, then offers the file, and "my reports" keeps it."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import sign_in
from tests.support.live_server import live_server


@pytest.fixture
def server(settings):
    # Every report a job, so the demo's ledger takes the path a long one takes.
    with live_server(settings, {"INCUBATOR_REPORT_INLINE_PAGES": "0"}) as base:
        yield base


def test_a_long_ledger_renders_as_a_job_found_again_under_my_reports(page):
    sign_in(page, "staff")
    page.goto("/reports/ledger.pdf?year=2017")
    expect(page).to_have_url(re.compile(r"/reports/jobs/\d+$"))
    expect(page.locator("h1")).to_contain_text("服务记录台账")
    # The page polls until the job ends, then reloads with the download.
    download_link = page.locator("#report-job a", has_text="下载 PDF")
    expect(download_link).to_be_visible(timeout=60_000)
    expect(page.locator("#report-job")).to_contain_text("已完成")
    response = page.request.get(download_link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    page.click("nav >> text=我的报表")
    row = page.locator("#my-reports tbody tr").first
    expect(row).to_contain_text("服务记录台账")
    expect(row).to_contain_text("已完成")
    expect(row.locator("a", has_text="下载 PDF")).to_be_visible()
