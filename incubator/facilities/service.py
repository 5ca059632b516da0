"""社区阵地建设: facility projects and their course, meal-aid points, the three-stations
checklist; every query of a community officer limited to their own community."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from piccolo.query.functions.aggregate import Count, Sum

from incubator.core import audit, files, sequences
from incubator.core.auth import CurrentUser
from incubator.core.db import read_transaction, write_transaction
from incubator.core.errors import ServiceError
from incubator.core.i18n import N_, _, local_today, text
from incubator.core.locking import StaleVersionError, update_versioned
from incubator.core.pagination import ListSpec, Page, PageRequest, Sort
from incubator.core.roles import COMMUNITY
from incubator.core.scoping import NotVisible, row_id, scope_filter, where_all
from incubator.facilities import rules
from incubator.facilities.tables import FacilityProject, MealPoint, StationCheck
from incubator.ground.tables import Community
from incubator.regions.service import record_community
from incubator.workitems import rules as workitem_rules
from incubator.workitems import service as workitems

audit.label_tables(
    {
        "facility_project": N_("阵地建设项目"),
        "meal_point": N_("助餐点"),
        "station_check": N_("三大站核查"),
    }
)


class FacilityError(ServiceError):
    """A refusal of this module's service (core.errors)."""


PHOTO_KINDS = (files.JPEG, files.PNG)

# --- projects -------------------------------------------------------------------------------

PROJECTS = ListSpec(
    ("q", "community", "year", "kind", "status", "due", "on_time", "as_of"),
    ("number", "year", "budget", "spending", "due_date"),
    "number",
)
PROJECT_SORTS = {
    "number": FacilityProject.number,
    "year": FacilityProject.year,
    "budget": FacilityProject.budget,
    "spending": FacilityProject.spending,
    "due_date": FacilityProject.work_item.due_date,
}
PROJECT_COLUMNS = (
    FacilityProject.id,
    FacilityProject.number,
    FacilityProject.community,
    FacilityProject.community.name.as_alias("community_name"),
    FacilityProject.community.code.as_alias("community_code"),
    FacilityProject.year,
    FacilityProject.name,
    FacilityProject.kind,
    FacilityProject.budget,
    FacilityProject.spending,
    FacilityProject.lead_unit,
    FacilityProject.partner_units,
    FacilityProject.description,
    FacilityProject.submitted_on,
    FacilityProject.approved_on,
    FacilityProject.completed_on,
    FacilityProject.in_use_on,
    FacilityProject.work_item,
    FacilityProject.work_item.status.as_alias("status"),
    FacilityProject.work_item.due_date.as_alias("due_date"),
    FacilityProject.work_item.is_open.as_alias("is_open"),
    FacilityProject.version,
    FacilityProject.created_at,
)


def project_scope(user: CurrentUser) -> Any:
    return scope_filter(user, community=FacilityProject.community)


def _year(raw: str | None) -> int | None:
    raw = raw or ""
    return int(raw) if raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2100 else None


def _date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError:
        return None


def project_filters(filters: dict[str, str], today: dt.date) -> list[Any]:
    """The list's filters as where-clauses; unreadable values are ignored, never an error."""
    clauses: list[Any] = [FacilityProject.archived.eq(False)]
    if q := filters.get("q", "").strip():
        term = f"%{q}%"
        clauses.append(FacilityProject.name.ilike(term) | FacilityProject.number.ilike(term))
    if (community := row_id(filters.get("community"))) is not None:
        clauses.append(FacilityProject.community == community)
    if (year := _year(filters.get("year"))) is not None:
        clauses.append(FacilityProject.year == year)
    if (kind := filters.get("kind")) in dict(rules.KINDS):
        clauses.append(FacilityProject.kind == kind)
    if (status := filters.get("status")) in dict(rules.PROJECT.statuses):
        clauses.append(FacilityProject.work_item.status == status)
    if filters.get("due") == "overdue":
        clauses.append(
            FacilityProject.work_item.is_open.eq(True)
            & (FacilityProject.work_item.due_date < today)
        )
    if filters.get("on_time") == "1" and year is not None:
        # F1's numerator for a year, as of a date (today when none is given): rules.on_time.
        clauses.append(on_time_clause(year, _date(filters.get("as_of")) or today))
    return clauses


def on_time_clause(year: int, as_of: dt.date) -> Any:
    """rules.on_time in SQL for projects of `year`: approved by 30 June and in use by 31
    December, both on or before the as-of date."""
    return (
        FacilityProject.approved_on.is_not_null()
        & FacilityProject.in_use_on.is_not_null()
        & (FacilityProject.approved_on <= min(rules.approval_deadline(year), as_of))
        & (FacilityProject.in_use_on <= min(rules.in_use_deadline(year), as_of))
    )


