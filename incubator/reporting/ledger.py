"""The printable ledger (服务记录台账): the ledger page's filters, its rows and totals, paginated
into sheets (reporting.sheets) for the worker processes, with the photos it may embed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from incubator.activities import rules as activity_rules
from incubator.activities import service as activities
from incubator.core import files
from incubator.core.auth import CurrentUser
from incubator.core.i18n import LOCAL_TZ, _, get_language, text
from incubator.core.pagination import Sort
from incubator.core.scoping import NotVisible
from incubator.ground.tables import Street
from incubator.organizations.service import get_organization
from incubator.regions.service import get_community
from incubator.reporting import sheets
from incubator.reporting.worker import ReportFailed

PHOTO_LIMIT = 300
TEMPLATE = "ledger.html"
# Records whose changes change a ledger (core.audit.data_version).
TABLES = ("activity", "sheet_import", "organization", "community", "grid", "street", "app_user")

# The geometry of reports/ledger.html and print.css (A4 landscape, 12 mm side margins, 14 mm top,
# 16 mm bottom; cells 8.5 pt with line-height 1.35 and 1 mm x 1.2 mm padding).
PAGE_WIDTH_MM = 297 - 24
PAGE_HEIGHT_PT = (210 - 30) * sheets.PT_PER_MM
FONT_PT = 8.5
LINE_PT = FONT_PT * 1.35
CELL_EXTRA_PT = 2 * sheets.PT_PER_MM + 0.4
# Columns as in the template's colgroup, in per cent of the width.
COLUMNS = (11, 8, 15, 6, 13, 10, 8, 4.5, 5, 5, 4.5, 5, 5)
TITLE_PT, SUBTITLE_GAP_MM, FILTERS_GAP_MM = 16, 5, 3
SIGNATURES_PT = 12 * sheets.PT_PER_MM + LINE_PT + 1 * sheets.PT_PER_MM + 1
PHOTOS_PER_SHEET = 12
CAPTION_CHARS = 30


def title(head: dict[str, Any]) -> str:
    """The ledger's title, from its heading: whose ledger, for which period."""
    return f"{head['owner']}{_('服务记录台账')} {head['period']}"


def _width_em(percent: float) -> float:
    return (PAGE_WIDTH_MM * percent / 100 - 2.4) * sheets.PT_PER_MM / FONT_PT


WIDTHS = tuple(_width_em(p) for p in COLUMNS)


def _row_height(cells: tuple[str, ...]) -> float:
    lines = max(sheets.line_count(text, width) for text, width in zip(cells, WIDTHS, strict=True))
    return lines * LINE_PT + CELL_EXTRA_PT


@dataclass
class LedgerReport:
    """What the workers need to print one ledger: its sheets and the shared context."""

    context: dict[str, Any]
    sheets: list[sheets.Sheet]
    uploads: dict[int, str]
    rows: int
    language: str
    template: str = TEMPLATE

    @property
    def title(self) -> str:
        return title(self.context)

    @property
    def pages(self) -> int:
        return sheets.planned_pages(self.sheets)


# Ids are 32-bit integers in the database: a larger one names no record (and would not bind).
MAX_ID = 2**31 - 1


class TooManyRows(ReportFailed):
    def __init__(self, rows: int, limit: int) -> None:
        super().__init__(
            _(
                "符合条件的记录有 {rows} 条，超过一份台账报表的上限 {limit} 条。"
                "请缩小筛选范围（如选择年度、日期、社区或社会组织）后重试。"
            ).format(rows=rows, limit=limit)
        )


def _number(raw: str) -> int | None:
    """Digits as a number; None for anything else, or for more digits than any id or year has
    (int() refuses thousands of them)."""
    return int(raw) if raw.isdecimal() and len(raw) <= 12 else None


def _id(raw: str) -> str:
    """An id in one spelling; more digits than an id has name no record (MAX_ID + 1)."""
    if not raw.isdecimal():
        return ""
    number = _number(raw)
    return str(number if number is not None and number <= MAX_ID else MAX_ID + 1)


def _one_of(raw: str, choices: Any) -> str:
    return raw if raw in dict(choices) else ""


def _iso_date(raw: str) -> str:
    try:
        return dt.date.fromisoformat(raw).isoformat() if raw else ""
    except ValueError:
        return ""


