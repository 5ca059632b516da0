"""The activity ledger: scoped reads with totals, records written with ledger numbers, the
submit / verify / return workflow, and photos and sign-in sheets.

Organizations see and write only their own records, community officers their community's; the
center sees all. The same filters drive the pages, the exports and the API.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from piccolo.query.functions.aggregate import Count, Sum

from incubator.activities import rules
from incubator.activities.tables import Activity, ActivityFile
from incubator.core import audit, files, sequences
from incubator.core.auth import CurrentUser
from incubator.core.db import read_transaction, write_transaction
from incubator.core.errors import ServiceError
from incubator.core.i18n import LOCAL_TZ, N_, _, local_today, text
from incubator.core.locking import update_versioned
from incubator.core.pagination import ListSpec, Page, PageRequest, Sort
from incubator.core.roles import APPLICANT, COMMUNITY
from incubator.core.scoping import NotVisible, row_id, scope_filter, where_all
from incubator.ground.tables import Community, Grid, Organization, Street
from incubator.organizations.service import organization_scope

audit.label_tables({"activity": N_("服务记录台账")})
audit.label_actions({m.code: m.label for m in rules.MOVES} | {"highlight": N_("亮点活动")})

FILTERS = (
    "q",
    "organization",
    "community",
    "category",
    "status",
    "date_from",
    "date_to",
    "year",
    "highlight",
)
SORTS = ("held_on", "ledger_no", "participants", "beneficiaries")
# The ledger's list, as the page, its exports and the API read it.
LEDGER = ListSpec(FILTERS, SORTS, "-held_on")
SORT_COLUMNS = {
    "held_on": Activity.held_on,
    "ledger_no": Activity.ledger_no,
    "participants": Activity.participants,
    "beneficiaries": Activity.beneficiaries,
}
LIST_COLUMNS = (
    Activity.id,
    Activity.ledger_no,
    Activity.title,
    Activity.category,
    Activity.held_on,
    Activity.start_time,
    Activity.end_time,
    Activity.hours,
    Activity.place,
    Activity.partner_unit,
    Activity.served_groups,
    Activity.participants,
    Activity.beneficiaries,
    Activity.volunteers,
    Activity.status,
    Activity.is_highlight,
    Activity.organization,
    Activity.organization.name.as_alias("organization_name"),
    Activity.community,
    Activity.community.name.as_alias("community_name"),
)
EDITABLE_FIELDS = (
    "title",
    "project",
    "category",
    "held_on",
    "start_time",
    "end_time",
    "hours",
    "place",
    "partner_unit",
    "served_groups",
    "participants",
    "beneficiaries",
    "volunteers",
    "content",
    "budget",
    "spending",
    "news_link",
    "satisfaction",
)


class ActivityError(ServiceError):
    """A refusal of this module's service (core.errors)."""


def activity_scope(user: CurrentUser) -> Any:
    return scope_filter(user, community=Activity.community, organization=Activity.organization)


def _date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def filter_clauses(filters: dict[str, str]) -> list[Any]:
    """The ledger's filters as where-clauses; unreadable values are ignored, never an error."""
    clauses: list[Any] = [Activity.is_archived.eq(False)]
    if q := filters.get("q", "").strip():
        term = f"%{q}%"
        clauses.append(
            Activity.title.ilike(term) | Activity.ledger_no.ilike(term) | Activity.place.ilike(term)
        )
    for key, column in (("organization", Activity.organization), ("community", Activity.community)):
        if (value := row_id(filters.get(key))) is not None:
            clauses.append(column == value)
    if (category := filters.get("category")) in dict(rules.CATEGORIES):
        clauses.append(Activity.category == category)
    if (status := filters.get("status")) in dict(rules.STATUSES):
        clauses.append(Activity.status == status)
    if start := _date(filters.get("date_from")):
        clauses.append(Activity.held_on >= start)
    if end := _date(filters.get("date_to")):
        clauses.append(Activity.held_on <= end)
    year = filters.get("year", "")
    if year.isascii() and year.isdigit() and 2000 <= int(year) <= 2100:
        clauses.append(Activity.held_on >= dt.date(int(year), 1, 1))
        clauses.append(Activity.held_on <= dt.date(int(year), 12, 31))
    if filters.get("highlight") == "1":
        clauses.append(Activity.is_highlight.eq(True))
    return clauses