async def list_projects(
    user: CurrentUser, filters: dict[str, str], request: PageRequest, sort: Sort
) -> tuple[Page, dict[str, Any]]:
    """One page of the filtered projects and the totals of all of them (one aggregate)."""
    clauses = [project_scope(user), *project_filters(filters, local_today())]
    async with read_transaction():
        totals = await where_all(
            FacilityProject.select(
                Count(FacilityProject.id, alias="n"),
                Sum(FacilityProject.budget, alias="budget"),
                Sum(FacilityProject.spending, alias="spending"),
            ),
            *clauses,
        ).first()
        rows = await where_all(
            FacilityProject.select(*PROJECT_COLUMNS)
            .order_by(PROJECT_SORTS[sort.key], ascending=not sort.descending)
            .order_by(FacilityProject.id, ascending=not sort.descending)
            .limit(request.page_size)
            .offset(request.offset),
            *clauses,
        )
    total = {
        "count": (totals or {}).get("n") or 0,
        "budget": Decimal(str((totals or {}).get("budget") or 0)),
        "spending": Decimal(str((totals or {}).get("spending") or 0)),
    }
    page = Page(items=rows, total=total["count"], page=request.page, page_size=request.page_size)
    return page, total


async def export_projects(user: CurrentUser, filters: dict[str, str], sort: Sort) -> list[dict]:
    clauses = [project_scope(user), *project_filters(filters, local_today())]
    return await where_all(
        FacilityProject.select(*PROJECT_COLUMNS)
        .order_by(PROJECT_SORTS[sort.key], ascending=not sort.descending)
        .order_by(FacilityProject.id, ascending=not sort.descending),
        *clauses,
    )


async def get_project(user: CurrentUser, project_id: int) -> dict | None:
    query = FacilityProject.select(*PROJECT_COLUMNS).where(
        (FacilityProject.id == project_id) & FacilityProject.archived.eq(False)
    )
    return await where_all(query, project_scope(user)).first()


PROJECT_FIELDS = (
    "name",
    "kind",
    "budget",
    "spending",
    "lead_unit",
    "partner_units",
    "description",
)


def _project_values(data: dict[str, Any]) -> dict[str, Any]:
    values = {k: data.get(k) for k in PROJECT_FIELDS}
    values["budget"] = values["budget"] or Decimal(0)
    values["spending"] = values["spending"] or Decimal(0)
    for key in ("lead_unit", "partner_units", "description"):
        values[key] = (values[key] or "").strip()
    return values


async def create_project(actor: CurrentUser, data: dict[str, Any]) -> int:
    """A new project in 方案编制, numbered 社区代码-年度-序号, its course a work item due by
    30 June of its year."""
    year = data["year"]
    async with write_transaction():
        community = await record_community(actor, data.get("community_id"))
        values = _project_values(data)
        # Numbers an import brought are skipped (the import raises the counter past them too).
        while True:
            sequence = await sequences.next_value(rules.counter_key(community["id"], year))
            number = rules.project_number(community["code"], year, sequence)
            if not await FacilityProject.exists().where(FacilityProject.number == number):
                break
        rows = await FacilityProject.insert(
            FacilityProject(number=number, community=community["id"], year=year, **values)
        ).returning(FacilityProject.id)
        project_id = rows[0]["id"]
        item_id = await workitems.create_item(
            actor,
            kind=rules.PROJECT.code,
            title=f"{community['name']} {values['name']}",
            due_date=rules.due_date(rules.DRAFTING, year),
            subject=("facility_project", project_id),
            community_id=community["id"],
            note=_("项目立项，进入方案编制"),
        )
        await FacilityProject.update({FacilityProject.work_item: item_id}).where(
            FacilityProject.id == project_id
        )
        await audit.record(
            actor, "facility_project", project_id, "create", after=values | {"number": number}
        )
    return project_id


async def update_project(
    actor: CurrentUser, project_id: int, version: int, data: dict[str, Any]
) -> None:
    async with write_transaction():
        current = await get_project(actor, project_id)
        if current is None:
            raise NotVisible()
        values = _project_values(data)
        await update_versioned(FacilityProject, project_id, version, values)
        before, after = audit.changes(current, values)
        await audit.record(
            actor, "facility_project", project_id, "update", before=before, after=after
        )


