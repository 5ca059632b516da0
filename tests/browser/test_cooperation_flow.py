"""In a real browser: a community officer drafts the year's 政社互动 agreement from the street's
template and notes how an item was carried out; the street opens a two-way evaluation and scores
the community, the community scores the street; the round is done and G2 counts it."""

from playwright.sync_api import expect

from tests.support.browser import sign_in, sign_out


def fill_sheet(page, points: dict[str, str]) -> None:
    page.on("dialog", lambda dialog: dialog.accept())
    for code, value in points.items():
        page.fill(f"[id='points-{code}']", value)
    page.click("#score-form button[value=submit]")


def test_an_agreement_is_drafted_and_a_two_way_evaluation_is_scored_both_ways(page):
    sign_in(page, "xianglong")
    page.goto("/cooperation?year=2017")
    page.click("#agreements button:has-text('按模板拟定')")
    expect(page.locator(".flash-success")).to_contain_text("已按街道模板拟定协议书")
    expect(page.locator("#list-assists li")).to_have_count(6)
    page.select_option("#f-item", "assists:4")
    page.fill("#f-department", "城市管理办公室")
    page.fill("#f-action", "组织志愿者清理楼道堆物 12 处")
    page.click("#note-form button[type=submit]")
    expect(page.locator("#note-list")).to_contain_text("组织志愿者清理楼道堆物 12 处")
    sign_out(page)

    sign_in(page, "staff")
    page.goto("/cooperation/evaluations")
    page.select_option("#f-community_id", label="祥龙社区")
    page.fill("#f-evaluated_on", "2017-06-20")
    page.click("#evaluation-form button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("已开启一次双向评估")
    page.click("text=填写街道评社区评分表")
    fill_sheet(page, {"1.1": "18", "1.2": "18", "2.1": "22", "2.2": "13", "3.1": "18"})
    expect(page.locator("#street-score")).to_have_text("89")
    sign_out(page)

    sign_in(page, "xianglong")
    page.goto("/cooperation/evaluations")
    page.click("#evaluations tbody a")
    page.click("text=填写社区评街道评分表")
    fill_sheet(page, {"1.1": "27", "2.1": "18", "2.2": "17", "3.1": "26"})
    expect(page.locator("#community-score")).to_have_text("88")
    expect(page.locator("text=已完成")).to_be_visible()
    page.goto("/cooperation/targets?year=2017")
    row = page.locator("#cooperation-targets tr", has_text="祥龙社区")
    expect(row).to_contain_text("1 / 2")  # H1 done, H2 not yet
