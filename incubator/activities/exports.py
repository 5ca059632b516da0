"""The ledger as XLSX (with a totals row) and CSV, with Chinese headers. (The import template
is the sheet engine's: sheets.template.)"""

from __future__ import annotations

from decimal import Decimal

from incubator.activities import rules
from incubator.core.i18n import N_, _, local_today, text
from incubator.core.xlsx import XLSX_MEDIA_TYPE, ExportColumn, export_csv, export_xlsx

__all__ = ["XLSX_MEDIA_TYPE", "ledger_csv", "ledger_file", "ledger_xlsx"]

COLUMNS = (
    ExportColumn(N_("台账编号"), 18, lambda r: r["ledger_no"]),
    ExportColumn(N_("活动日期"), 12, lambda r: r["held_on"]),
    ExportColumn(N_("时间"), 12, lambda r: _time_span(r)),
    ExportColumn(N_("活动名称"), 30, lambda r: r["title"]),
    ExportColumn(N_("活动类别"), 10, lambda r: text(rules.label(rules.CATEGORIES, r["category"]))),
    ExportColumn(N_("主办社会组织"), 26, lambda r: r["organization_name"] or ""),
    ExportColumn(N_("社区"), 10, lambda r: r["community_name"] or ""),
    ExportColumn(N_("所属项目"), 18, lambda r: r["project"]),
    ExportColumn(N_("活动地点"), 18, lambda r: r["place"]),
    ExportColumn(N_("合作驻地单位"), 16, lambda r: r["partner_unit"]),
    ExportColumn(N_("服务对象"), 16, lambda r: _groups(r["served_groups"])),
    ExportColumn(N_("服务时长（小时）"), 10, lambda r: Decimal(str(r["hours"] or 0)), summed=True),
    ExportColumn(N_("参与人次"), 9, lambda r: r["participants"], summed=True),
    ExportColumn(N_("受益人次"), 9, lambda r: r["beneficiaries"], summed=True),
    ExportColumn(N_("志愿者人数"), 9, lambda r: r["volunteers"], summed=True),
    ExportColumn(N_("预算（元）"), 10, lambda r: Decimal(str(r["budget"] or 0))),
    ExportColumn(N_("实际支出（元）"), 10, lambda r: Decimal(str(r["spending"] or 0))),
    ExportColumn(N_("满意度（0–100）"), 8, lambda r: r["satisfaction"]),
    ExportColumn(N_("亮点活动"), 8, lambda r: _("是") if r["is_highlight"] else ""),
    ExportColumn(N_("状态"), 8, lambda r: text(rules.label(rules.STATUSES, r["status"]))),
    ExportColumn(N_("填报人"), 10, lambda r: r["recorder_name"] or ""),
    ExportColumn(N_("审核人"), 10, lambda r: r["reviewer_name"] or ""),
    ExportColumn(N_("活动内容"), 40, lambda r: r["content"]),
    ExportColumn(N_("新闻报道链接"), 30, lambda r: r["news_link"]),
)


def _time_span(row: dict) -> str:
    start, end = row.get("start_time"), row.get("end_time")
    if not start:
        return ""
    return f"{start:%H:%M}-{end:%H:%M}" if end else f"{start:%H:%M}"


def _groups(codes: str) -> str:
    labels = dict(rules.SERVED_GROUPS)
    return "、".join(text(labels.get(c, c)) for c in codes.split(",") if c)


def ledger_xlsx(rows: list[dict]) -> bytes:
    return export_xlsx(_("服务记录台账"), COLUMNS, rows)


def ledger_csv(rows: list[dict]) -> bytes:
    return export_csv(COLUMNS, rows)


def ledger_file(rows: list[dict], fmt: str) -> tuple[bytes, str, str]:
    """(content, media type, file name) of the ledger as XLSX or CSV."""
    name = f"{_('服务记录台账')}-{local_today():%Y%m%d}.{fmt}"
    if fmt == "csv":
        return ledger_csv(rows), "text/csv; charset=utf-8", name
    return ledger_xlsx(rows), XLSX_MEDIA_TYPE, name
