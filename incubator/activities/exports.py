"""The ledger as XLSX (with a totals row) and CSV, with Chinese headers. (The import template
is the sheet engine's: sheets.template.)"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from incubator.activities import rules
from incubator.core.i18n import N_, _, text
from incubator.core.xlsx import XLSX_MEDIA_TYPE, csv_bytes, workbook_bytes

__all__ = ["XLSX_MEDIA_TYPE", "ledger_csv", "ledger_xlsx"]

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
