"""Work items: create, move through the kind's statuses, reassign; timelines and due lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from incubator.core import audit
from incubator.core.auth import CurrentUser
from incubator.core.db import read_transaction, write_transaction
from incubator.core.errors import ServiceError
from incubator.core.i18n import _
from incubator.core.locking import update_versioned
from incubator.core.pagination import Page, PageRequest, paginate
from incubator.core.roles import ADMIN, COMMUNITY, STAFF
from incubator.core.scoping import scope_filter, where_all
from incubator.ground.tables import Community, User
from incubator.workitems import rules
from incubator.workitems.tables import WorkItem, WorkItemEvent


class WorkItemError(ServiceError):
    """A refusal of this module's service (core.errors)."""


# `move` leaves the due date as it is unless told otherwise.
KEEP = object()


ITEM_COLUMNS = (
    WorkItem.id,
    WorkItem.kind,
    WorkItem.title,
    WorkItem.status,
    WorkItem.subject_table,
    WorkItem.subject_id,
    WorkItem.owner,
    WorkItem.owner.display_name.as_alias("owner_name"),
    WorkItem.community,
    WorkItem.community.name.as_alias("community_name"),
    WorkItem.organization,
    WorkItem.organization.name.as_alias("organization_name"),
    WorkItem.due_date,
    WorkItem.is_open,
    WorkItem.closed_at,
    WorkItem.version,
    WorkItem.created_at,
)


# Who sees every owner-only item (blind reviews); anyone else sees only the ones they own.
SEES_ALL_REVIEWS = (ADMIN, STAFF)


def _scope(user: CurrentUser) -> Any:
    """The items this user may see: their scope, and of owner-only kinds only their own."""
    scope = scope_filter(user, community=WorkItem.community, organization=WorkItem.organization)
    if user.role in SEES_ALL_REVIEWS:
        return scope
    hidden = rules.owner_only_kinds()
    visible = WorkItem.kind.not_in(hidden) | (WorkItem.owner == user.id)
    return visible if scope is None else scope & visible


OWNER_ROLES = (ADMIN, STAFF, COMMUNITY)


async def _check_owner(owner_id: int | None, roles: tuple[str, ...] = OWNER_ROLES) -> None:
    if owner_id is not None and not await User.exists().where(
        (User.id == owner_id) & User.is_active.eq(True) & User.role.is_in(list(roles))
    ):
        raise WorkItemError(_("所选负责人不存在或已停用"))


async def _event(
    item_id: int,
    actor: CurrentUser | None,
    from_status: str,
    to_status: str,
    note: str = "",
    attachment_id: int | None = None,
) -> None:
    await WorkItemEvent.insert(
        WorkItemEvent(
            item=item_id,
            actor=actor.id if actor else None,
            actor_name=actor.name if actor else "system",
            from_status=from_status,
            to_status=to_status,
            note=note,
            attachment=attachment_id,
        )
    )


async def create_item(
    actor: CurrentUser | None,
    *,
    kind: str,
    title: str,
    due_date: dt.date | None = None,
    owner_id: int | None = None,
    subject: tuple[str, int | None] = ("", None),
    community_id: int | None = None,
    organization_id: int | None = None,
    note: str = "",
    owner_roles: tuple[str, ...] = (),
) -> int:
    """Call inside the caller's write transaction when the item is part of a larger change."""
    k = rules.kind(kind)
    if not title.strip():
        raise WorkItemError(_("请填写事项标题"))
    await _check_owner(owner_id, owner_roles or OWNER_ROLES)
    if community_id is not None and not await Community.exists().where(
        Community.id == community_id
    ):
        raise WorkItemError(_("所选社区不存在"))
    row = {
        "kind": kind,
        "title": title.strip()[:200],
        "status": k.initial,
        "subject_table": subject[0],
        "subject_id": subject[1],
        "owner": owner_id,
        "community": community_id,
        "organization": organization_id,
        "due_date": due_date,
        "is_open": k.is_open(k.initial),
    }
    async with write_transaction():
        inserted = await WorkItem.insert(WorkItem(**row)).returning(WorkItem.id)
        item_id = inserted[0]["id"]
        await _event(item_id, actor, "", k.initial, note)
        await audit.record(actor, "work_item", item_id, "create", after=row)
    return item_id