@dataclass(frozen=True)
class Totals:
    count: int = 0
    hours: Decimal = Decimal(0)
    participants: int = 0
    beneficiaries: int = 0
    volunteers: int = 0

    def as_api(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "hours": str(self.hours),
            "participants": self.participants,
            "beneficiaries": self.beneficiaries,
            "volunteers": self.volunteers,
        }


def _totals(row: dict | None) -> Totals:
    row = row or {}
    return Totals(
        count=row.get("n") or 0,
        hours=Decimal(str(row.get("hours") or 0)).quantize(Decimal("0.1")),
        participants=int(row.get("participants") or 0),
        beneficiaries=int(row.get("beneficiaries") or 0),
        volunteers=int(row.get("volunteers") or 0),
    )


TOTAL_COLUMNS = (
    Count(Activity.id, alias="n"),
    Sum(Activity.hours, alias="hours"),
    Sum(Activity.participants, alias="participants"),
    Sum(Activity.beneficiaries, alias="beneficiaries"),
    Sum(Activity.volunteers, alias="volunteers"),
)


async def ledger(
    user: CurrentUser, filters: dict[str, str], request: PageRequest, sort: Sort
) -> tuple[Page, Totals]:
    """One page of the filtered ledger and the totals of all of it (one aggregate query)."""
    clauses = [activity_scope(user), *filter_clauses(filters)]
    async with read_transaction():
        totals = _totals(await where_all(Activity.select(*TOTAL_COLUMNS), *clauses).first())
        rows = await where_all(
            Activity.select(*LIST_COLUMNS)
            .order_by(SORT_COLUMNS[sort.key], ascending=not sort.descending)
            .order_by(Activity.id, ascending=not sort.descending)
            .limit(request.page_size)
            .offset(request.offset),
            *clauses,
        )
    page = Page(items=rows, total=totals.count, page=request.page, page_size=request.page_size)
    return page, totals


async def totals(user: CurrentUser, filters: dict[str, str]) -> Totals:
    """The totals of the filtered ledger in the user's scope (one aggregate query)."""
    clauses = [activity_scope(user), *filter_clauses(filters)]
    return _totals(await where_all(Activity.select(*TOTAL_COLUMNS), *clauses).first())


async def photos_of(activity_ids: list[int], per_activity: int, limit: int) -> list[dict]:
    """Photos of these activities (already in the caller's scope), a few each, in order."""
    taken: dict[int, int] = {}
    chosen: list[dict] = []
    # In chunks: a big ledger's ids would pass PostgreSQL's limit of parameters a statement.
    for start in range(0, len(activity_ids), 1000):
        rows = (
            await ActivityFile.select(
                ActivityFile.activity,
                ActivityFile.file,
                ActivityFile.caption,
                ActivityFile.file.storage_name.as_alias("storage_name"),
            )
            .where(
                ActivityFile.activity.is_in(activity_ids[start : start + 1000])
                & (ActivityFile.kind == "photo")
            )
            .order_by(ActivityFile.id)
        )
        for row in rows:
            if taken.get(row["activity"], 0) < per_activity and len(chosen) < limit:
                taken[row["activity"]] = taken.get(row["activity"], 0) + 1
                chosen.append(row)
        if len(chosen) >= limit:
            break
    return chosen


async def export_rows(user: CurrentUser, filters: dict[str, str], sort: Sort) -> list[dict]:
    clauses = [activity_scope(user), *filter_clauses(filters)]
    return await where_all(
        Activity.select(
            *LIST_COLUMNS,
            Activity.project,
            Activity.content,
            Activity.budget,
            Activity.spending,
            Activity.satisfaction,
            Activity.news_link,
            Activity.recorder.display_name.as_alias("recorder_name"),
            Activity.reviewer.display_name.as_alias("reviewer_name"),
        )
        .order_by(SORT_COLUMNS[sort.key], ascending=not sort.descending)
        .order_by(Activity.id, ascending=not sort.descending),
        *clauses,
    )


