"""A person signs in through the page, sees the home page, switches language and signs out."""

import re

from playwright.sync_api import expect


def test_a_user_signs_in_through_the_page_and_out_again(page):
    page.goto("/communities")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fcommunities$"))
    page.fill("#f-username", "xianglong")
    page.fill("#f-password", "longhutang2017")
    page.click("#login-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/communities$"))
    expect(page.locator("h1")).to_have_text("社区与网格")
    expect(page.locator("table")).to_contain_text("祥龙社区")
    expect(page.locator("table")).not_to_contain_text("腾龙社区")
    page.click("text=退出")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator(".flash")).to_contain_text("您已安全退出")


def test_a_wrong_password_shows_the_message_and_keeps_the_name(page):
    page.goto("/login")
    page.fill("#f-username", "staff")
    page.fill("#f-password", "not-the-password")
    page.click("#login-form button[type=submit]")
    expect(page.locator(".flash-error")).to_have_text("用户名或密码错误。")
    expect(page.locator("#f-username")).to_have_value("staff")


def test_an_admin_creates_a_user_and_switches_to_english(page):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/login")
    page.fill("#f-username", "admin")
    page.fill("#f-password", "longhutang2017")
    page.click("#login-form button[type=submit]")
    page.click("nav >> text=用户管理")
    page.click("text=新建用户")
    page.fill("#f-username", "zhaosi")
    page.fill("#f-password", "short")
    page.select_option("#f-role", "community")
    page.click("#user-form button[type=submit]")
    expect(page.locator("#e-password")).to_have_text("密码至少 8 个字符")
    expect(page.locator("#e-community_id")).to_have_text("社区工作人员必须指定所属社区")
    expect(page.locator("#f-username")).to_have_value("zhaosi")
    page.fill("#f-password", "a-good-passphrase")
    page.select_option("#f-community_id", label="玲珑社区")
    page.click("#user-form button[type=submit]")
    expect(page.locator(".flash-success")).to_have_text("用户已创建。")
    page.click("text=English")
    expect(page.locator("h1")).to_contain_text("Edit user")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # No CSP violations, script errors or missing assets (forms answer 400 on purpose).
    assert [e for e in errors if "status of 400" not in e] == []
