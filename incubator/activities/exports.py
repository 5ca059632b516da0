"""The ledger as XLSX (with a totals row) and CSV, with Chinese headers; the import template."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill

from incubator.activities import rules
from incubator.core.i18n import N_, _, text
from incubator.core.xlsx import XLSX_MEDIA_TYPE, csv_bytes, workbook_bytes

__all__ = ["XLSX_MEDIA_TYPE", "ledger_csv", "ledger_xlsx", "template_xlsx"]

# (header, width, how to get the cell from a row)
COLUMNS = (
    (N_("台账编号"), 18, lambda r: r["ledger_no"]),
    (N_("活动日期"), 12, lambda r: r["held_on"]),
    (N_("时间"), 12, lambda r: _time_span(r)),
    (N_("活动名称"), 30, lambda r: r["title"]),
    (N_("活动类别"), 10, lambda r: text(rules.label(rules.CATEGORIES, r["category"]))),
    (N_("主办社会组织"), 26, lambda r: r["organization_name"] or ""),
    (N_("社区"), 10, lambda r: r["community_name"] or ""),
    (N_("所属项目"), 18, lambda r: r["project"]),
    (N_("活动地点"), 18, lambda r: r["place"]),
    (N_("合作驻地单位"), 16, lambda r: r["partner_unit"]),
    (N_("服务对象"), 16, lambda r: _groups(r["served_groups"])),
    (N_("服务时长（小时）"), 10, lambda r: Decimal(str(r["hours"] or 0))),
    (N_("参与人次"), 9, lambda r: r["participants"]),
    (N_("受益人次"), 9, lambda r: r["beneficiaries"]),
    (N_("志愿者人数"), 9, lambda r: r["volunteers"]),
    (N_("预算（元）"), 10, lambda r: Decimal(str(r["budget"] or 0))),
    (N_("实际支出（元）"), 10, lambda r: Decimal(str(r["spending"] or 0))),
    (N_("满意度（0–100）"), 8, lambda r: r["satisfaction"]),
    (N_("亮点活动"), 8, lambda r: _("是") if r["is_highlight"] else ""),
    (N_("状态"), 8, lambda r: text(rules.label(rules.STATUSES, r["status"]))),
    (N_("填报人"), 10, lambda r: r["recorder_name"] or ""),
    (N_("审核人"), 10, lambda r: r["reviewer_name"] or ""),
    (N_("活动内容"), 40, lambda r: r["content"]),
    (N_("新闻报道链接"), 30, lambda r: r["news_link"]),
)
SUMMED = (N_("服务时长（小时）"), N_("参与人次"), N_("受益人次"), N_("志愿者人数"))


def _time_span(row: dict) -> str:
    start, end = row.get("start_time"), row.get("end_time")
    if not start:
        return ""
    return f"{start:%H:%M}-{end:%H:%M}" if end else f"{start:%H:%M}"


def _groups(codes: str) -> str:
    labels = dict(rules.SERVED_GROUPS)
    return "、".join(text(labels.get(c, c)) for c in codes.split(",") if c)


def _cells(rows: list[dict]) -> list[list[Any]]:
    return [[get(r) for _h, _w, get in COLUMNS] for r in rows]


def ledger_xlsx(rows: list[dict]) -> bytes:
    cells = _cells(rows)
    headers = [text(h) for h, _w, _g in COLUMNS]
    totals: list[Any] = [_("合计：{n} 条").format(n=len(rows))] + [""] * (len(COLUMNS) - 1)
    for index, (header, _w, _g) in enumerate(COLUMNS):
        if header in SUMMED:
            totals[index] = sum((row[index] or 0 for row in cells), Decimal(0))
    return workbook_bytes(
        _("服务记录台账"), headers, [*cells, totals], widths=[w for _h, w, _g in COLUMNS]
    )


def ledger_csv(rows: list[dict]) -> bytes:
    return csv_bytes([text(h) for h, _w, _g in COLUMNS], _cells(rows))


def template_xlsx() -> bytes:
    """The import template: the header row, then a row saying what each column takes (its cells
    also carry the explanation as a comment), then one example row to overwrite."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("服务记录台账导入")
    for index, column in enumerate(rules.IMPORT_COLUMNS, start=1):
        header = sheet.cell(row=1, column=index, value=text(column.header))
        header.font = Font(bold=True, color="B71C1C" if column.required else "000000")
        header.fill = PatternFill("solid", fgColor="F0F4F8")
        header.comment = Comment(text(column.help), "incubator")
        note = sheet.cell(row=2, column=index, value=text(column.help))
        note.font = Font(italic=True, color="666666")
        note.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[header.column_letter].width = 18
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