GROUPINGS = {
    "community": (Activity.community, Activity.community.name, N_("社区")),
    "organization": (Activity.organization, Activity.organization.name, N_("社会组织")),
    "category": (Activity.category, None, N_("活动类别")),
}


async def summary(user: CurrentUser, filters: dict[str, str], by: str) -> list[dict]:
    """Totals per community, organization, category or month of the filtered ledger."""
    clauses = [activity_scope(user), *filter_clauses(filters)]
    if by == "month":
        rows = await where_all(
            Activity.select(Activity.held_on, *TOTAL_COLUMNS), *clauses
        ).group_by(Activity.held_on)
        months: dict[str, dict] = {}
        for row in rows:
            held = row["held_on"]
            key = (held if isinstance(held, dt.date) else dt.date.fromisoformat(held)).strftime(
                "%Y-%m"
            )
            bucket = months.setdefault(key, {"key": key, "label": key, "n": 0})
            for name in ("n", "hours", "participants", "beneficiaries", "volunteers"):
                bucket[name] = (bucket.get(name) or 0) + (
                    Decimal(str(row[name] or 0)) if name == "hours" else int(row[name] or 0)
                )
        return [{"key": k, "label": k, "totals": _totals(v)} for k, v in sorted(months.items())]
    key_column, name_column, _title = GROUPINGS[by]
    selected = [key_column.as_alias("key")]
    if name_column is not None:
        selected.append(name_column.as_alias("label"))
    rows = await where_all(Activity.select(*selected, *TOTAL_COLUMNS), *clauses).group_by(
        *([key_column] + ([name_column] if name_column is not None else []))
    )
    result = []
    for row in rows:
        label = row.get("label")
        if by == "category":
            label = text(rules.label(rules.CATEGORIES, row["key"]))
        elif label is None:
            label = _("（未填写）") if by == "organization" else _("街道")
        result.append({"key": row["key"], "label": label, "totals": _totals(row)})
    result.sort(key=lambda r: -r["totals"].count)
    return result


async def get_activity(user: CurrentUser, activity_id: int) -> dict | None:
    query = Activity.select(
        *Activity.all_columns(),
        Activity.organization.name.as_alias("organization_name"),
        Activity.community.name.as_alias("community_name"),
        Activity.grid.name.as_alias("grid_name"),
        Activity.recorder.display_name.as_alias("recorder_name"),
        Activity.reviewer.display_name.as_alias("reviewer_name"),
    ).where(Activity.id == activity_id)
    return await where_all(query, activity_scope(user)).first()


async def activity_files(activity_id: int) -> list[dict]:
    return (
        await ActivityFile.select(
            ActivityFile.id,
            ActivityFile.kind,
            ActivityFile.caption,
            ActivityFile.file,
            ActivityFile.file.original_name.as_alias("name"),
            ActivityFile.file.kind.as_alias("file_kind"),
        )
        .where(ActivityFile.activity == activity_id)
        .order_by(ActivityFile.id)
    )


# --- writing ------------------------------------------------------------------------------


async def _organizer(user: CurrentUser, data: dict) -> tuple[int | None, int | None]:
    """(organization, community) of a new or edited record, forced to the user's own scope."""
    organization_id = data.get("organization_id")
    community_id = data.get("community_id")
    if user.role == APPLICANT:
        if organization_id not in (None, user.organization_id):
            # Another organization's id is refused like an unknown one, not replaced.
            raise ActivityError(_("社会组织不存在"), {"organization_id": _("社会组织不存在")})
        organization_id = user.organization_id
        if organization_id is None:
            raise ActivityError(_("您的账号没有关联社会组织"))
    if organization_id is not None:
        # Only an organization the user may see: another community's is refused as unknown.
        organization = await where_all(
            Organization.select(Organization.id, Organization.community).where(
                Organization.id == organization_id
            ),
            organization_scope(user),
        ).first()
        if organization is None:
            raise ActivityError(_("社会组织不存在"), {"organization_id": _("社会组织不存在")})
        if community_id is None or user.role == APPLICANT:
            community_id = organization["community"]
    if user.role == COMMUNITY:
        if community_id not in (None, user.community_id):
            raise ActivityError(
                _("只能登记本社区的活动"), {"community_id": _("只能登记本社区的活动")}
            )
        community_id = user.community_id
    elif community_id is not None and not await Community.exists().where(
        Community.id == community_id
    ):
        message = _("所选社区不存在")
        raise ActivityError(message, {"community_id": message})
    if organization_id is None and community_id is None:
        message = _("请选择主办社会组织或社区")
        raise ActivityError(message, {"organization_id": message})
    return organization_id, community_id


