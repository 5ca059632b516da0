"""The center: rooms and desks, entry agreements, support records, mid-term decisions and the
graduation checklist, through the pages on the real database."""

import datetime as dt
import re

import pytest

from incubator.core.i18n import local_today
from tests.conftest import sql
from tests.integration.test_pipeline import (
    PNG,
    complete_checklist,
    draft_agreement,
    make_room,
    qingniao,
    score,
    step,
)
from tests.support.web import login, post_form

OTHER = "常州市新北区阳光助残服务社"


def put_in(settings, oid, stage, track="in_park_6"):
    sql(
        settings,
        "UPDATE organization SET stage = $1, incubation_track = $2, version = version + 1 "
        "WHERE id = $3",
        stage,
        track,
        oid,
    )


def agreement_of(settings, oid):
    rows = sql(settings, "SELECT * FROM entry_agreement WHERE organization = $1", oid)
    return rows[0] if rows else None


def held_desks(settings, oid):
    return [
        r["code"]
        for r in sql(
            settings,
            "SELECT d.code FROM desk_allocation a JOIN center_desk d ON d.id = a.desk "
            "JOIN entry_agreement e ON e.id = a.agreement "
            "WHERE e.organization = $1 AND a.released_on IS NULL ORDER BY d.code",
            oid,
        )
    ]


def flashed(client, response):
    assert response.status_code == 303, response.text[:300]
    return client.get(response.headers["location"]).text


def test_rooms_and_desks_make_the_occupancy_view(client, settings):
    login(client, "staff")
    make_room(client, "201 办公室", desks=3)
    page = client.get("/center/space").text
    assert "201 办公室-01" in page and "201 办公室-03" in page
    assert "0 / 3" in page  # office zone: none of three desks taken
    assert "中心总面积 40 平方米" in page and "功能区不全" in page
    again = post_form(
        client,
        "/center/rooms",
        {"zone": "office", "name": "201 办公室", "capacity": "8", "area": "40", "desks": "1"},
        page="/center/space",
    )
    assert again.status_code == 400 and "已有同名房间" in again.text
    bad = post_form(
        client,
        "/center/rooms",
        {"zone": "roof", "name": "", "capacity": "-1"},
        page="/center/space",
    )
    assert bad.status_code == 400
    assert "请选择有效的功能区" in bad.text and "请填写房间名称" in bad.text
    assert len(sql(settings, "SELECT id FROM center_room")) == 1
    room = sql(settings, "SELECT id FROM center_room")[0]["id"]
    added = post_form(client, f"/center/rooms/{room}/desks", {"code": "201-窗边"}, page="/")
    assert "工位已添加" in flashed(client, added)
    assert len(sql(settings, "SELECT id FROM center_desk")) == 4


@pytest.mark.parametrize("username", ["qingniao", "xianglong"])
def test_the_space_pages_are_for_the_center(client, settings, username):
    login(client, username)
    assert client.get("/center/space").status_code == 403
    response = post_form(
        client,
        "/center/rooms",
        {"zone": "office", "name": "x", "capacity": "1"},
        page="/",
    )
    assert response.status_code == 403
    assert sql(settings, "SELECT id FROM center_room") == []


def test_an_agreement_is_checked_before_anything_is_saved(client, settings):
    oid = qingniao(settings)["id"]
    put_in(settings, oid, "entry")
    login(client, "staff")
    make_room(client)
    page = client.get(f"/organizations/{oid}/agreement").text
    # The period follows the track (6 months) and the standard texts are filled in.
    start = local_today()
    assert f'value="{start.isoformat()}"' in page
    assert "遵守中心管理制度" in page
    cases = (
        ({"period_end": "2000-01-01"}, "协议结束日期必须晚于开始日期"),
        ({"signed_on": (start + dt.timedelta(days=3)).isoformat()}, "签订日期不能晚于今天"),
        ({"services": []}, "请至少选择一项服务"),
        ({"desks": []}, "园内孵化须分配至少一个工位或展位"),
        ({"period_start": "2017-13-01"}, "入驻开始日期不是有效日期"),
        ({"obligations": ""}, "请填写双方权利义务"),
    )
    for extra, message in cases:
        response = draft_agreement(client, oid, **extra)
        assert response.status_code == 400, extra
        assert message in response.text, extra
    assert agreement_of(settings, oid) is None
    assert draft_agreement(client, oid).status_code == 303
    agreement = agreement_of(settings, oid)
    assert agreement["status"] == "draft"
    assert re.fullmatch(r"RZ\d{4}-001", agreement["number"])
    assert held_desks(settings, oid) == ["201 办公室-01"]


