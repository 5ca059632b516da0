"""The whole journey in a real browser: an applicant registers and applies with attachments;
two assessors score; staff admit, sign the agreement, graduate, and record a follow-up visit."""

import re

from playwright.sync_api import expect

from tests.support.browser import sign_in, sign_out

PDF = b"%PDF-1.4\n" + b"0" * 300
SCREENING = {
    "1.1": 9,
    "1.2": 8,
    "2.1": 9,
    "2.2": 13,
    "2.3": 12,
    "3.1": 13,
    "3.2": 8,
    "4.1": 8,
    "4.2": 4,
}
GRADUATION = {"1.1": 9, "1.2": 13, "2.1": 13, "2.2": 12, "3.1": 13, "3.2": 8, "4.1": 8, "4.2": 8}


def transition(page, code, reason=None, track=None, attachment=None):
    form = page.locator(f"form:has(button[data-transition={code}])")
    if reason:
        form.locator("input[name=reason]").fill(reason)
    if track:
        form.locator("select[name=track]").select_option(track)
    if attachment:
        form.locator("input[type=file]").set_input_files(attachment)
    form.locator(f"button[data-transition={code}]").click()


def score_review(page, points, title_part):
    page.goto("/reviews")
    page.click(f"table a:has-text('{title_part}')")
    for code, value in points.items():
        page.fill(f"#points-{code.replace('.', chr(92) + '.')}", str(value))
    expect(page.locator("#live-total")).to_have_text(str(sum(points.values())))
    page.click("#score-form button[value=submit]")
    expect(page.locator(".flash-success")).to_contain_text("评分已提交")


def test_from_registration_to_follow_up(page):
    page.on("dialog", lambda dialog: dialog.accept())
    # The applicant registers and applies online.
    page.goto("/register")
    page.fill("#f-organization_name", "玲珑社区乐龄手工坊")
    page.select_option("#f-registration_status", "unregistered")
    page.select_option("#f-service_field", "elderly")
    page.select_option("#f-community_id", label="玲珑社区")
    page.fill("#f-display_name", "孙乐龄")
    page.fill("#f-phone", "13961112222")
    page.fill("#f-username", "leling")
    page.fill("#f-password", "handcraft-2017")
    page.click("#register-form button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("注册成功")
    page.fill("#f-project_name", "乐龄手工课堂")
    page.fill("#f-project_summary", "每周两次为社区老人开设手工课")
    page.fill("#f-target_group", "60 岁以上老人")
    page.fill("#f-planned_activities", "编织、剪纸、作品义卖")
    page.fill("#f-budget_yuan", "6000")
    for name in ("annual_inspection_ok", "no_penalties", "not_blacklisted", "independent_account"):
        page.check(f"input[name={name}]")
    page.click("#application-form button[value=save]")
    for label in ("组织章程（草案）", "发起人签名", "负责人身份证", "项目计划书"):
        row = page.locator("tr", has_text=label)
        row.locator("input[type=file]").set_input_files(
            {"name": f"{label}.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        row.locator("button").click()
        expect(page.locator(".flash-success")).to_have_text("材料已上传。")
    expect(page.locator("#still-missing")).to_have_count(0)
    page.click("#application-form button[value=preview]")
    page.click("#submit-form button[type=submit]")
    expect(page.locator("#tracking-number")).to_have_text(re.compile(r"LHT-\d{4}-\d{4}"))
    sign_out(page)

    # Staff complete the profile, send it to screening and assign two assessors.
    sign_in(page, "staff")
    page.goto("/organizations?q=乐龄手工坊")
    page.click("text=玲珑社区乐龄手工坊")
    organization_url = page.url
    page.click("text=修改")
    page.fill("#f-legal_representative", "孙乐龄")
    page.fill("#f-address", "玲珑社区活动中心二楼")
    page.fill("#f-description", "社区老人自发组织的手工兴趣团队")
    page.click("#organization-form button[type=submit]")
    transition(page, "submit")
    expect(page.locator(".flash-success")).to_have_text("已进入“筛选评估”阶段。")
    page.check("#assign-form >> text=李评审")
    page.check("#assign-form >> text=赵评审")
    page.click("#assign-form button[type=submit]")
    expect(page.locator(".flash-success")).to_have_text("已安排 2 位评审。")
    sign_out(page)

    for assessor in ("assessor", "assessor2"):
        sign_in(page, assessor)
        score_review(page, SCREENING, "乐龄手工坊")
        sign_out(page)

    # Staff admit, sign the agreement and ask for the graduation assessment.
    sign_in(page, "staff")
    page.goto(organization_url)
    transition(page, "admit", reason="两位评审均分达到录取档次", track="in_park_6")
    expect(page.locator(".flash-success")).to_have_text("已进入“入壳”阶段。")
    # The center's office room, then the agreement giving the organization a desk in it.
    page.goto("/center/space")
    page.select_option("#f-zone", "office")
    page.fill("#f-name", "201 办公室")
    page.fill("#f-capacity", "8")
    page.fill("#f-area", "40")
    page.fill("#f-desks", "2")
    page.click("#room-form button[type=submit]")
    expect(page.locator(".flash-success")).to_have_text("房间已添加。")
    expect(page.locator("#zone-stats [data-zone=office] .num")).to_have_text("0 / 2")
    page.goto(organization_url)
    page.click("#agreement a.button")
    page.fill("#f-signed_on", "2026-11-20")
    page.check("#desk-choices >> text=201 办公室-01")
    page.click("#agreement-form button[type=submit]")
    expect(page.locator(".flash-success")).to_have_text("入驻协议已保存。")
    expect(page.locator("#agreement")).to_contain_text("201 办公室-01")
    transition(
        page,
        "sign_agreement",
        attachment={"name": "入驻协议.pdf", "mimeType": "application/pdf", "buffer": PDF},
    )
    expect(page.locator(".flash-success")).to_have_text("已进入“孵化”阶段。")
    transition(page, "request_graduation")
    expect(page.locator(".flash-success")).to_have_text("已进入“出壳”阶段。")
    page.check("#assign-form >> text=李评审")
    page.click("#assign-form button[type=submit]")
    sign_out(page)

    sign_in(page, "assessor")
    score_review(page, GRADUATION, "出壳评估评审")
    sign_out(page)

    # Staff graduate the organization and record the first follow-up visit.
    sign_in(page, "staff")
    page.goto(organization_url)
    transition(page, "graduate")
    expect(page.locator(".flash-error")).to_contain_text("出壳清单尚未完成")
    while page.locator("[data-check]").count():
        page.locator("[data-check]").first.click()
        expect(page.locator(".flash-success")).to_have_text("出壳清单已更新。")
    transition(page, "graduate")
    expect(page.locator(".flash-success")).to_have_text("已进入“跟踪辅导”阶段。")
    expect(page.locator("#timeline li")).to_have_count(7)
    page.goto("/center/space")
    expect(page.locator("#zone-stats [data-zone=office] .num")).to_have_text("0 / 2")
    page.goto(organization_url)
    page.click("text=玲珑社区乐龄手工坊出壳后 3 个月回访")
    page.select_option("#f-to_status", "done")
    page.fill("#f-note", "已登记备案，手工课堂每周照常开展")
    page.click("#move-form button[type=submit]")
    expect(page.locator(".flash-success")).to_have_text("状态已更新。")
    expect(page.locator(".timeline")).to_contain_text("已登记备案，手工课堂每周照常开展")
