"""Assessors' reviews: who scores which organization on which rubric, and their score sheets.

A review assignment is a work item (kinds *_review) owned by the assessor; the scores live in the
scoring engine's sheets. Staff assign; an assessor scores, submits or recuses on their own items.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from incubator.core.auth import CurrentUser
from incubator.core.db import lock_rows, read_transaction, write_transaction
from incubator.core.errors import ServiceError
from incubator.core.i18n import _, text
from incubator.core.roles import ADMIN, ASSESSOR, STAFF
from incubator.core.scoping import NotVisible, where_all
from incubator.ground.tables import Organization, User
from incubator.organizations import rules as org_rules
from incubator.organizations.service import get_organization, organization_scope
from incubator.scoring import service as scoring
from incubator.workitems import rules as workitem_rules
from incubator.workitems import service as workitems
from incubator.workitems.tables import WorkItem

SUBJECT = "organization"
# The stage an organization is in decides what the panel scores.
STAGE_REVIEWS = {
    "screening": ("screening_review", "screening"),
    # 组织诊断 at entry: the baseline that graduation is compared with.
    "entry": ("diagnosis_review", "diagnosis"),
    "incubation": ("midterm_review", "midterm"),
    "graduation": ("graduation_review", "graduation"),
}
RUBRIC_OF_KIND = {kind: rubric for kind, rubric in STAGE_REVIEWS.values()}
REVIEW_KINDS = tuple(RUBRIC_OF_KIND)


class ReviewError(ServiceError):
    """A refusal of this module's service (core.errors)."""


async def assessors() -> list[dict]:
    return (
        await User.select(User.id, User.display_name, User.username)
        .where(User.is_active.eq(True) & (User.role == ASSESSOR))
        .order_by(User.username)
    )


async def check_assessors(assessor_ids: list[int]) -> None:
    if not assessor_ids:
        raise ReviewError(_("请至少选择一位评审"))
    if set(assessor_ids) - {a["id"] for a in await assessors()}:
        raise ReviewError(_("所选评审不存在或已停用"))


@dataclass(frozen=True)
class Assigned:
    """What an assignment did: new review items, and pairs skipped as already assigned."""

    created: int
    skipped: int


async def assign(
    actor: CurrentUser, organization_id: int, assessor_ids: list[int], due_date: dt.date | None
) -> int:
    """Assigns assessors to the review the organization's stage calls for; returns how many
    new assignments were made (someone already assigned is not assigned twice)."""
    return (await assign_many(actor, [organization_id], assessor_ids, due_date)).created


async def assign_many(
    actor: CurrentUser,
    organization_ids: list[int],
    assessor_ids: list[int],
    due_date: dt.date | None,
    *,
    stage: str | None = None,
) -> Assigned:
    """Every chosen assessor to every chosen organization, all or nothing, in one transaction.

    Each organization gets the review its stage calls for; with `stage`, every organization must
    still be in that stage. The first organization that cannot be assigned (gone, out of scope,
    moved on) raises ReviewError naming it, and nothing at all is written.
    """
    organization_ids = list(dict.fromkeys(organization_ids))
    assessor_ids = list(dict.fromkeys(assessor_ids))
    if not organization_ids:
        raise ReviewError(_("请至少选择一个社会组织"))
    if not assessor_ids:
        raise ReviewError(_("请至少选择一位评审"))
    created = skipped = 0
    async with write_transaction():
        # Two staff assigning at once must not both pass the already-assigned check.
        await lock_rows(Organization, organization_ids)
        await check_assessors(assessor_ids)
        for organization_id in organization_ids:
            organization = await get_organization(actor, organization_id)
            if organization is None:
                raise ReviewError(_("社会组织不存在（编号 {id}）").format(id=organization_id))
            made = await _assign_one(actor, organization, assessor_ids, due_date, stage)
            created += made
            skipped += len(assessor_ids) - made
    return Assigned(created=created, skipped=skipped)