async def archive_project(actor: CurrentUser, project_id: int, version: int) -> None:
    async with write_transaction():
        current = await get_project(actor, project_id)
        if current is None:
            raise NotVisible()
        await update_versioned(FacilityProject, project_id, version, {"archived": True})
        await audit.record(actor, "facility_project", project_id, "archive")


async def move_project(
    actor: CurrentUser,
    project_id: int,
    version: int,
    target: str,
    when: dt.date | None,
    note: str,
) -> str:
    """One step of the course, dated: submitted, approved (or returned with reasons),
    completed, in use. Returns the new status; a refused step changes nothing."""
    note = note.strip()
    async with write_transaction():
        project = await get_project(actor, project_id)
        if project is None:
            raise NotVisible()
        if project["version"] != version:
            raise StaleVersionError()
        if error := workitem_rules.move_error(
            rules.PROJECT.code, project["status"], target, actor.role
        ):
            raise FacilityError(error)
        if target in rules.NEEDS_REASON and not note:
            raise FacilityError(_("请填写原因"), {"note": _("请填写原因")})
        values: dict[str, Any] = {}
        if (column := rules.STEP_DATES.get(target)) is not None:
            when = when or local_today()
            dates = {name: project[name] for name in rules.DATE_ORDER}
            if error := rules.step_date_error(target, when, dates, project["year"], local_today()):
                raise FacilityError(error, {"when": error})
            values[column] = when
            # The timeline's own time is when it was recorded; the step's date goes with it.
            note = (
                _("{date}：{note}").format(date=when.isoformat(), note=note)
                if note
                else when.isoformat()
            )
        if target == rules.RETURNED:
            values["submitted_on"] = None  # a returned plan is submitted again, with its date
        item = await workitems.get_item(actor, project["work_item"])
        if item is None:
            raise NotVisible()
        await workitems.move(
            actor,
            project["work_item"],
            item["version"],
            target,
            note,
            due_date=rules.due_date(target, project["year"]),
            by_subject=True,
        )
        await update_versioned(FacilityProject, project_id, version, values)
        await audit.record(
            actor,
            "facility_project",
            project_id,
            "move",
            before={"status": project["status"]},
            after={"status": target, **values},
        )
    return target


async def add_progress(
    actor: CurrentUser,
    project_id: int,
    note: str,
    photo: tuple[bytes, str] | None,
    uploads_dir: Path,
    max_bytes: int,
) -> None:
    """A progress note, with a photo from the site, on the project's timeline."""
    async with files.discard_on_failure(), write_transaction():
        project = await get_project(actor, project_id)
        if project is None:
            raise NotVisible()
        attachment = None
        if photo is not None:
            attachment = await _store_photo(
                actor, photo, project["community"], uploads_dir, max_bytes
            )
        try:
            await workitems.add_note(actor, project["work_item"], note, attachment)
        except workitems.WorkItemError as exc:
            raise FacilityError(exc.message, exc.errors) from None


async def _store_photo(
    actor: CurrentUser,
    photo: tuple[bytes, str],
    community_id: int,
    uploads_dir: Path,
    max_bytes: int,
) -> int:
    data, name = photo
    try:
        stored = await files.store_upload(
            uploads_dir=uploads_dir,
            max_bytes=max_bytes,
            data=data,
            original_name=name,
            actor=actor,
            allowed=PHOTO_KINDS,
            community_id=community_id,
        )
    except files.UploadError as exc:
        raise FacilityError(str(exc), {"photo": str(exc)}) from None
    return stored["id"]


async def project_timeline(project: dict) -> list[dict]:
    return await workitems.timeline(project["work_item"])


async def overdue_projects(user: CurrentUser, today: dt.date) -> list[dict]:
    """Open projects past their deadline, earliest first ("my work" and the home pages)."""
    return await where_all(
        FacilityProject.select(*PROJECT_COLUMNS)
        .where(
            FacilityProject.archived.eq(False)
            & FacilityProject.work_item.is_open.eq(True)
            & (FacilityProject.work_item.due_date < today)
        )
        .order_by(FacilityProject.work_item.due_date)
        .order_by(FacilityProject.id),
        project_scope(user),
    )


def step_label(status: str) -> str:
    return text(rules.PROJECT.label_of(status))


# --- meal-aid points ------------------------------------------------------------------------

