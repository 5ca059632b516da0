"""Steps the browser tests share."""

from playwright.sync_api import expect


def sign_in(page, username, password="longhutang2017"):
    page.goto("/login")
    page.fill("#f-username", username)
    page.fill("#f-password", password)
    page.click("#login-form button[type=submit]")
    expect(page.locator("a.who")).to_be_visible()


def sign_out(page):
    page.click("header >> text=退出")
