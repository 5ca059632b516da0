"""社区阵地建设 as Excel: the projects and the checklists as their year-workbook sheets (they
import again unchanged), the meal-aid points as a list with a totals row."""

from __future__ import annotations

from litestar import Response

from incubator.core.http import xlsx_download
from incubator.core.i18n import N_, text
from incubator.core.xlsx import ExportColumn
from incubator.facilities import rules
from incubator.sheets.export import book_xlsx

MEAL_POINT_COLUMNS = (
    ExportColumn(N_("社区"), 12, lambda r: r["community_name"]),
    ExportColumn(N_("助餐点名称"), 24, lambda r: r["name"]),
    ExportColumn(N_("地址"), 30, lambda r: r["address"]),
    ExportColumn(N_("供餐时间"), 20, lambda r: r["opening_hours"]),
    ExportColumn(N_("可容纳人数"), 10, lambda r: r["capacity"], summed=True),
    ExportColumn(N_("运营方"), 24, lambda r: r["operator"]),
    ExportColumn(N_("开办日期"), 12, lambda r: r["opened_on"]),
)


def projects_xlsx(rows: list[dict]) -> bytes:
    return book_xlsx([(rules.PROJECT_SHEET, rows)])


def checklists_xlsx(rows: list[dict]) -> bytes:
    return book_xlsx([(rules.CHECKLIST_SHEET, rows)])


def meal_points_download(rows: list[dict]) -> Response:
    return xlsx_download(text(N_("助餐点")), MEAL_POINT_COLUMNS, rows)
