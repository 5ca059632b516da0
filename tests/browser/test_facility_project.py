"""In a real browser: a community officer opens a facility project and submits its plan, staff
of 建设管理中心 approve it with a date, the officer records progress with a site photo and ticks
the three-stations checklist; the area's targets count what they did."""

from playwright.sync_api import expect

from tests.support.browser import sign_in, sign_out
from tests.support.images import png


def test_a_project_goes_from_plan_to_approval_with_dated_steps_and_a_photo(page):
    sign_in(page, "xianglong")
    page.goto("/facilities/new")
    page.fill("#f-year", "2017")
    page.fill("#f-name", "一站式服务大厅改造")
    page.select_option("#f-kind", "service_hall")
    page.fill("#f-budget", "480000")
    page.click("#project-form button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("项目已立项")
    expect(page.locator("dd").first).to_have_text("LHT-01-2017-01")
    expect(page.locator("#project-status")).to_have_text("方案编制")
    page.select_option("#f-target", "submitted")
    page.fill("#f-when", "2017-03-20")
    page.click("#step-form button[type=submit]")
    expect(page.locator("#project-status")).to_have_text("报建设管理中心审核")
    # A community may not approve its own plan: the choice is not even offered.
    expect(page.locator("#f-target option[value=implementing]")).to_have_count(0)
    sign_out(page)

    sign_in(page, "staff")
    page.goto("/facilities?status=submitted")
    page.click("text=LHT-01-2017-01")
    page.select_option("#f-target", "implementing")
    page.fill("#f-when", "2017-05-18")
    page.fill("#f-note", "方案可行，同意实施")
    page.click("#step-form button[type=submit]")
    expect(page.locator("#project-status")).to_have_text("审核通过，实施中")
    expect(page.locator("#project-steps")).to_contain_text("2017-05-18")
    expect(page.locator("#timeline")).to_contain_text("2017-05-18：方案可行，同意实施")
    sign_out(page)

    sign_in(page, "xianglong")
    page.goto("/facilities")
    page.click("text=一站式服务大厅改造")
    page.fill("#progress-form textarea", "主体装修完成")
    page.set_input_files("#f-photo", {"name": "现场.png", "mimeType": "image/png", "buffer": png()})
    page.click("#progress-form button[type=submit]")
    expect(page.locator(".flash-success")).to_have_text("进展已记录。")
    expect(page.locator("#timeline .photos img")).to_have_count(1)

    page.goto("/facilities/stations/1/2017")
    form = page.locator("#item-signage form")
    form.locator("input[name=done]").check()
    form.locator("input[name=checked_on]").fill("2017-09-15")
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash-success")).to_have_text("核查结果已保存。")
    expect(page.locator("#item-signage")).to_contain_text("已达标")
    page.goto("/facilities/targets?year=2017")
    row = page.locator("#facility-targets tr", has_text="祥龙社区")
    expect(row).to_contain_text("0 / 1")  # approved in time, not in use yet
    expect(row).to_contain_text("1 / 4")
