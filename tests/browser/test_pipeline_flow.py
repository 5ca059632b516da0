"""Staff move an organization through the first steps of the pipeline in a real browser."""

import re

from playwright.sync_api import expect


def sign_in(page, username):
    page.goto("/login")
    page.fill("#f-username", username)
    page.fill("#f-password", "longhutang2017")
    page.click("#login-form button[type=submit]")


def test_staff_accept_an_application_see_what_is_missing_and_withdraw_it(page):
    sign_in(page, "staff")
    page.click("nav >> text=社会组织")
    page.click("text=青鸟志愿者服务队")
    expect(page.locator(".pipeline")).to_contain_text("未进入孵化")
    page.click("button[data-transition=accept]")
    expect(page.locator(".flash-success")).to_have_text("已进入“接受申请”阶段。")
    expect(page.locator(".stages li.current")).to_have_text("接受申请")
    page.click("button[data-transition=submit]")
    expect(page.locator(".flash-error")).to_contain_text("申请资料不完整，缺少：地址、组织简介")
    page.on("dialog", lambda dialog: dialog.accept())
    page.fill("#reason-withdraw", "发起人工作调动")
    page.click("button[data-transition=withdraw]")
    expect(page.locator(".flash-success")).to_have_text("已进入“撤回”阶段。")
    expect(page.locator("#timeline")).to_contain_text("发起人工作调动")
    expect(page.locator("#timeline li")).to_have_count(2)
    page.click("nav >> text=孵化流程")
    expect(page).to_have_url(re.compile(r"/pipeline$"))
    expect(page.locator("section[aria-label=撤回]")).to_contain_text("青鸟志愿者服务队")
