"""The activity ledger through the pages, on the real database: recording, the verify workflow,
scoping, totals, exports, numbering under concurrency, photos, and the API."""

import asyncio
import csv
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from incubator.activities import service as activities
from incubator.core.auth import CurrentUser
from tests.conftest import sql
from tests.support.web import csrf_token, login, post_form

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
QINGNIAO = "青鸟志愿者服务队"  # 祥龙社区 (LHT-01), the applicant qingniao's organization
OTHER = "常州市新北区阳光助残服务社"  # 新龙社区


def org_id(settings, name):
    return sql(settings, "SELECT id FROM organization WHERE name = $1", name)[0]["id"]


def record(client, page="/activities/new", **changes):
    data = {
        "title": "重阳节敬老茶话会",
        "category": "community",
        "held_on": "2017-10-28",
        "start_time": "09:00",
        "end_time": "11:30",
        "place": "祥龙社区活动室",
        "hours": "2.5",
        "participants": "40",
        "beneficiaries": "35",
        "volunteers": "6",
        "budget": "800",
        "spending": "760.5",
        "satisfaction": "96",
        "content": "为社区老人表演节目并测量血压",
        "served_groups": ["elderly"],
    } | changes
    return post_form(client, "/activities/new", data, page=page)


def activity_id(response):
    assert response.status_code == 303, response.text[:400]
    return int(re.search(r"/activities/(\d+)", response.headers["location"]).group(1))


def move(client, aid, code, reason=""):
    page = client.get(f"/activities/{aid}").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = post_form(
        client,
        f"/activities/{aid}/move",
        {"code": code, "version": version, "reason": reason},
        page=f"/activities/{aid}",
    )
    assert response.status_code == 303
    return client.get(response.headers["location"]).text


def row(settings, aid):
    return sql(settings, "SELECT * FROM activity WHERE id = $1", aid)[0]


def test_an_organization_records_submits_and_staff_verify(client, settings):
    login(client, "qingniao")
    # Another organization's id is refused, not replaced by the applicant's own.
    refused = record(client, organization_id=str(org_id(settings, OTHER)))
    assert refused.status_code == 400 and "社会组织不存在" in refused.text
    aid = activity_id(record(client))
    saved = row(settings, aid)
    # The applicant's own organization and its community.
    assert saved["organization"] == org_id(settings, QINGNIAO)
    assert saved["ledger_no"] == "LHT-01-2017-0001"
    assert saved["status"] == "draft" and str(saved["hours"]) == "2.5"
    assert "您的角色不能执行“核实通过”" in move(client, aid, "verify")
    assert row(settings, aid)["status"] == "draft"
    page = move(client, aid, "submit")
    assert "记录状态：已提交" in page
    assert f'href="/activities/{aid}/edit"' not in page  # submitted: no longer editable
    client.cookies.clear()
    login(client, "staff")
    page = move(client, aid, "return")
    assert "请填写退回理由" in page
    page = move(client, aid, "return", reason="请补充签到表")
    assert "记录状态：退回" in page
    client.cookies.clear()
    login(client, "qingniao")
    assert "退回理由：请补充签到表" in client.get(f"/activities/{aid}").text
    move(client, aid, "submit")
    client.cookies.clear()
    login(client, "staff")
    assert "记录状态：已核实" in move(client, aid, "verify")
    saved = row(settings, aid)
    assert saved["reviewer"] is not None and saved["return_reason"] == ""
    ledger = client.get("/activities?year=2017").text
    totals = ledger.split('id="ledger-totals"')[1].split("</tr>")[0]
    assert "合计 1 条" in totals and ">2.5<" in totals and ">40<" in totals and ">35<" in totals


def test_bad_input_gets_chinese_messages_and_changes_nothing(client, settings):
    login(client, "staff")
    for changes, message in (
        ({"title": ""}, "请填写活动名称"),
        ({"category": "party_time"}, "请选择有效的活动类别"),
        ({"held_on": "2017-02-30"}, "活动日期不是有效日期"),
        ({"held_on": "2999-01-01"}, "活动日期不能晚于今天"),
        ({"start_time": "25:00"}, "开始时间不是有效时间"),
        ({"start_time": "11:00", "end_time": "09:00"}, "结束时间早于开始时间"),
        ({"hours": "2.55"}, "最多保留 1 位小数"),
        ({"participants": "-3"}, "参与人次必须在 0 到 1000000 之间"),
        ({"satisfaction": "120"}, "满意度（0–100）必须在 0 到 100 之间"),
        ({"news_link": "javascript:alert(1)"}, "新闻报道链接必须以 http:// 或 https:// 开头"),
        ({"served_groups": ["aliens"]}, "请选择有效的服务对象"),
        ({}, "请选择主办社会组织或社区"),  # staff must name an organizer
    ):
        response = record(client, **changes)
        assert response.status_code == 400, changes
        assert message in response.text, changes
    assert sql(settings, "SELECT id FROM activity") == []


