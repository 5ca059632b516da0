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
from incubator.core.i18n import LOCAL_TZ, _, text
from incubator.core.pagination import PageRequest, Sort
from incubator.core.xlsx import SheetData, workbook_of
from incubator.evaluations import service as evaluations
from incubator.ground.tables import Street
from incubator.organizations import pipeline_service as pipeline
from incubator.organizations import rules as organization_rules
from incubator.organizations.service import get_organization
from incubator.reporting import charts, templates

HIGHLIGHTS = 20
PHOTOS_EACH = 4
NEWEST_FIRST = Sort("held_on", True)
# Records whose changes change a showcase (core.audit.data_version).
TABLES = (
    "activity",
    "sheet_import",
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
    return [(_("{m}月").format(m=m), counts.get(f"{year}-{m:02d}", 0)) for m in range(1, 13)]


async def latest_year(user: CurrentUser, filters: dict[str, str]) -> int:
    """The year of the newest activity these filters find (this year when there is none)."""
    page, _totals = await activities.ledger(user, filters, PageRequest(1, 1), NEWEST_FIRST)
    return page.items[0]["held_on"].year if page.items else dt.date.today().year


async def monthly_counts(
    user: CurrentUser, filters: dict[str, str], year: int
) -> list[tuple[str, float]]:
    groups = await activities.summary(user, {**filters, "year": str(year)}, "month")
    return month_series(groups, year)


def month_chart(months: list[tuple[str, float]], year: int) -> Markup:
    title = _("{year} 年各月活动场次").format(year=year)
    return Markup(charts.bar_chart(months, title, _("场")))  # noqa: S704 - charts escape labels


async def monthly_chart(user: CurrentUser, filters: dict[str, str], year: int) -> Markup:
    """活动数 by month: the chart the organization page and the showcase report both show."""
    return month_chart(await monthly_counts(user, filters, year), year)


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


async def organization_data(
    user: CurrentUser, organization_id: int, year: int | None, uploads_dir: Path
) -> dict[str, Any] | None:
    """What one organization's showcase shows, for its PDF and its XLSX alike."""
    organization = await get_organization(user, organization_id)
    if organization is None:
        return None
    filters = {"organization": str(organization_id), "status": "verified"}
    if year:
        filters["year"] = str(year)
    verified = {"organization": str(organization_id), "status": "verified"}
    chart_year = year or await latest_year(user, verified)
    highlights, uploads = await _highlights(user, filters, uploads_dir)
    stages = [
        e for e in await pipeline.timeline(organization_id) if e["from_stage"] != e["to_stage"]
    ]
    title = _("{name}亮点活动展示").format(name=organization["name"])
    if year:
        title += _("（{year} 年）").format(year=year)
    return {
        "center": False,
        "title": organization["name"],
        "report_title": title,
        "year": year,
        "chart_year": chart_year,
        "organization": organization,
        "stages": stages,
        "stage_label": organization_rules.stage_label,
        "grades": await evaluations.evaluations_of(organization_id),
        "figures": await activities.totals(user, filters),
        "months": await monthly_counts(user, verified, chart_year),
        "highlights": highlights,
        "uploads": uploads,
        **await _common(),
    }


async def center_data(user: CurrentUser, year: int, uploads_dir: Path) -> dict[str, Any]:
    """What the center's showcase of a year shows, for its PDF and its XLSX alike."""
    filters = {"status": "verified", "year": str(year)}
    highlights, uploads = await _highlights(user, filters, uploads_dir)
    return {
        "center": True,
        "title": _("社会组织发展中心"),
        "report_title": _("社会组织发展中心 {year} 年亮点活动展示").format(year=year),
        "year": year,
        "chart_year": year,
        "figures": await activities.totals(user, filters),
        "months": await monthly_counts(user, {"status": "verified"}, year),
        "by_community": await activities.summary(user, filters, "community"),
        "board": await pipeline.board(user, {}),
        "highlights": highlights,
        "uploads": uploads,
        **await _common(),
    }


def render(data: dict[str, Any]) -> Showcase:
    """The showcase PDF's HTML, with its charts, from organization_data or center_data."""
    context = {k: v for k, v in data.items() if k not in ("uploads", "months", "report_title")}
    context["chart"] = month_chart(data["months"], data["chart_year"])
    if data["center"]:
        context["community_chart"] = Markup(  # noqa: S704 - charts escape their labels
            charts.bar_chart(
                [(g["label"], g["totals"].count) for g in data["by_community"]],
                _("{year} 年各社区活动场次").format(year=data["year"]),
                _("场"),
            )
        )
    html = templates.render("showcase.html", **context)
    pages = _pages(data["highlights"]) + (1 if data["center"] else 0)
    return Showcase(html, data["uploads"], data["report_title"], pages)


async def organization_report(
    user: CurrentUser, organization_id: int, year: int | None, uploads_dir: Path
) -> Showcase | None:
    data = await organization_data(user, organization_id, year, uploads_dir)
    return None if data is None else render(data)


async def center_report(user: CurrentUser, year: int, uploads_dir: Path) -> Showcase:
    return render(await center_data(user, year, uploads_dir))


def workbook(data: dict[str, Any]) -> bytes:
    """The showcase's tables as a workbook: figures, months, communities or stage history and
    grades, and the highlight activities."""
    figures = data["figures"]
    sheets = [
        SheetData(
            _("服务成效"),
            [_("指标"), _("数值")],
            [
                (_("活动场次"), figures.count),
                (_("服务时长（小时）"), figures.hours),
                (_("参与人次"), figures.participants),
                (_("受益人次"), figures.beneficiaries),
                (_("志愿者人次"), figures.volunteers),
            ],
            (24, 14),
        ),
        SheetData(
            _("各月活动场次"),
            [_("月份"), _("活动场次")],
            [(f"{data['chart_year']}-{label}", count) for label, count in data["months"]],
            (14, 12),
        ),
    ]
    if data["center"]:
        board = [(column["label"], column["count"]) for column in data["board"]]
        sheets.append(
            SheetData(
                _("各社区"),
                [
                    _("社区"),
                    _("活动场次"),
                    _("服务时长"),
                    _("参与人次"),
                    _("受益人次"),
                    _("志愿者"),
                ],
                [
                    (
                        g["label"],
                        g["totals"].count,
                        g["totals"].hours,
                        g["totals"].participants,
                        g["totals"].beneficiaries,
                        g["totals"].volunteers,
                    )
                    for g in data["by_community"]
                ],
                (18, 10, 10, 10, 10, 10),
            )
        )
        sheets.append(
            SheetData(
                _("孵化流程概况"),
                [_("阶段"), _("社会组织数")],
                [(text(label), count) for label, count in board],
                (14, 12),
            )
        )
    else:
        sheets.append(
            SheetData(
                _("孵化历程"),
                [_("日期"), _("阶段"), _("说明")],
                [
                    (
                        e["at"],
                        text(organization_rules.stage_label(e["to_stage"])),
                        e["reason"] or "",
                    )
                    for e in data["stages"]
                ],
                (20, 12, 40),
            )
        )
        sheets.append(
            SheetData(
                _("评估等级"),
                [_("等级"), _("评估日期"), _("有效期至")],
                [
                    (g["grade"] or _("未定级"), g["evaluated_on"], g["valid_until"])
                    for g in data["grades"]
                ],
                (10, 14, 14),
            )
        )
    categories = dict(activity_rules.CATEGORIES)
    sheets.append(
        SheetData(
            _("亮点活动"),
            [
                _("台账编号"),
                _("日期"),
                _("活动名称"),
                _("类别"),
                _("地点"),
                _("主办"),
                _("参与人次"),
            ],
            [
                (
                    a["ledger_no"],
                    a["held_on"],
                    a["title"],
                    text(categories.get(a["category"], a["category"])),
                    a["place"],
                    a["organization_name"] or a["community_name"] or "",
                    a["participants"],
                )
                for a in data["highlights"]
            ],
            (18, 12, 36, 10, 18, 22, 10),
        )
    )
    return workbook_of(sheets)


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
