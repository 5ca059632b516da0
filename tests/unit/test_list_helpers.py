"""The shared shapes of a list: its query read through a ListSpec, its exports from column specs,
and the one refusal type of the services."""

import io
from decimal import Decimal

from openpyxl import load_workbook

from incubator.core.errors import ServiceError
from incubator.core.locking import StaleVersionError
from incubator.core.pagination import ListSpec
from incubator.core.xlsx import ExportColumn, export_csv, export_xlsx

SPEC = ListSpec(("q", "community"), ("name", "held_on"), "-held_on", page_size=50)


def test_a_list_query_keeps_declared_filters_and_falls_back_on_unknown_order_and_pages():
    query = SPEC.read({"q": " 青鸟 ", "community": 3, "other": "x", "sort": "name", "page": "2"})
    assert query.filters == {"q": "青鸟", "community": "3"}
    assert (query.sort.key, query.sort.descending) == ("name", False)
    assert (query.page.page, query.page.page_size) == (2, 50)
    assert query.params == {"q": "青鸟", "community": "3", "sort": "name"}
    fallback = SPEC.read({"sort": "-password", "page": "-1", "page_size": "10000"})
    assert fallback.filters == {"q": "", "community": ""}
    assert fallback.sort.param == "-held_on"
    assert (fallback.page.page, fallback.page.page_size) == (1, 200)


COLUMNS = (
    ExportColumn("活动名称", 20, lambda r: r["title"]),
    ExportColumn("参与人次", 8, lambda r: r["people"], summed=True),
)
ROWS = [{"title": "=HYPERLINK(1)", "people": 3}, {"title": "四点半课堂", "people": 4}]


def test_an_export_has_the_headers_the_rows_and_a_totals_row_for_summed_columns():
    sheet = load_workbook(io.BytesIO(export_xlsx("台账", COLUMNS, ROWS))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("活动名称", "参与人次")
    assert rows[1] == ("'=HYPERLINK(1)", 3)  # typed text is never a formula
    assert rows[3] == ("合计：2 条", 7)
    text = export_csv(COLUMNS, ROWS).decode("utf-8-sig").splitlines()
    assert text == ["活动名称,参与人次", "'=HYPERLINK(1),3", "四点半课堂,4"]
    assert Decimal(rows[3][1]) == 7


def test_every_refusal_has_one_shape():
    refusal = ServiceError("请修正表单中的错误", {"name": "已有同名房间"}, ["第 2 项未打分"])
    assert refusal.summary() == "请修正表单中的错误：已有同名房间；第 2 项未打分"
    assert ServiceError("不能停用").summary() == "不能停用"
    assert isinstance(StaleVersionError(), ServiceError)
    assert "已被他人修改" in StaleVersionError().message