MEAL_POINTS = ListSpec(("q", "community"), ("name", "capacity"), "name")
MEAL_SORTS = {"name": MealPoint.name, "capacity": MealPoint.capacity}
MEAL_COLUMNS = (
    MealPoint.id,
    MealPoint.community,
    MealPoint.community.name.as_alias("community_name"),
    MealPoint.name,
    MealPoint.address,
    MealPoint.opening_hours,
    MealPoint.capacity,
    MealPoint.operator,
    MealPoint.opened_on,
    MealPoint.version,
)
MEAL_FIELDS = ("name", "address", "opening_hours", "capacity", "operator", "opened_on")


def meal_scope(user: CurrentUser) -> Any:
    return scope_filter(user, community=MealPoint.community)


def _meal_filters(filters: dict[str, str]) -> list[Any]:
    clauses: list[Any] = [MealPoint.archived.eq(False)]
    if q := filters.get("q", "").strip():
        term = f"%{q}%"
        clauses.append(
            MealPoint.name.ilike(term)
            | MealPoint.address.ilike(term)
            | MealPoint.operator.ilike(term)
        )
    if (community := row_id(filters.get("community"))) is not None:
        clauses.append(MealPoint.community == community)
    return clauses


async def list_meal_points(
    user: CurrentUser, filters: dict[str, str], request: PageRequest, sort: Sort
) -> tuple[Page, dict[str, int]]:
    clauses = [meal_scope(user), *_meal_filters(filters)]
    async with read_transaction():
        totals = await where_all(
            MealPoint.select(
                Count(MealPoint.id, alias="n"), Sum(MealPoint.capacity, alias="seats")
            ),
            *clauses,
        ).first()
        rows = await where_all(
            MealPoint.select(*MEAL_COLUMNS)
            .order_by(MEAL_SORTS[sort.key], ascending=not sort.descending)
            .order_by(MealPoint.id)
            .limit(request.page_size)
            .offset(request.offset),
            *clauses,
        )
    total = {
        "count": (totals or {}).get("n") or 0,
        "capacity": int((totals or {}).get("seats") or 0),
    }
    return Page(rows, total["count"], request.page, request.page_size), total


async def export_meal_points(user: CurrentUser, filters: dict[str, str], sort: Sort) -> list[dict]:
    return await where_all(
        MealPoint.select(*MEAL_COLUMNS)
        .order_by(MEAL_SORTS[sort.key], ascending=not sort.descending)
        .order_by(MealPoint.id),
        meal_scope(user),
        *_meal_filters(filters),
    )


async def get_meal_point(user: CurrentUser, point_id: int) -> dict | None:
    query = MealPoint.select(*MEAL_COLUMNS).where(
        (MealPoint.id == point_id) & MealPoint.archived.eq(False)
    )
    return await where_all(query, meal_scope(user)).first()


def _meal_values(data: dict[str, Any]) -> dict[str, Any]:
    values = {k: data.get(k) for k in MEAL_FIELDS}
    for key in ("address", "opening_hours", "operator"):
        values[key] = (values[key] or "").strip()
    values["capacity"] = values["capacity"] or 0
    return values


async def create_meal_point(actor: CurrentUser, data: dict[str, Any]) -> int:
    async with write_transaction():
        community = await record_community(actor, data.get("community_id"))
        values = _meal_values(data)
        rows = await MealPoint.insert(MealPoint(community=community["id"], **values)).returning(
            MealPoint.id
        )
        await audit.record(actor, "meal_point", rows[0]["id"], "create", after=values)
    return rows[0]["id"]


async def update_meal_point(
    actor: CurrentUser, point_id: int, version: int, data: dict[str, Any]
) -> None:
    async with write_transaction():
        current = await get_meal_point(actor, point_id)
        if current is None:
            raise NotVisible()
        values = _meal_values(data)
        await update_versioned(MealPoint, point_id, version, values)
        before, after = audit.changes(current, values)
        await audit.record(actor, "meal_point", point_id, "update", before=before, after=after)


async def archive_meal_point(actor: CurrentUser, point_id: int, version: int) -> None:
    async with write_transaction():
        if await get_meal_point(actor, point_id) is None:
            raise NotVisible()
        await update_versioned(MealPoint, point_id, version, {"archived": True})
        await audit.record(actor, "meal_point", point_id, "archive")


# --- the three-stations checklist -----------------------------------------------------------

CHECK_COLUMNS = (
    StationCheck.id,
    StationCheck.community,
    StationCheck.year,
    StationCheck.item,
    StationCheck.done,
    StationCheck.checked_on,
    StationCheck.checker,
    StationCheck.note,
    StationCheck.photo,
    StationCheck.version,
)


