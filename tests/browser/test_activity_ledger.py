"""In a real browser: an organization records an activity with photos and submits it, staff
verify it, and the ledger page counts it in its totals."""

from playwright.sync_api import expect

from tests.support.browser import sign_in, sign_out
from tests.support.images import png


def test_an_activity_with_photos_is_verified_and_counted(page):
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, "qingniao")
    page.goto("/activities/new")
    page.fill("#f-title", "社区环保手工课")
    page.select_option("#f-category", "group")
    page.fill("#f-held_on", "2017-07-15")
    page.fill("#f-start_time", "14:00")
    page.fill("#f-end_time", "16:00")
    page.fill("#f-place", "祥龙社区活动室")
    page.check("#served-groups >> text=儿童")
    page.fill("#f-hours", "2")
    page.fill("#f-participants", "26")
    page.fill("#f-beneficiaries", "24")
    page.fill("#f-volunteers", "4")
    page.click("#activity-form button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("记录已保存为草稿")
    ledger_no = page.locator("dd").first.inner_text()
    assert ledger_no == "LHT-01-2017-0001"
    page.set_input_files(
        "#file-input",
        [
            {"name": "合影.png", "mimeType": "image/png", "buffer": png()},
            {"name": "作品.png", "mimeType": "image/png", "buffer": png(rgb=(40, 120, 200))},
        ],
    )
    page.click("#upload-form button[type=submit]")
    expect(page.locator(".flash-success")).to_have_text("已上传 2 个文件。")
    expect(page.locator(".photos img")).to_have_count(2)
    page.click("button[data-move=submit]")
    expect(page.locator("#activity-status")).to_have_text("已提交")
    sign_out(page)

    sign_in(page, "staff")
    page.goto("/activities?status=submitted")
    page.click(f"text={ledger_no}")
    page.click("button[data-move=verify]")
    expect(page.locator("#activity-status")).to_have_text("已核实")
    page.goto("/activities?year=2017&community=1")
    totals = page.locator("#ledger-totals")
    expect(totals).to_contain_text("合计 1 条")
    expect(totals.locator("td").nth(0)).to_have_text("2")
    expect(totals.locator("td").nth(1)).to_have_text("26")
    expect(totals.locator("td").nth(2)).to_have_text("24")