def test_each_role_sees_and_changes_only_its_own_records(client, settings):
    login(client, "staff")
    activity_id(record(client, organization_id=str(org_id(settings, QINGNIAO))))
    other = activity_id(
        record(client, title="助残康复小组", organization_id=str(org_id(settings, OTHER)))
    )
    client.cookies.clear()
    login(client, "qingniao")
    assert client.get(f"/activities/{other}").status_code == 404
    assert client.get(f"/activities/{other}/edit").status_code == 404
    ledger = client.get("/activities").text
    assert "重阳节敬老茶话会" in ledger and "助残康复小组" not in ledger
    for path, data in (
        (f"/activities/{other}/move", {"code": "submit", "version": "1"}),
        (f"/activities/{other}/edit", {"title": "x", "category": "group", "version": "1"}),
    ):
        token = csrf_token(client, "/activities")
        response = client.post(path, data={**data, "_csrf_token": token})
        assert response.status_code in (303, 400, 404)
    assert (
        row(settings, other)["title"] == "助残康复小组"
        and row(settings, other)["status"] == "draft"
    )
    assert client.get("/api/v1/activities").json()["total"] == 1
    sheet = load_workbook(io.BytesIO(client.get("/activities/export.xlsx").content)).active
    assert "助残康复小组" not in str(list(sheet.iter_rows(values_only=True)))
    client.cookies.clear()
    login(client, "xianglong")  # 祥龙社区's officer
    ledger = client.get("/activities").text
    assert "重阳节敬老茶话会" in ledger and "助残康复小组" not in ledger
    # A community officer records only in their own community.
    refused = record(client, title="社区文艺汇演", community_id="4", category="performance")
    assert refused.status_code == 400 and "只能登记本社区的活动" in refused.text
    aid = activity_id(
        record(client, title="社区文艺汇演", community_id="1", category="performance")
    )
    assert row(settings, aid)["community"] == 1
    assert row(settings, aid)["ledger_no"] == "LHT-01-2017-0002"
    client.cookies.clear()
    login(client, "assessor")
    assert "助残康复小组" in client.get("/activities").text
    assert client.get("/activities/new").status_code == 403


def test_ledger_numbers_never_repeat_under_concurrent_creation(client, settings):
    staff = sql(settings, "SELECT id FROM app_user WHERE username = 'staff'")[0]["id"]
    actor = CurrentUser(staff, "staff", "王中心", "staff", None, None)
    oid = org_id(settings, QINGNIAO)

    async def create_many():
        data = {
            "title": "并发登记",
            "category": "group",
            "held_on": dt.date(2017, 5, 1),
            "place": "活动室",
            "organization_id": oid,
        }
        return await asyncio.gather(
            *[
                activities.create_activity(actor, data | {"title": f"并发登记{n}"})
                for n in range(12)
            ]
        )

    ids = client.blocking_portal.call(create_many)
    numbers = sorted(r["ledger_no"] for r in sql(settings, "SELECT ledger_no FROM activity"))
    assert len(ids) == 12
    assert numbers == [f"LHT-01-2017-{n:04d}" for n in range(1, 13)]


def test_exports_follow_the_filters_with_chinese_headers_and_totals(client, settings):
    login(client, "staff")
    record(client, organization_id=str(org_id(settings, QINGNIAO)))
    record(
        client,
        title='=HYPERLINK("http://x")',
        category="training",
        participants="10",
        beneficiaries="10",
        organization_id=str(org_id(settings, OTHER)),
    )
    response = client.get("/activities/export.xlsx?category=training")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("台账编号", "活动日期", "时间", "活动名称")
    assert len(rows) == 3  # header, one record, totals
    assert rows[1][3] == '\'=HYPERLINK("http://x")'  # escaped, never a live formula
    assert rows[2][0] == "合计：1 条" and rows[2][12] == 10
    text = client.get("/activities/export.csv").content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][0] == "台账编号" and len(lines) == 3
    assert {line[4] for line in lines[1:]} == {"社区活动", "培训"}