def test_a_desk_has_one_holder_and_is_free_again_when_the_organization_leaves(client, settings):
    own = qingniao(settings)["id"]
    other = sql(settings, "SELECT id FROM organization WHERE name = $1", OTHER)[0]["id"]
    put_in(settings, own, "entry")
    put_in(settings, other, "entry")
    login(client, "staff")
    make_room(client, desks=1)
    desk = sql(settings, "SELECT id FROM center_desk")[0]["id"]
    assert draft_agreement(client, own).status_code == 303
    # The desk is taken: the other organization's form does not offer it, and forcing it fails.
    assert (
        f'name="desks" value="{desk}"' not in client.get(f"/organizations/{other}/agreement").text
    )
    response = draft_agreement(client, other, desks=[str(desk)])
    assert response.status_code == 400 and "工位已被占用：201 办公室-01" in response.text
    assert agreement_of(settings, other) is None
    # A held desk cannot be taken out of use.
    archived = post_form(client, f"/center/desks/{desk}/archive", {}, page="/")
    assert "正在使用，不能停用" in flashed(client, archived)
    # Signing starts incubation; leaving ends the agreement and frees the desk.
    page = step(client, own, "sign_agreement", files={"attachment": ("协议.png", PNG, "image/png")})
    assert "已进入“孵化”阶段" in page
    signed = agreement_of(settings, own)
    assert signed["status"] == "signed" and signed["scan"] is not None
    step(client, own, "terminate", reason="负责人长期联系不上")
    ended = agreement_of(settings, own)
    assert ended["status"] == "ended" and str(ended["ended_on"]) == str(local_today())
    assert held_desks(settings, own) == []
    assert draft_agreement(client, other).status_code == 303
    assert held_desks(settings, other) == ["201 办公室-01"]


def test_the_database_refuses_a_second_holder(settings):
    sql(settings, "INSERT INTO center_room (zone, name, capacity) VALUES ('office', 'r', 1)")
    sql(settings, "INSERT INTO center_desk (room, code) VALUES (1, 'r-1')")
    oid = sql(settings, "SELECT id FROM organization ORDER BY id LIMIT 1")[0]["id"]
    for n in (1, 2):
        sql(
            settings,
            "INSERT INTO entry_agreement (organization, number, period_start, period_end) "
            "VALUES ($1, $2, '2017-01-01', '2017-12-31')",
            oid,
            f"T-{n}",
        )
    insert = (
        "INSERT INTO desk_allocation (agreement, desk, allocated_on) VALUES ($1, 1, '2017-01-01')"
    )
    sql(settings, insert, 1)
    with pytest.raises(Exception, match="(?i)unique"):
        sql(settings, insert, 2)


def test_a_signed_agreement_keeps_its_period_and_renewal_extends_it(client, settings):
    oid = qingniao(settings)["id"]
    put_in(settings, oid, "entry")
    login(client, "staff")
    make_room(client)
    draft_agreement(client, oid)
    step(client, oid, "sign_agreement", files={"attachment": ("协议.png", PNG, "image/png")})
    before = agreement_of(settings, oid)
    # Amending a signed agreement may move desks, never its period.
    response = draft_agreement(client, oid, desk_count=2, period_end="2030-01-01")
    assert response.status_code == 303
    after = agreement_of(settings, oid)
    assert after["period_end"] == before["period_end"]
    assert held_desks(settings, oid) == ["201 办公室-01", "201 办公室-02"]
    page = step(client, oid, "extend", reason="登记材料仍在办理")
    renewed = agreement_of(settings, oid)
    assert renewed["renewals"] == 1
    assert renewed["period_end"] > before["period_end"]
    assert f"协议延长至 {renewed['period_end']}" in page


def test_agreements_ending_within_30_days_are_on_my_work(client, settings):
    oid = qingniao(settings)["id"]
    put_in(settings, oid, "entry", track="off_park")
    login(client, "staff")
    assert draft_agreement(client, oid, desk_count=0).status_code == 303
    step(client, oid, "sign_agreement", files={"attachment": ("协议.png", PNG, "image/png")})
    assert "青鸟志愿者服务队" not in client.get("/my-work").text.split("30 天内到期")[1][:600]
    soon = local_today() + dt.timedelta(days=12)
    sql(settings, "UPDATE entry_agreement SET period_end = $1 WHERE organization = $2", soon, oid)
    section = client.get("/my-work").text.split('id="agreements-ending"')[1].split("</section>")[0]
    assert "青鸟志愿者服务队" in section and "剩 12 天" in section
    # A community officer of another community does not see it.
    client.cookies.clear()
    login(client, "tenglong")
    assert client.get("/my-work").status_code == 403