async def _grid(data: dict, community_id: int | None) -> int | None:
    """The grid, which must lie in the activity's community."""
    grid_id = data.get("grid_id")
    if grid_id is None:
        return None
    grid = await Grid.select(Grid.community).where(Grid.id == grid_id).first()
    if grid is None or grid["community"] != community_id:
        message = _("所选网格不属于该社区")
        raise ActivityError(message, {"grid_id": message})
    return grid_id


async def ledger_number(community_id: int | None, held_on: dt.date) -> str:
    """The next number for this community and year, inside the caller's write transaction."""
    street = await Street.select(Street.code).order_by(Street.id).first()
    community_code = None
    if community_id is not None:
        row = await Community.select(Community.code).where(Community.id == community_id).first()
        community_code = row["code"] if row else None
    prefix = rules.ledger_prefix(street["code"] if street else "JD", community_code, held_on.year)
    return rules.ledger_number(prefix, await sequences.next_value(f"ledger:{prefix}"))


def _values(data: dict) -> dict[str, Any]:
    values = {k: data.get(k) for k in EDITABLE_FIELDS if k in data}
    for key in ("hours", "budget", "spending"):
        if key in values:
            values[key] = values[key] or Decimal(0)
    for key in ("participants", "beneficiaries", "volunteers"):
        if key in values:
            values[key] = values[key] or 0
    for key in ("project", "place", "partner_unit", "content", "news_link", "served_groups"):
        if key in values:
            values[key] = values[key] or ""
    return values


def check(data: dict) -> dict[str, str]:
    """Cross-field checks the form fields cannot make alone."""
    errors: dict[str, str] = {}
    if data.get("held_on") and data["held_on"] > local_today():
        errors["held_on"] = _("活动日期不能晚于今天")
    start, end = data.get("start_time"), data.get("end_time")
    if start and end and end < start:
        errors["end_time"] = _("结束时间早于开始时间")
    link = data.get("news_link") or ""
    if link and not link.startswith(("http://", "https://")):
        errors["news_link"] = _("新闻报道链接必须以 http:// 或 https:// 开头")
    return errors


async def create_activity(actor: CurrentUser, data: dict) -> int:
    if errors := check(data):
        raise ActivityError(next(iter(errors.values())), errors)
    async with write_transaction():
        organization_id, community_id = await _organizer(actor, data)
        values = _values(data)
        number = await ledger_number(community_id, values["held_on"])
        rows = await Activity.insert(
            Activity(
                ledger_no=number,
                organization=organization_id,
                community=community_id,
                grid=await _grid(data, community_id),
                recorder=actor.id,
                status="draft",
                **values,
            )
        ).returning(Activity.id)
        activity_id = rows[0]["id"]
        await audit.record(actor, "activity", activity_id, "create", after=values | {"no": number})
    return activity_id


