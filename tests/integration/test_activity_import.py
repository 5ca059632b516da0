"""Importing the activity ledger from the XLSX template: all rows checked first, nothing written
unless every row is good, re-imports add nothing, and hostile files are refused."""

import datetime as dt
import io
import re

from openpyxl import Workbook, load_workbook

from incubator.activities import rules
from tests.conftest import sql
from tests.support import imports
from tests.support.web import csrf_token, login

HEADERS = [c.header for c in rules.IMPORT_COLUMNS]


def sheet_bytes(rows, headers=HEADERS, help_row=True):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    if help_row:
        sheet.append([c.help for c in rules.IMPORT_COLUMNS])
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def good_row(n=1, **changes):
    return {
        "活动名称": f"四点半课堂第{n}期",
        "活动日期": "2017-06-30",
        "开始时间": "16:30",
        "结束时间": "18:00",
        "活动类别": "小组",
        "主办社会组织": "青鸟志愿者服务队",
        "活动地点": "祥龙社区活动室",
        "服务对象": "儿童、青少年",
        "服务时长（小时）": 1.5,
        "参与人次": 20,
        "受益人次": 18,
        "志愿者人数": 3,
    } | changes


def upload(client, data, name="台账.xlsx"):
    return imports.upload(client, "/activities/import", data, name)


def finish(client, location):
    """Polls the job's status the way the page does until it ends; returns the final page."""
    return imports.finish(client, location)


def count(settings):
    return len(sql(settings, "SELECT id FROM activity"))


def test_the_template_has_a_header_and_a_help_row(client):
    login(client, "staff")
    response = client.get("/activities/import/template.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert rows[1][0] == "说明：必填，最多 200 字"


def test_a_good_file_is_written_and_a_second_import_adds_nothing(client, settings):
    login(client, "staff")
    rows = [good_row(n) for n in range(1, 4)]
    # Dates in the formats people type, and a real date cell.
    rows[0]["活动日期"] = "2017/6/5"
    rows[1]["活动日期"] = "2017年6月12日"
    rows[2]["活动日期"] = dt.datetime(2017, 6, 19)
    data = sheet_bytes(rows)
    status, page = finish(client, upload(client, data))
    assert status["status"] == "done", page
    assert "导入 3 条记录" in page
    imported = sql(
        settings, "SELECT ledger_no, held_on, status, served_groups FROM activity ORDER BY id"
    )
    assert [r["ledger_no"] for r in imported] == [f"LHT-01-2017-{n:04d}" for n in (1, 2, 3)]
    assert [str(r["held_on"]) for r in imported] == ["2017-06-05", "2017-06-12", "2017-06-19"]
    assert {r["status"] for r in imported} == {"verified"}
    assert imported[0]["served_groups"] == "children,youth"
    status, page = finish(client, upload(client, data))
    assert status["status"] == "done" and "导入 0 条记录，3 条此前已导入，已跳过" in page
    assert count(settings) == 3


def test_every_bad_row_is_reported_and_nothing_is_written(client, settings):
    login(client, "staff")
    rows = [
        good_row(1),
        good_row(2, **{"活动日期": "2017-02-30"}),
        good_row(3, **{"活动类别": "聚餐"}),
        good_row(4, **{"主办社会组织": "不存在的组织"}),
        good_row(5, **{"参与人次": -4, "服务时长（小时）": "两小时"}),
        good_row(1),  # the first row again
        good_row(7, **{"活动名称": ""}),
    ]
    status, page = finish(client, upload(client, sheet_bytes(rows)))
    assert status["status"] == "refused"
    problems = page.split('id="import-problems"')[1]
    for row_number, message in (
        (4, "“活动日期”不是有效日期"),
        (5, "未知的活动类别“聚餐”"),
        (6, "找不到社会组织“不存在的组织”"),
        (7, "“参与人次”必须是非负整数"),
        (7, "“服务时长（小时）”必须是非负数字"),
        (8, "与第 3 行重复"),
        (9, "“活动名称”不能为空"),
    ):
        assert re.search(rf"<td class=\"num\">{row_number}</td><td>[^<]*{message}", problems), (
            row_number,
            message,
        )
    assert "有 6 行需要修改，未导入任何记录" in page
    assert count(settings) == 0


def test_formulas_are_refused_not_computed(client, settings):
    login(client, "staff")
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    values = good_row(1)
    values["参与人次"] = "=10*2"
    values["活动名称"] = '=HYPERLINK("http://evil.example","点我")'
    sheet.append([values.get(h) for h in HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    status, page = finish(client, upload(client, buffer.getvalue()))
    assert status["status"] == "refused"
    assert "“参与人次”是公式，请改为数值后再导入" in page
    assert "“活动名称”是公式" in page
    assert count(settings) == 0


def test_files_that_are_not_a_ledger_are_refused(client, settings):
    login(client, "staff")
    for data, message in (
        (b"", "文件为空，请选择填好的 Excel 文件"),
        (b"%PDF-1.4 not a sheet", "文件不是 Excel（.xlsx）格式"),
        (b"PK\x03\x04 broken zip", "文件不是 Excel（.xlsx）格式"),
        (sheet_bytes([], headers=["姓名", "电话"], help_row=False), "缺少必填列：活动名称"),
        (sheet_bytes([]), "表格中没有数据行"),
    ):
        token = csrf_token(client, "/activities/import")
        response = client.post(
            "/activities/import",
            data={"_csrf_token": token},
            files={"file": ("x.xlsx", data, "application/octet-stream")},
        )
        assert response.status_code == 303
        if response.headers["location"] == "/activities/import":
            assert message in client.get("/activities/import").text
        else:
            status, page = finish(client, response.headers["location"])
            assert status["status"] == "refused" and message in page, message
    assert count(settings) == 0


def test_a_20_mb_file_is_refused_without_reading_it_all(client, settings):
    login(client, "staff")
    token = csrf_token(client, "/activities/import")
    response = client.post(
        "/activities/import",
        data={"_csrf_token": token},
        files={"file": ("大文件.xlsx", b"PK" + b"\x00" * (20 * 1024 * 1024), "application/zip")},
    )
    assert response.status_code == 303 and response.headers["location"] == "/activities/import"
    assert "文件过大：导入文件最大 5 MB" in client.get("/activities/import").text
    assert count(settings) == 0


def test_a_community_imports_only_its_own_rows(client, settings):
    login(client, "xianglong")
    rows = [
        good_row(1, **{"主办社会组织": None, "社区": "祥龙社区"}),
        good_row(2, **{"主办社会组织": None, "社区": "腾龙社区"}),
    ]
    status, page = finish(client, upload(client, sheet_bytes(rows)))
    assert status["status"] == "refused" and "只能导入本社区的活动" in page
    status, page = finish(client, upload(client, sheet_bytes(rows[:1])))
    assert status["status"] == "done"
    imported = sql(settings, "SELECT community, status FROM activity")
    assert imported == [{"community": 1, "status": "submitted"}]  # the center still verifies
    client.cookies.clear()
    login(client, "tenglong")
    assert client.get("/activities/import/1").status_code == 404  # another user's job
    client.cookies.clear()
    login(client, "qingniao")
    assert client.get("/activities/import").status_code == 403