async def checklist(user: CurrentUser, community_id: int, year: int) -> dict[str, Any]:
    """A community's checklist of a year: every item (stored or not yet checked)."""
    if user.role == COMMUNITY and user.community_id != community_id:
        raise NotVisible()
    community = (
        await Community.select(Community.id, Community.name, Community.code)
        .where(Community.id == community_id)
        .first()
    )
    if community is None or not (user.street_wide or user.role == COMMUNITY):
        raise NotVisible()
    rows = await StationCheck.select(*CHECK_COLUMNS).where(
        (StationCheck.community == community_id) & (StationCheck.year == year)
    )
    stored = {r["item"]: r for r in rows}
    items = [
        stored.get(code)
        or {
            "item": code,
            "done": False,
            "checked_on": None,
            "checker": "",
            "note": "",
            "photo": None,
            "version": 0,
        }
        for code, _label in rules.STATION_ITEMS
    ]
    for item in items:
        item["label"] = dict(rules.STATION_ITEMS)[item["item"]]
    done = rules.checklist_done(stored, local_today())
    return {"community": community, "year": year, "items": items, "done": done}


async def checklist_overview(user: CurrentUser, year: int) -> list[dict]:
    """Every community in the user's scope with the items done of its checklist of the year."""
    scope = scope_filter(user, community=Community.id)
    communities = await where_all(
        Community.select(Community.id, Community.name, Community.code).order_by(Community.code),
        scope,
    )
    counts = {
        r["community"]: r["n"]
        for r in await StationCheck.select(
            StationCheck.community, Count(StationCheck.id, alias="n")
        )
        .where((StationCheck.year == year) & StationCheck.done.eq(True))
        .group_by(StationCheck.community)
    }
    return [{**c, "done": counts.get(c["id"], 0)} for c in communities]


async def save_check(
    actor: CurrentUser,
    community_id: int,
    year: int,
    item: str,
    version: int,
    data: dict[str, Any],
    photo: tuple[bytes, str] | None,
    uploads_dir: Path,
    max_bytes: int,
) -> None:
    """One item of the checklist, checked: done or not, the date, the checker, a photo."""
    if actor.role == COMMUNITY and actor.community_id != community_id:
        raise NotVisible()
    if item not in dict(rules.STATION_ITEMS):
        raise FacilityError(_("未知的核查项目"))
    checked_on = data.get("checked_on") or local_today()
    if checked_on > local_today():
        raise FacilityError(_("核查日期不能晚于今天"), {"checked_on": _("核查日期不能晚于今天")})
    if checked_on.year != year:
        message = _("核查日期应在年度 {year} 年内").format(year=year)
        raise FacilityError(message, {"checked_on": message})
    async with files.discard_on_failure(), write_transaction():
        await record_community(actor, community_id)
        values = {
            "done": bool(data.get("done")),
            "checked_on": checked_on,
            "checker": (data.get("checker") or actor.name).strip()[:100],
            "note": (data.get("note") or "").strip(),
        }
        if photo is not None:
            values["photo"] = await _store_photo(actor, photo, community_id, uploads_dir, max_bytes)
        current = (
            await StationCheck.select(*CHECK_COLUMNS)
            .where(
                (StationCheck.community == community_id)
                & (StationCheck.year == year)
                & (StationCheck.item == item)
            )
            .first()
        )
        if current is None:
            if version != 0:
                raise StaleVersionError()
            rows = (
                await StationCheck.insert(
                    StationCheck(community=community_id, year=year, item=item, **values)
                )
                .on_conflict(action="DO NOTHING")
                .returning(StationCheck.id)
            )
            if not rows:  # another officer saved it first
                raise StaleVersionError()
            record_id, before = rows[0]["id"], {}
        else:
            await update_versioned(StationCheck, current["id"], version, values)
            record_id, before = current["id"], current
        changed_before, after = audit.changes(before, values)
        await audit.record(
            actor,
            "station_check",
            record_id,
            "check",
            before=changed_before,
            after={"item": item, **after},
        )


async def home_summary(user: CurrentUser, today: dt.date) -> dict[str, Any]:
    """What the home page says of this area: open projects, those overdue, the next deadline."""
    open_projects = where_all(
        FacilityProject.select(FacilityProject.work_item.due_date.as_alias("due_date")).where(
            FacilityProject.archived.eq(False) & FacilityProject.work_item.is_open.eq(True)
        ),
        project_scope(user),
    )
    dates = [r["due_date"] for r in await open_projects]
    upcoming = sorted(d for d in dates if d is not None and d >= today)
    return {
        "open": len(dates),
        "overdue": sum(1 for d in dates if d is not None and d < today),
        "next_due": upcoming[0] if upcoming else None,
    }