def clean_filters(raw: dict[str, str]) -> dict[str, str]:
    """Every ledger filter, as activities.service.filter_clauses reads it: a value it would
    ignore reads as empty, so an absent, empty or unreadable filter makes the same report (and
    the same cache key)."""
    year = _number(raw.get("year", ""))
    return {
        "q": raw.get("q", "").strip(),
        "organization": _id(raw.get("organization", "")),
        "community": _id(raw.get("community", "")),
        "category": _one_of(raw.get("category", ""), activity_rules.CATEGORIES),
        "status": _one_of(raw.get("status", ""), activity_rules.STATUSES),
        "date_from": _iso_date(raw.get("date_from", "")),
        "date_to": _iso_date(raw.get("date_to", "")),
        "year": str(year) if year is not None and 2000 <= year <= 2100 else "",
        "highlight": "1" if raw.get("highlight") == "1" else "",
    }


async def _visible_name(load: Any, user: CurrentUser, raw: str) -> str | None:
    """The name of the record a filter names, if the caller may see it; NotVisible if not."""
    if not raw:
        return None
    row = await load(user, int(raw)) if int(raw) <= MAX_ID else None  # ids of _id()
    if row is None:
        raise NotVisible(raw)
    return row["name"]


async def heading(user: CurrentUser, filters: dict[str, str]) -> dict[str, Any]:
    """Whose ledger and for which period, and the filters in words (of clean_filters). A filter
    naming an organization or community outside the caller's scope raises NotVisible: the
    report never prints the name of a record its reader may not see."""
    organization = await _visible_name(get_organization, user, filters.get("organization", ""))
    community = await _visible_name(get_community, user, filters.get("community", ""))
    street = await Street.select(Street.name).order_by(Street.id).first()
    owner = organization or community or (street["name"] if street else "")
    year, start, end = filters.get("year", ""), filters.get("date_from"), filters.get("date_to")
    if start or end:
        period = _("{start} 至 {end}").format(start=start or "…", end=end or "…")
    elif year.isdigit():
        period = _("{year} 年度").format(year=year)
    else:
        period = _("全部日期")
    used = []
    if organization:
        used.append((_("社会组织"), organization))
    if community:
        used.append((_("社区"), community))
    if filters.get("category") in dict(activity_rules.CATEGORIES):
        used.append(
            (
                _("活动类别"),
                text(activity_rules.label(activity_rules.CATEGORIES, filters["category"])),
            )
        )
    if filters.get("status") in dict(activity_rules.STATUSES):
        used.append(
            (_("状态"), text(activity_rules.label(activity_rules.STATUSES, filters["status"])))
        )
    if filters.get("highlight") == "1":
        used.append((_("亮点活动"), _("是")))
    if filters.get("q"):
        used.append((_("关键词"), filters["q"]))
    return {"owner": owner, "period": period, "filters_used": used}


def printable_row(row: dict) -> dict[str, Any]:
    """A ledger row as the template prints it: every cell already in words."""
    served = "、".join(
        text(activity_rules.label(activity_rules.SERVED_GROUPS, code))
        for code in (row["served_groups"] or "").split(",")
        if code
    )
    organizer = " / ".join(n for n in (row["organization_name"], row["community_name"]) if n)
    return {
        "id": row["id"],
        "ledger_no": row["ledger_no"],
        "held_on": str(row["held_on"]),
        "title": row["title"],
        "category": text(activity_rules.label(activity_rules.CATEGORIES, row["category"])),
        "organizer": organizer,
        "place": row["place"] or "",
        "served": served,
        "hours": row["hours"],
        "participants": row["participants"],
        "beneficiaries": row["beneficiaries"],
        "volunteers": row["volunteers"],
        "status": text(activity_rules.label(activity_rules.STATUSES, row["status"])),
        "reviewer": row["reviewer_name"] or "",
    }


def _cells(row: dict[str, Any]) -> tuple[str, ...]:
    return (
        row["ledger_no"],
        row["held_on"],
        row["title"],
        row["category"],
        row["organizer"],
        row["place"],
        row["served"],
        str(row["hours"]),
        str(row["participants"]),
        str(row["beneficiaries"]),
        str(row["volunteers"]),
        row["status"],
        row["reviewer"],
    )