def test_support_records_are_kept_with_totals(client, settings):
    oid = qingniao(settings)["id"]
    login(client, "staff")
    early = post_form(
        client,
        f"/organizations/{oid}/support",
        {"kind": "coaching", "held_on": "2017-05-01", "topic": "项目书撰写"},
        page="/",
    )
    assert "入壳以后才记录孵化支持" in flashed(client, early)
    put_in(settings, oid, "incubation")
    for data in (
        {"kind": "coaching", "held_on": "2017-05-01", "topic": "项目书撰写", "hours": "1.5"},
        {"kind": "coaching", "held_on": "2017-05-08", "topic": "财务制度", "hours": "2"},
        {"kind": "subsidy", "held_on": "2017-06-01", "topic": "启动资金", "amount": "5000"},
    ):
        assert "孵化支持记录已添加" in flashed(
            client, post_form(client, f"/organizations/{oid}/support", data, page="/")
        )
    for data, message in (
        ({"kind": "coaching", "held_on": "2017-05-01", "topic": "x", "hours": "abc"}, "必须是数字"),
        ({"kind": "coaching", "held_on": "2017-05-01", "topic": "x", "hours": "1.25"}, "1 位小数"),
        ({"kind": "gift", "held_on": "2017-05-01", "topic": "x"}, "请选择有效的支持类型"),
        ({"kind": "training", "held_on": "2999-01-01", "topic": "x"}, "日期不能晚于今天"),
    ):
        page = flashed(client, post_form(client, f"/organizations/{oid}/support", data, page="/"))
        assert message in page, data
    assert len(sql(settings, "SELECT id FROM support_record")) == 3
    page = client.get(f"/organizations/{oid}").text
    support = page.split('id="support"')[1].split("</section>")[0]
    assert "导师辅导 合计 2 次" in support and ">3.5<" in support
    assert "小额补贴 合计 1 次" in support and ">5000<" in support
    assert "项目书撰写" in page.split('id="timeline"')[1]  # also on the timeline
    client.cookies.clear()
    login(client, "qingniao")
    response = post_form(
        client,
        f"/organizations/{oid}/support",
        {"kind": "subsidy", "held_on": "2017-06-01", "topic": "自批补贴", "amount": "99999"},
        page="/",
    )
    assert response.status_code == 403
    assert "启动资金" in client.get(f"/organizations/{oid}").text  # their own page shows it


def test_the_midterm_review_drives_the_decision(client, settings):
    oid = qingniao(settings)["id"]
    put_in(settings, oid, "incubation")
    login(client, "staff")
    assert "尚无提交的中期评估评分" in step(client, oid, "midterm_pass")
    score(client, settings, oid, "assessor", "midterm", 0.5)
    assert "中期评估均分不合格，请选择限期整改或终止孵化" in step(client, oid, "midterm_pass")
    assert "请填写“中期评估：限期整改”的理由" in step(client, oid, "midterm_rectify")
    page = step(client, oid, "midterm_rectify", reason="台账不完整")
    assert "已进入“孵化”阶段" in page
    item = sql(settings, "SELECT id, due_date FROM work_item WHERE kind = 'rectification'")[0]
    assert str(item["due_date"]) == str(local_today() + dt.timedelta(days=30))
    # The open rectification keeps the organization from graduating.
    put_in(settings, oid, "graduation")
    score(client, settings, oid, "assessor", "graduation", 0.9)
    complete_checklist(client, oid)
    assert "还有 1 项孵化节点、整改、交接或总结报告事项未办结" in step(client, oid, "graduate")


def test_the_graduation_checklist_is_ticked_by_staff_and_follows_the_track(client, settings):
    oid = qingniao(settings)["id"]
    login(client, "staff")
    early = post_form(
        client, f"/organizations/{oid}/checklist", {"item": "final_report", "done": "1"}, page="/"
    )
    assert "出壳清单在孵化和出壳评估阶段填写" in flashed(client, early)
    put_in(settings, oid, "graduation", track="off_park")
    page = client.get(f"/organizations/{oid}").text
    assert "提交孵化总结报告" in page
    assert "退还场地" not in page  # off-site organizations hold no space
    bogus = post_form(client, f"/organizations/{oid}/checklist", {"item": "x", "done": "1"}, "/")
    assert "未知的清单项目" in flashed(client, bogus)
    tick = post_form(
        client,
        f"/organizations/{oid}/checklist",
        {"item": "final_report", "done": "1", "note": "已提交纸质版"},
        page="/",
    )
    assert "已提交纸质版" in flashed(client, tick)
    untick = post_form(
        client, f"/organizations/{oid}/checklist", {"item": "final_report", "done": "0"}, "/"
    )
    flashed(client, untick)
    assert sql(settings, "SELECT id FROM graduation_check") == []
    score(client, settings, oid, "assessor", "graduation", 0.9)
    assert "出壳清单尚未完成" in step(client, oid, "graduate")
    complete_checklist(client, oid)
    assert len(sql(settings, "SELECT id FROM graduation_check")) == 5
    assert "已进入“跟踪辅导”阶段" in step(client, oid, "graduate")
    actions = [r["action"] for r in sql(settings, "SELECT action FROM audit_log")]
    assert actions.count("checklist") == 7


def test_the_applicant_reads_their_own_agreement_and_cannot_change_it(client, settings):
    oid = qingniao(settings)["id"]
    put_in(settings, oid, "entry")
    login(client, "staff")
    make_room(client)
    draft_agreement(client, oid)
    client.cookies.clear()
    login(client, "qingniao")
    page = client.get(f"/organizations/{oid}/agreement").text
    assert "201 办公室-01" in page and "agreement-form" not in page
    response = draft_agreement(client, oid, period_end="2030-01-01")
    assert response.status_code == 403
    assert str(agreement_of(settings, oid)["period_end"]) != "2030-01-01"