def test_the_ledger_adds_up_by_community_category_and_month(client, settings):
    login(client, "staff")
    record(client, organization_id=str(org_id(settings, QINGNIAO)))
    record(client, held_on="2017-11-02", organization_id=str(org_id(settings, QINGNIAO)))
    record(client, category="training", organization_id=str(org_id(settings, OTHER)))
    by_community = client.get("/activities?view=community").text.split('id="ledger-summary"')[1]
    assert "祥龙社区" in by_community and "新龙社区" in by_community
    by_month = client.get("/activities?view=month").text.split('id="ledger-summary"')[1]
    assert "2017-10" in by_month and "2017-11" in by_month
    by_category = client.get("/activities?view=category&community=1").text
    summary = by_category.split('id="ledger-summary"')[1].split("</table>")[0]
    assert "社区活动" in summary and "培训" not in summary
    assert ">80<" in summary  # two records of 40 participants


def test_photos_and_the_sign_in_sheet_are_checked_uploads(client, settings):
    login(client, "qingniao")
    aid = activity_id(record(client))
    token = csrf_token(client, f"/activities/{aid}")
    response = client.post(
        f"/activities/{aid}/files",
        data={"kind": "photo", "_csrf_token": token},
        files=[("file", ("合影.png", PNG, "image/png")), ("file", ("现场.png", PNG, "image/png"))],
    )
    assert "已上传 2 个文件" in client.get(response.headers["location"]).text
    response = client.post(
        f"/activities/{aid}/files",
        data={"kind": "photo", "_csrf_token": token},
        files={"file": ("病毒.png", b"MZ\x90\x00 not an image", "image/png")},
    )
    page = client.get(response.headers["location"]).text
    assert "已上传" not in page.split("<main")[1].split("flash")[1][:200]
    assert len(sql(settings, "SELECT id FROM activity_file WHERE activity = $1", aid)) == 2
    move(client, aid, "submit")
    token = csrf_token(client, f"/activities/{aid}")
    response = client.post(
        f"/activities/{aid}/files",
        data={"kind": "photo", "_csrf_token": token},
        files={"file": ("迟到.png", PNG, "image/png")},
    )
    assert "已提交的记录不能再添加附件" in client.get(response.headers["location"]).text


def test_the_api_lists_activities_with_filters_and_totals(client, settings):
    login(client, "staff")
    record(client, organization_id=str(org_id(settings, QINGNIAO)))
    record(
        client,
        category="training",
        held_on="2017-03-01",
        organization_id=str(org_id(settings, OTHER)),
    )
    body = client.get("/api/v1/activities?category=training").json()
    assert body["total"] == 1 and body["items"][0]["category"] == "training"
    assert body["totals"]["participants"] == 40
    body = client.get("/api/v1/activities?date_from=2017-06-01&page_size=1").json()
    assert body["total"] == 1 and body["items"][0]["held_on"] == "2017-10-28"
    assert client.get("/api/v1/activities?date_from=yesterday").status_code == 400


@pytest.mark.parametrize("username", ["qingniao", "xianglong", "assessor"])
def test_only_the_center_marks_highlights(client, settings, username):
    login(client, "staff")
    aid = activity_id(record(client, organization_id=str(org_id(settings, QINGNIAO))))
    client.cookies.clear()
    login(client, username)
    token = csrf_token(client, "/activities")
    response = client.post(
        f"/activities/{aid}/highlight", data={"version": "1", "on": "1", "_csrf_token": token}
    )
    assert response.status_code == 403
    assert row(settings, aid)["is_highlight"] in (False, 0)


def test_the_demo_year_of_activities(bound):
    from incubator.demo_activities import seed_activities_demo
    from tests.support.databases import run_async

    async def seed_twice():
        return await seed_activities_demo(), await seed_activities_demo()

    first, again = run_async(seed_twice())
    assert first >= 300 and again == 0
    rows = sql(bound, "SELECT ledger_no, status, held_on, community FROM activity")
    assert len({r["ledger_no"] for r in rows}) == len(rows) == first
    assert {r["status"] for r in rows} == {"draft", "submitted", "verified", "returned"}
    assert {str(r["held_on"])[:4] for r in rows} == {"2017"}
    assert len({r["community"] for r in rows} - {None}) == 6
    assert sql(bound, "SELECT COUNT(*) AS n FROM activity WHERE is_highlight")[0]["n"] > 0


def test_the_grid_must_lie_in_the_activitys_community(client, settings):
    grids = sql(settings, "SELECT id, community FROM grid ORDER BY id")
    own = next(g["id"] for g in grids if g["community"] == 1)
    other = next(g["id"] for g in grids if g["community"] != 1)
    login(client, "xianglong")
    refused = record(client, community_id="1", grid_id=str(other))
    assert refused.status_code == 400 and "所选网格不属于该社区" in refused.text
    aid = activity_id(record(client, community_id="1", grid_id=str(own)))
    assert row(settings, aid)["grid"] == own