def header_labels() -> tuple[str, ...]:
    return (
        _("台账编号"),
        _("日期"),
        _("活动名称"),
        _("类别"),
        _("主办"),
        _("地点"),
        _("服务对象"),
        _("时长"),
        _("参与"),
        _("受益"),
        _("志愿者"),
        _("状态"),
        _("审核人"),
    )


def plan(
    rows: list[dict[str, Any]], head: dict[str, Any], photos: list[dict[str, Any]]
) -> list[sheets.Sheet]:
    """The ledger's sheets: table pages (title on the first, totals and signatures on the last),
    then the photo appendix, twelve photos a page."""
    filters = "".join(f"{label}：{value}   " for label, value in head["filters_used"])
    filters_text = filters + "共 99999 条"
    full_width_em = PAGE_WIDTH_MM * sheets.PT_PER_MM / FONT_PT
    opening = (
        sheets.line_count(head["owner"] + "服务记录台账", full_width_em * FONT_PT / TITLE_PT)
        * TITLE_PT
        * 1.35
        + SUBTITLE_GAP_MM * sheets.PT_PER_MM
        + LINE_PT
        + sheets.line_count(filters_text, full_width_em) * LINE_PT
        + FILTERS_GAP_MM * sheets.PT_PER_MM
    )
    result = sheets.paginate(
        "rows",
        [_row_height(_cells(r)) for r in rows],
        rows,
        page=PAGE_HEIGHT_PT,
        opening=opening,
        closing=LINE_PT + CELL_EXTRA_PT + SIGNATURES_PT,
        repeated=_row_height(header_labels()),
    )
    if not rows:
        result[0].pages = 1
    for start in range(0, len(photos), PHOTOS_PER_SHEET):
        chunk = photos[start : start + PHOTOS_PER_SHEET]
        result.append(sheets.Sheet("photos", chunk, opens=start == 0))
    return result


async def outline(user: CurrentUser, filters: dict[str, str], max_rows: int) -> tuple[dict, int]:
    """(heading, number of rows) of the ledger, without reading its rows: NotVisible or
    TooManyRows when it may not be made."""
    head = await heading(user, filters)
    rows = (await activities.totals(user, filters)).count
    if rows > max_rows:
        raise TooManyRows(rows, max_rows)
    return head, rows


def least_pages(rows: int) -> int:
    """The fewest pages `rows` rows can take (every row one line high)."""
    per_page = int((PAGE_HEIGHT_PT - _row_height(header_labels())) // (LINE_PT + CELL_EXTRA_PT))
    return max(1, -(-rows // per_page))


async def build(
    user: CurrentUser,
    filters: dict[str, str],
    sort: Sort,
    uploads_dir: Path,
    photos: bool,
    max_rows: int,
) -> LedgerReport:
    """The ledger the caller may see with these filters (of clean_filters), ready for the
    workers; NotVisible or TooManyRows when it may not be made."""
    head, _count = await outline(user, filters, max_rows)
    found = await activities.export_rows(user, filters, sort)
    rows = [printable_row(r) for r in found]
    totals = {
        "hours": sum((Decimal(str(r["hours"] or 0)) for r in rows), Decimal(0)),
        "participants": sum(r["participants"] for r in rows),
        "beneficiaries": sum(r["beneficiaries"] for r in rows),
        "volunteers": sum(r["volunteers"] for r in rows),
    }
    appendix: list[dict] = []
    uploads: dict[int, str] = {}
    if photos and rows:
        by_id = {r["id"]: r for r in rows}
        for photo in await activities.photos_of(list(by_id), PHOTO_LIMIT, PHOTO_LIMIT):
            uploads[photo["file"]] = str(files.storage_path(uploads_dir, photo["storage_name"]))
            activity = by_id[photo["activity"]]
            title = activity["title"]
            if len(title) > CAPTION_CHARS:
                title = title[: CAPTION_CHARS - 1] + "…"
            appendix.append({"file": photo["file"], "caption": f"{activity['ledger_no']} {title}"})
    context = {
        "totals": totals,
        "count": len(rows),
        "printed_at": dt.datetime.now(LOCAL_TZ),
        "headers": header_labels(),
        "columns": COLUMNS,
        **head,
    }
    return LedgerReport(context, plan(rows, head, appendix), uploads, len(rows), get_language())
