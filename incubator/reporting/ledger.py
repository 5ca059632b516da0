"""The printable ledger (服务记录台账): the ledger page's filters, its rows and totals, as HTML
for the PDF worker, with the photos it may embed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from incubator.activities import rules as activity_rules
from incubator.activities import service as activities
from incubator.core import files
from incubator.core.auth import CurrentUser
from incubator.core.i18n import LOCAL_TZ, _
from incubator.core.pagination import Sort
from incubator.organizations.tables import Organization
from incubator.regions.tables import Community, Street
from incubator.reporting import templates

PHOTO_LIMIT = 300


async def _name(table: Any, raw: str) -> str | None:
    if not raw.isdigit():
        return None
    row = await table.select(table.name).where(table.id == int(raw)).first()
    return row["name"] if row else None


async def heading(filters: dict[str, str]) -> dict[str, Any]:
    """Whose ledger and for which period, and the filters in words."""
    street = await Street.select(Street.name).order_by(Street.id).first()
    organization = await _name(Organization, filters.get("organization", ""))
    community = await _name(Community, filters.get("community", ""))
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
            (_("活动类别"), _(activity_rules.label(activity_rules.CATEGORIES, filters["category"])))
        )
    if filters.get("status") in dict(activity_rules.STATUSES):
        used.append(
            (_("状态"), _(activity_rules.label(activity_rules.STATUSES, filters["status"])))
        )
    if filters.get("highlight") == "1":
        used.append((_("亮点活动"), _("是")))
    if filters.get("q"):
        used.append((_("关键词"), filters["q"]))
    return {"owner": owner, "period": period, "filters_used": used}


async def build(
    user: CurrentUser, filters: dict[str, str], sort: Sort, uploads_dir: Path, photos: bool
) -> tuple[str, dict[int, str], int]:
    """(HTML, the uploads it may load by id, row count)."""
    rows = await activities.export_rows(user, filters, sort)
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
            appendix.append({**photo, "activity": by_id[photo["activity"]]})
    html = templates.render(
        "ledger.html",
        rows=rows,
        totals=totals,
        photos=appendix,
        printed_at=dt.datetime.now(LOCAL_TZ),
        categories=dict(activity_rules.CATEGORIES),
        statuses=dict(activity_rules.STATUSES),
        served_groups=dict(activity_rules.SERVED_GROUPS),
        **await heading(filters),
    )
    return html, uploads, len(rows)
