"""亮点活动展示: the showcase report of one organization, or of the whole center for a year —
profile, stage history, grade, key figures, charts, and the highlight activities with photos.
Only verified activities count: a showcase is an official document."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from incubator.activities import rules as activity_rules
from incubator.activities import service as activities
from incubator.core import files
from incubator.core.auth import CurrentUser
from incubator.core.i18n import LOCAL_TZ, _
from incubator.core.pagination import PageRequest, Sort
from incubator.evaluations import service as evaluations
from incubator.organizations import pipeline_service as pipeline
from incubator.organizations import rules as organization_rules
from incubator.organizations.service import get_organization
from incubator.regions.tables import Street
from incubator.reporting import charts, templates

HIGHLIGHTS = 20
PHOTOS_EACH = 4
NEWEST_FIRST = Sort("held_on", True)
# Records whose changes change a showcase (core.audit.data_version).
TABLES = (
    "activity",
    "activity_import",
    "organization",
    "evaluation",
    "application",
    "community",
    "street",
    "app_user",
)


@dataclass
class Showcase:
    html: str
    uploads: dict[int, str]
    title: str
    pages: int  # expected: cover and profile, then about three highlights a page


def _pages(highlights: list[dict]) -> int:
    return 2 + math.ceil(len(highlights) / 3)


def month_series(groups: list[dict], year: int) -> list[tuple[str, float]]:
    counts = {g["key"]: g["totals"].count for g in groups}
    return [(f"{m}月", counts.get(f"{year}-{m:02d}", 0)) for m in range(1, 13)]


async def latest_year(user: CurrentUser, filters: dict[str, str]) -> int:
    """The year of the newest activity these filters find (this year when there is none)."""
    page, _totals = await activities.ledger(user, filters, PageRequest(1, 1), NEWEST_FIRST)
    return page.items[0]["held_on"].year if page.items else dt.date.today().year


async def monthly_chart(user: CurrentUser, filters: dict[str, str], year: int) -> Markup:
    """活动数 by month: the chart the organization page and the showcase report both show."""
    groups = await activities.summary(user, {**filters, "year": str(year)}, "month")
    title = _("{year} 年各月活动场次").format(year=year)
    return Markup(charts.bar_chart(month_series(groups, year), title, _("场")))  # noqa: S704


async def _highlights(
    user: CurrentUser, filters: dict[str, str], uploads_dir: Path
) -> tuple[list[dict], dict[int, str]]:
    rows = (await activities.export_rows(user, {**filters, "highlight": "1"}, NEWEST_FIRST))[
        :HIGHLIGHTS
    ]
    photos = await activities.photos_of([r["id"] for r in rows], PHOTOS_EACH, HIGHLIGHTS * 4)
    uploads = {p["file"]: str(files.storage_path(uploads_dir, p["storage_name"])) for p in photos}
    by_activity: dict[int, list[dict]] = {}
    for photo in photos:
        by_activity.setdefault(photo["activity"], []).append(photo)
    return [{**r, "photos": by_activity.get(r["id"], [])} for r in rows], uploads


async def organization_report(
    user: CurrentUser, organization_id: int, year: int | None, uploads_dir: Path
) -> Showcase | None:
    organization = await get_organization(user, organization_id)
    if organization is None:
        return None
    filters = {"organization": str(organization_id), "status": "verified"}
    if year:
        filters["year"] = str(year)
    figures = await activities.totals(user, filters)
    verified = {"organization": str(organization_id), "status": "verified"}
    chart_year = year or await latest_year(user, verified)
    highlights, uploads = await _highlights(user, filters, uploads_dir)
    stages = [
        e for e in await pipeline.timeline(organization_id) if e["from_stage"] != e["to_stage"]
    ]
    grades = await evaluations.evaluations_of(organization_id)
    html = templates.render(
        "showcase.html",
        center=False,
        title=organization["name"],
        year=year,
        organization=organization,
        stages=stages,
        stage_label=organization_rules.stage_label,
        grades=grades,
        figures=figures,
        chart=await monthly_chart(user, verified, chart_year),
        highlights=highlights,
        **await _common(),
    )
    title = _("{name}亮点活动展示").format(name=organization["name"])
    if year:
        title += _("（{year} 年）").format(year=year)
    return Showcase(html, uploads, title, _pages(highlights))


async def center_report(user: CurrentUser, year: int, uploads_dir: Path) -> Showcase:
    filters = {"status": "verified", "year": str(year)}
    figures = await activities.totals(user, filters)
    by_community = await activities.summary(user, filters, "community")
    community_chart = Markup(  # noqa: S704 - charts escape their labels
        charts.bar_chart(
            [(g["label"], g["totals"].count) for g in by_community],
            _("{year} 年各社区活动场次").format(year=year),
            _("场"),
        )
    )
    highlights, uploads = await _highlights(user, filters, uploads_dir)
    html = templates.render(
        "showcase.html",
        center=True,
        title=_("社会组织发展中心"),
        year=year,
        figures=figures,
        chart=await monthly_chart(user, {"status": "verified"}, year),
        community_chart=community_chart,
        by_community=by_community,
        board=await pipeline.board(user, {}),
        highlights=highlights,
        **await _common(),
    )
    title = _("社会组织发展中心 {year} 年亮点活动展示").format(year=year)
    return Showcase(html, uploads, title, _pages(highlights) + 1)


async def _common() -> dict[str, Any]:
    street = await Street.select(Street.name).order_by(Street.id).first()
    return {
        "street": street["name"] if street else "",
        "printed_at": dt.datetime.now(LOCAL_TZ),
        "categories": dict(activity_rules.CATEGORIES),
        "served_groups": dict(activity_rules.SERVED_GROUPS),
        "label": organization_rules.label,
        "org_types": organization_rules.ORG_TYPES,
        "fields": organization_rules.SERVICE_FIELDS,
        "statuses": organization_rules.REGISTRATION_STATUSES,
    }