async def _assign_one(
    actor: CurrentUser,
    organization: dict,
    assessor_ids: list[int],
    due_date: dt.date | None,
    stage: str | None,
) -> int:
    """The review items of one organization, inside the caller's transaction."""
    name, current = organization["name"], organization["stage"]
    if stage is not None and current != stage:
        raise ReviewError(
            _("“{name}”已不在“{stage}”阶段（现为“{current}”）").format(
                name=name,
                stage=text(org_rules.stage_label(stage)),
                current=text(org_rules.stage_label(current)),
            )
        )
    if current not in STAGE_REVIEWS:
        raise ReviewError(_("“{name}”当前阶段不需要评审").format(name=name))
    kind, _rubric = STAGE_REVIEWS[current]
    try:
        return await assign_reviewers(
            actor,
            kind,
            (SUBJECT, organization["id"]),
            assessor_ids,
            due_date,
            title=_("{name}：{review}").format(name=name, review=text(_kind_label(kind))),
            community_id=organization["community"],
            organization_id=organization["id"],
        )
    except workitems.WorkItemError as exc:
        raise ReviewError(_("“{name}”：{error}").format(name=name, error=exc.message)) from exc


async def assign_reviewers(
    actor: CurrentUser,
    kind: str,
    subject: tuple[str, int],
    assessor_ids: list[int],
    due_date: dt.date | None,
    *,
    title: str,
    community_id: int | None,
    organization_id: int | None,
) -> int:
    """Review items of one kind on one subject, owned by the assessors, inside the caller's
    transaction; returns how many were made (someone already assigned is skipped)."""
    existing = await _assigned_owners(kind, subject)
    created = 0
    for assessor_id in assessor_ids:
        if assessor_id in existing:
            continue
        await workitems.create_item(
            actor,
            kind=kind,
            title=title,
            due_date=due_date,
            owner_id=assessor_id,
            subject=subject,
            community_id=community_id,
            organization_id=organization_id,
            owner_roles=(ASSESSOR,),
        )
        created += 1
    return created


def _of_subject(kind: str, subject: tuple[str, int]) -> Any:
    return (
        (WorkItem.kind == kind)
        & (WorkItem.subject_table == subject[0])
        & (WorkItem.subject_id == subject[1])
    )


async def _assigned_owners(kind: str, subject: tuple[str, int]) -> set[int]:
    """Who already holds a review of this kind on the subject (cancelled ones aside)."""
    return {
        r["owner"]
        for r in await WorkItem.select(WorkItem.owner).where(
            _of_subject(kind, subject) & (WorkItem.status != "cancelled")
        )
    }


async def assignment(user: CurrentUser, kind: str, subject: tuple[str, int]) -> dict | None:
    """The user's own review of this kind on the subject, unless it was cancelled or they
    recused: what lets an assessor open and score its sheet."""
    return (
        await WorkItem.select(*workitems.ITEM_COLUMNS)
        .where(
            _of_subject(kind, subject)
            & (WorkItem.owner == user.id)
            & WorkItem.status.is_in(["assigned", "submitted"])
        )
        .order_by(WorkItem.id, ascending=False)
        .first()
    )


async def screening_queue(user: CurrentUser) -> list[dict]:
    """Organizations in screening, longest waiting first, with the assessors already assigned."""
    kind, _rubric = STAGE_REVIEWS["screening"]
    async with read_transaction():
        rows = await where_all(
            Organization.select(
                Organization.id,
                Organization.name,
                Organization.stage_since,
                Organization.community.name.as_alias("community_name"),
            )
            .where((Organization.stage == "screening") & Organization.is_archived.eq(False))
            .order_by(Organization.stage_since)
            .order_by(Organization.id),
            organization_scope(user),
        )
        ids = [r["id"] for r in rows]
        items = (
            await WorkItem.select(
                WorkItem.subject_id,
                WorkItem.status,
                WorkItem.owner.display_name.as_alias("owner_name"),
                WorkItem.owner.username.as_alias("owner_username"),
            )
            .where(
                (WorkItem.kind == kind)
                & (WorkItem.subject_table == SUBJECT)
                & WorkItem.subject_id.is_in(ids or [-1])
                & (WorkItem.status != "cancelled")
            )
            .order_by(WorkItem.id)
        )
    reviewers: dict[int, list[dict]] = {}
    for item in items:
        reviewers.setdefault(item["subject_id"], []).append(
            {"name": item["owner_name"] or item["owner_username"], "status": item["status"]}
        )
    return [
        {
            **r,
            "reviewers": reviewers.get(r["id"], []),
            # Recused assessors no longer count towards the panel.
            "active": sum(1 for x in reviewers.get(r["id"], []) if x["status"] != "recused"),
        }
        for r in rows
    ]


