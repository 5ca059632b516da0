"""Playwright driving Debian's Chromium against a real uvicorn server."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.support.live_server import live_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Module scope: Playwright's sync API keeps an event loop running in this thread while it lives,
# and other tests (the CLI) call asyncio.run.
@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("INCUBATOR_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required for browser tests (apt-get install chromium)")
        pytest.skip("Chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def server(settings):
    with live_server(settings) as base:
        yield base


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()