def _with_paths(rows: list[dict]) -> list[dict]:
    """Each item with the page where it is handled (`path`)."""
    for row in rows:
        row["path"] = rules.kind(row["kind"]).path_of(row["id"], row["subject_id"])
    return rows


async def get_item(user: CurrentUser, item_id: int) -> dict | None:
    query = WorkItem.select(*ITEM_COLUMNS).where(WorkItem.id == item_id)
    row = await where_all(query, _scope(user)).first()
    return _with_paths([row])[0] if row else None


async def move(
    actor: CurrentUser,
    item_id: int,
    version: int,
    to_status: str,
    note: str = "",
    attachment_id: int | None = None,
    due_date: dt.date | None | object = KEEP,
    by_subject: bool = False,
) -> None:
    """Moves the item along its kind's statuses, and to a new due date when one is given (a
    facility project works to 30 June, then to 31 December); a refused move changes nothing."""
    async with write_transaction():
        item = await get_item(actor, item_id)
        if item is None:
            raise WorkItemError(_("事项不存在"))
        k = rules.kind(item["kind"])
        if k.handled_at and not by_subject:
            raise WorkItemError(_("该事项须在其所属页面办理（各步骤需填写日期）"))
        if error := rules.move_error(item["kind"], item["status"], to_status, actor.role):
            raise WorkItemError(error)
        still_open = k.is_open(to_status)
        await update_versioned(
            WorkItem,
            item_id,
            version,
            {
                "status": to_status,
                "is_open": still_open,
                "closed_at": None if still_open else dt.datetime.now(dt.UTC),
                **({} if due_date is KEEP else {"due_date": due_date}),
            },
        )
        await _event(item_id, actor, item["status"], to_status, note, attachment_id)
        await audit.record(
            actor,
            "work_item",
            item_id,
            "move",
            before={"status": item["status"]},
            after={"status": to_status, "note": note},
        )


async def restate(
    actor: CurrentUser | None, item_id: int, status: str, due_date: dt.date | None, note: str
) -> None:
    """Where an item stands as an import states it (not a move: an import brings a record's
    history in one step); written to its timeline with the note saying so."""
    item = (
        await WorkItem.select(WorkItem.status, WorkItem.kind).where(WorkItem.id == item_id).first()
    )
    if item is None:
        return
    if item["status"] == status:  # where it stood: its deadline follows, its history stays
        await WorkItem.update({WorkItem.due_date: due_date}).where(WorkItem.id == item_id)
        return
    k = rules.kind(item["kind"])
    if status not in dict(k.statuses):
        raise WorkItemError(_("未知的状态"))
    still_open = k.is_open(status)
    async with write_transaction():
        await WorkItem.update(
            {
                WorkItem.status: status,
                WorkItem.is_open: still_open,
                WorkItem.closed_at: None if still_open else dt.datetime.now(dt.UTC),
                WorkItem.due_date: due_date,
                WorkItem.version: WorkItem.version + 1,
                WorkItem.updated_at: dt.datetime.now(dt.UTC),
            }
        ).where(WorkItem.id == item_id)
        await _event(item_id, actor, item["status"], status, note)


async def add_note(
    actor: CurrentUser, item_id: int, note: str, attachment_id: int | None = None
) -> None:
    """A progress note (and a photo) on the item's timeline; its status stays."""
    if not note.strip() and attachment_id is None:
        raise WorkItemError(_("请填写进展说明或选择照片"), {"note": _("请填写进展说明或选择照片")})
    async with write_transaction():
        item = await get_item(actor, item_id)
        if item is None:
            raise WorkItemError(_("事项不存在"))
        await _event(item_id, actor, item["status"], item["status"], note.strip(), attachment_id)
        await audit.record(actor, "work_item", item_id, "note", after={"note": note.strip()})