def _kind_label(kind: str) -> str:
    return workitem_rules.kind(kind).label


async def reviews_for(user: CurrentUser, organization_id: int | None = None) -> list[dict]:
    """Review assignments: an assessor sees their own, staff and admins all of them."""
    query = WorkItem.select(*workitems.ITEM_COLUMNS).where(WorkItem.kind.is_in(list(REVIEW_KINDS)))
    if user.role == ASSESSOR:
        query = query.where(WorkItem.owner == user.id)
    elif user.role not in (ADMIN, STAFF):
        return []
    if organization_id is not None:
        query = query.where(
            (WorkItem.subject_table == SUBJECT) & (WorkItem.subject_id == organization_id)
        )
    return await query.order_by(WorkItem.is_open, ascending=False).order_by(WorkItem.due_date)


async def _own_item(user: CurrentUser, item_id: int) -> dict:
    item = await workitems.get_item(user, item_id)
    if item is None or item["kind"] not in REVIEW_KINDS:
        raise NotVisible()
    if user.role == ASSESSOR and item["owner"] != user.id:
        raise NotVisible()
    return item


async def review(user: CurrentUser, item_id: int) -> dict[str, Any]:
    """Everything the scoring page shows. The assessor's own sheet is blank until first saved."""
    item = await _own_item(user, item_id)
    rubric = await scoring.current_rubric(RUBRIC_OF_KIND[item["kind"]])
    assert rubric is not None
    sheet = None
    if item["owner"] == user.id:
        sheet = await scoring.find_sheet(user, rubric["id"], (SUBJECT, item["subject_id"]))
    panel = await scoring.sheets_for_subject(user, (SUBJECT, item["subject_id"]), rubric["code"])
    return {"item": item, "rubric": rubric, "sheet": sheet, "panel": panel}


async def save(
    user: CurrentUser,
    item_id: int,
    sheet_version: int,
    points: dict[str, float | None],
    comments: dict[str, str],
    comment: str,
    submit: bool,
) -> float:
    item = await _own_item(user, item_id)
    if item["owner"] != user.id:
        raise ReviewError(_("只能填写自己的评分"))
    if item["status"] != "assigned":
        raise ReviewError(_("该评审任务已结束"))
    rubric = await scoring.current_rubric(RUBRIC_OF_KIND[item["kind"]])
    assert rubric is not None
    async with write_transaction():
        # Made on the first save, in its transaction: a refused save leaves no sheet behind.
        sheet_id = await scoring.open_sheet(user, rubric["id"], (SUBJECT, item["subject_id"]))
        try:
            total = await scoring.save_sheet(
                user, sheet_id, sheet_version, points, comments, comment, submit
            )
        except scoring.ScoringError as exc:
            raise ReviewError(exc.message, details=exc.details) from exc
        if submit:
            # No score in the note: the timeline is not where totals are shown.
            await workitems.move(user, item_id, item["version"], "submitted")
    return total


async def recuse(user: CurrentUser, item_id: int, version: int, reason: str) -> None:
    """Conflict of interest: the assessor steps back, with the reason on the timeline."""
    item = await _own_item(user, item_id)
    if item["owner"] != user.id:
        raise ReviewError(_("只能对自己的评审任务申请回避"))
    if not reason.strip():
        raise ReviewError(_("请说明回避的原因（利益冲突情况）"))
    try:
        await workitems.move(user, item_id, version, "recused", reason.strip())
    except workitems.WorkItemError as exc:  # e.g. the sheet was already submitted
        raise ReviewError(exc.message) from exc


async def score_history(user: CurrentUser, organization_id: int) -> list[dict]:
    """The panel mean of every rubric the organization was scored on, in pipeline order:
    the entry diagnosis next to the graduation assessment shows how far it came.

    Staff and admins see them all; an assessor only those they submitted a sheet on."""
    if user.role not in (ADMIN, STAFF, ASSESSOR):
        return []
    subject = (SUBJECT, organization_id)
    history = []
    for kind, rubric_code in STAGE_REVIEWS.values():
        if user.role == ASSESSOR and not await scoring.has_submitted(user, subject, rubric_code):
            continue
        summary = await scoring.submitted_summary(subject, rubric_code)
        if summary["count"]:
            history.append({"label": _kind_label(kind), **summary})
    return history