async def update_activity(actor: CurrentUser, activity_id: int, version: int, data: dict) -> None:
    if errors := check(data):
        raise ActivityError(next(iter(errors.values())), errors)
    async with write_transaction():
        current = await get_activity(actor, activity_id)
        if current is None:
            raise NotVisible()
        if current["status"] not in rules.EDITABLE and actor.role not in rules.STAFF_ROLES:
            raise ActivityError(_("已提交的记录不能修改；如需修改请联系中心退回"))
        if current["status"] == "verified":
            raise ActivityError(_("已核实的记录不能修改；如需修改请先退回"))
        organization_id, community_id = await _organizer(actor, data)
        values = _values(data)
        values |= {
            "organization": organization_id,
            "community": community_id,
            "grid": await _grid(data, community_id),
        }
        await update_versioned(Activity, activity_id, version, values)
        await audit.record(
            actor,
            "activity",
            activity_id,
            "update",
            before={k: current.get(k) for k in values},
            after=values,
        )


async def move(actor: CurrentUser, activity_id: int, version: int, code: str, reason: str) -> str:
    """提交 / 核实 / 退回: returns the new status or raises ActivityError saying why not."""
    async with write_transaction():
        current = await get_activity(actor, activity_id)
        if current is None:
            raise NotVisible()
        if error := rules.move_error(current["status"], code, actor.role, reason):
            raise ActivityError(error)
        target = rules.MOVE_BY_CODE[code].target
        values: dict[str, Any] = {"status": target}
        if code in ("verify", "return"):
            values |= {"reviewer": actor.id, "reviewed_at": dt.datetime.now(dt.UTC)}
        values["return_reason"] = reason.strip()[:2000] if code == "return" else ""
        await update_versioned(Activity, activity_id, version, values)
        await audit.record(
            actor,
            "activity",
            activity_id,
            code,
            before={"status": current["status"]},
            after={"status": target, "reason": values["return_reason"]},
        )
    return target


async def set_highlight(actor: CurrentUser, activity_id: int, version: int, on: bool) -> None:
    """亮点活动: the center marks the records its showcase reports feature."""
    async with write_transaction():
        current = await get_activity(actor, activity_id)
        if current is None:
            raise NotVisible()
        await update_versioned(Activity, activity_id, version, {"is_highlight": on})
        await audit.record(actor, "activity", activity_id, "highlight", after={"on": on})


PHOTO_LIMIT = 20


async def attach(
    actor: CurrentUser,
    activity_id: int,
    kind: str,
    data: bytes,
    name: str,
    uploads_dir: Path,
    max_bytes: int,
    quota_bytes: int | None = None,
) -> None:
    """A photo (JPEG/PNG) or the sign-in sheet (also PDF) of an editable record."""
    if kind not in ("photo", "sign_in"):
        raise ActivityError(_("未知的附件类型"))
    async with files.discard_on_failure(), write_transaction():
        current = await get_activity(actor, activity_id)
        if current is None:
            raise NotVisible()
        if current["status"] == "verified" and actor.role not in rules.STAFF_ROLES:
            raise ActivityError(_("已核实的记录不能再添加附件"))
        if current["status"] == "submitted" and actor.role not in rules.STAFF_ROLES:
            raise ActivityError(_("已提交的记录不能再添加附件；如需补充请联系中心退回"))
        count = await ActivityFile.count().where(
            (ActivityFile.activity == activity_id) & (ActivityFile.kind == kind)
        )
        if kind == "photo" and count >= PHOTO_LIMIT:
            raise ActivityError(_("每条记录最多 {n} 张照片").format(n=PHOTO_LIMIT))
        allowed = (files.JPEG, files.PNG) if kind == "photo" else (files.JPEG, files.PNG, files.PDF)
        try:
            stored = await files.store_upload(
                uploads_dir=uploads_dir,
                max_bytes=max_bytes,
                data=data,
                original_name=name,
                actor=actor,
                allowed=allowed,
                organization_id=current["organization"],
                community_id=current["community"],
                quota_bytes=quota_bytes,
            )
        except files.UploadError as exc:
            raise ActivityError(str(exc)) from exc
        await ActivityFile.insert(
            ActivityFile(activity=activity_id, file=stored["id"], kind=kind, caption=name[:200])
        )
        await audit.record(actor, "activity", activity_id, "attach", after={"kind": kind})


def local_time(value: dt.datetime | None) -> dt.datetime | None:
    return value.astimezone(LOCAL_TZ) if value else None