async def reassign(
    actor: CurrentUser, item_id: int, version: int, owner_id: int | None, due_date: dt.date | None
) -> None:
    async with write_transaction():
        item = await get_item(actor, item_id)
        if item is None:
            raise WorkItemError(_("事项不存在"))
        await _check_owner(owner_id)
        values = {"owner": owner_id, "due_date": due_date}
        await update_versioned(WorkItem, item_id, version, values)
        current = {"owner": item["owner"], "due_date": item["due_date"]}
        before, after = audit.changes(current, values)
        note = _("调整负责人或期限")
        await _event(item_id, actor, item["status"], item["status"], note)
        await audit.record(actor, "work_item", item_id, "reassign", before=before, after=after)


async def timeline(item_id: int) -> list[dict]:
    return (
        await WorkItemEvent.select(
            WorkItemEvent.id,
            WorkItemEvent.at,
            WorkItemEvent.actor_name,
            WorkItemEvent.from_status,
            WorkItemEvent.to_status,
            WorkItemEvent.note,
            WorkItemEvent.attachment,
            WorkItemEvent.attachment.original_name.as_alias("attachment_name"),
        )
        .where(WorkItemEvent.item == item_id)
        .order_by(WorkItemEvent.id)
    )


async def due_lists(
    user: CurrentUser, today: dt.date, mine_only: bool = False, kinds: tuple[str, ...] = ()
) -> dict[str, list[dict]]:
    """Open items overdue and due within the next days, from one query, earliest first."""
    horizon = today + dt.timedelta(days=rules.DUE_SOON_DAYS)
    query = (
        WorkItem.select(*ITEM_COLUMNS)
        .where(WorkItem.is_open.eq(True), WorkItem.due_date.is_not_null())
        .where(WorkItem.due_date <= horizon)
        .order_by(WorkItem.due_date)
        .order_by(WorkItem.id)
    )
    mine = WorkItem.owner == user.id if mine_only else None
    of_kinds = WorkItem.kind.is_in(list(kinds)) if kinds else None
    lists: dict[str, list[dict]] = {"overdue": [], "due_soon": []}
    for row in _with_paths(await where_all(query, _scope(user), mine, of_kinds)):
        lists[rules.due_class(row["due_date"], today) or "due_soon"].append(row)
    return lists


async def list_items(user: CurrentUser, filters: dict[str, str], request: PageRequest) -> Page:
    clauses = [_scope(user)]
    if filters.get("kind"):
        clauses.append(WorkItem.kind == filters["kind"])
    if filters.get("state") == "open":
        clauses.append(WorkItem.is_open.eq(True))
    elif filters.get("state") == "closed":
        clauses.append(WorkItem.is_open.eq(False))
    if filters.get("mine") == "1":
        clauses.append(WorkItem.owner == user.id)
    query = where_all(
        WorkItem.select(*ITEM_COLUMNS)
        .order_by(WorkItem.is_open, ascending=False)
        .order_by(WorkItem.due_date)
        .order_by(WorkItem.id),
        *clauses,
    )
    async with read_transaction():
        page = await paginate(query, where_all(WorkItem.count(), *clauses), request)
    _with_paths(list(page.items))
    return page


async def items_for_subject(user: CurrentUser, subject_table: str, subject_id: int) -> list[dict]:
    query = WorkItem.select(*ITEM_COLUMNS).where(
        (WorkItem.subject_table == subject_table) & (WorkItem.subject_id == subject_id)
    )
    return _with_paths(await where_all(query, _scope(user)).order_by(WorkItem.due_date))


async def assignable_users() -> list[tuple[str, str]]:
    rows = (
        await User.select(User.id, User.display_name, User.username)
        .where(User.is_active.eq(True) & User.role.is_in(list(OWNER_ROLES)))
        .order_by(User.username)
    )
    return [(str(r["id"]), r["display_name"] or r["username"]) for r in rows]
