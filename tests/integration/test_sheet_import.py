"""The sheet-import engine through its second user, the registry workbook (社区 + 网格): several
sheets in one upload, a code defined earlier in the same workbook, a matched row updated, every
bad row named with its sheet, unknown sheets and columns refused by name, nothing half-written."""

import io
import re

from openpyxl import Workbook, load_workbook

from tests.conftest import sql
from tests.support import imports
from tests.support.web import login

COMMUNITY_HEADERS = ["街道名称", "社区代码", "社区名称", "实际居住户数"]
GRID_HEADERS = ["网格编码", "社区代码", "网格名称", "户数"]


def workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_file(client, data: bytes):
    status, page = imports.import_file(client, "/communities/import", data, "社区.xlsx")
    return status["status"], page


def counts(settings):
    return {
        table: sql(settings, f"SELECT count(*) AS n FROM {table}")[0]["n"]
        for table in ("street", "community", "grid")
    }


def good_book(households=1200):
    return workbook(
        {
            "社区": [
                COMMUNITY_HEADERS,
                ["说明：必填", "", "", ""],
                ["龙虎塘街道", "LHT-09", "龙城社区", households],
                ["新城街道", "XC-01", "新城社区", None],
            ],
            "网格": [
                GRID_HEADERS,
                ["LHT-09-01", "LHT-09", "龙城一网格", 300],
                ["LHT-01-09", "LHT-01", "祥龙九网格", None],
            ],
        }
    )


def test_a_workbook_of_two_sheets_is_written_and_a_second_import_updates_instead_of_adding(
    client, settings
):
    login(client, "staff")
    before = counts(settings)
    status, page = import_file(client, good_book())
    assert status == "done", page
    assert "导入 4 条记录" in page
    after = counts(settings)
    assert after == {
        "street": before["street"] + 1,  # 新城街道 did not exist
        "community": before["community"] + 2,
        "grid": before["grid"] + 2,
    }
    grid = sql(
        settings,
        "SELECT g.households, c.code FROM grid g JOIN community c ON c.id = g.community "
        "WHERE g.code = 'LHT-09-01'",
    )
    assert grid == [{"households": 300, "code": "LHT-09"}]  # its community came from sheet 1

    status, page = import_file(client, good_book(households=1500))
    assert status == "done" and "导入 0 条记录，更新 4 条" in page, page
    assert counts(settings) == after
    rows = sql(settings, "SELECT occupied_households, version FROM community WHERE code = 'LHT-09'")
    assert rows == [{"occupied_households": 1500, "version": 2}]


def test_every_bad_row_is_named_with_its_sheet_and_nothing_is_written(client, settings):
    login(client, "staff")
    before = counts(settings)
    data = workbook(
        {
            "社区": [
                COMMUNITY_HEADERS,
                ["龙虎塘街道", "LHT-09", "龙城社区", 1200],
                ["龙虎塘街道", "LHT-10", "祥龙社区", 900],  # the name of LHT-01
                ["龙虎塘街道", "", "无代码社区", "很多"],
                ["龙虎塘街道", "LHT-09", "龙城社区", 1200],  # row 2 again
            ],
            "网格": [
                GRID_HEADERS,
                ["LHT-09-01", "LHT-09", "龙城一网格", 300],
                ["LHT-99-01", "LHT-99", "无主网格", 10],
            ],
        }
    )
    status, page = import_file(client, data)
    assert status == "refused"
    problems = page.split('id="import-problems"')[1]
    for sheet, number, message in (
        ("社区", 3, "社区名称“祥龙社区”已被社区代码“LHT-01”使用"),
        ("社区", 4, "“社区代码”不能为空"),
        ("社区", 4, "“实际居住户数”必须是非负整数"),
        ("社区", 5, "与第 2 行重复"),
        ("网格", 3, "找不到社区代码“LHT-99”"),
    ):
        assert re.search(
            rf"<td>{sheet}</td><td class=\"num\">{number}</td><td>[^<]*{message}", problems
        ), (sheet, number, message)
    assert "有 4 行需要修改，未导入任何记录" in page
    assert counts(settings) == before


def test_unknown_sheets_and_columns_are_refused_by_name(client, settings):
    login(client, "staff")
    before = counts(settings)
    status, page = import_file(client, workbook({"社区": [COMMUNITY_HEADERS], "人口": [["姓名"]]}))
    assert status == "refused" and "工作簿中有未知的工作表：人口" in page
    extra_column = [[*COMMUNITY_HEADERS, "备注"], ["龙虎塘街道", "LHT-09", "龙城", 1, "x"]]
    status, page = import_file(client, workbook({"社区": extra_column}))
    assert status == "refused" and "工作表“社区”：未知的列：备注" in page
    status, page = import_file(client, workbook({"网格": [["网格编码", "网格名称"]]}))
    assert status == "refused" and "缺少必填列：社区代码" in page
    assert counts(settings) == before


def test_the_downloaded_template_filled_in_imports(client, settings):
    login(client, "admin")
    response = client.get("/communities/import/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["社区", "网格"]
    assert [c.value for c in book["社区"][1]] == COMMUNITY_HEADERS
    assert book["社区"]["A2"].value.startswith("说明")
    book["社区"].append(["龙虎塘街道", "LHT-09", "龙城社区", 800])
    book["网格"].append(["LHT-09-01", "LHT-09", "龙城一网格", 200])
    buffer = io.BytesIO()
    book.save(buffer)
    status, page = import_file(client, buffer.getvalue())
    assert status == "done" and "导入 2 条记录" in page, page


def test_only_street_staff_import_the_registry(client):
    login(client, "xianglong")
    assert client.get("/communities/import").status_code == 403
    assert "/communities/import" not in client.get("/communities").text
    client.cookies.clear()
    login(client, "staff")
    assert 'href="/communities/import"' in client.get("/communities").text
