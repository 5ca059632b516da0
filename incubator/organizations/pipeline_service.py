"""The incubation pipeline: move an organization between stages, keep its timeline.

Every move is checked by the rules in organizations/rules.py against facts gathered here, made
with a version check (two staff at once: one wins), written to the timeline and the audit log
in one transaction, and may start work items (follow-up visits after graduation).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from piccolo.query.functions.aggregate import Count

from incubator.applications.tables import Application
from incubator.core import audit, files
from incubator.core.auth import CurrentUser
from incubator.core.db import read_transaction, write_transaction
from incubator.core.http import int_or_none
from incubator.core.i18n import LOCAL_TZ, N_, _, local_today
from incubator.core.locking import update_versioned
from incubator.core.scoping import where_all
from incubator.notifications import service as notifications
from incubator.organizations import rules
from incubator.organizations.rules import Facts
from incubator.organizations.service import get_organization, organization_scope
from incubator.organizations.tables import Organization
from incubator.organizations.timeline import OrganizationEvent, OrganizationOutcome
from incubator.scoring import service as scoring
from incubator.workitems import service as workitems
from incubator.workitems.tables import WorkItem

SUBJECT = "organization"
# What an application needs in the profile before screening: (column, label).
APPLICATION_FIELDS = (
    ("legal_representative", N_("负责人")),
    ("contact_phone", N_("联系电话")),
    ("address", N_("地址")),
    ("description", N_("组织简介")),
)
BLOCKING_KINDS = ("milestone", "report")


class PipelineError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def gather_facts(
    organization: dict,
    *,
    reason: str = "",
    has_attachment: bool = False,
    track: str | None = None,
) -> Facts:
    subject = (SUBJECT, organization["id"])
    screening = await scoring.submitted_summary(subject, "screening")
    graduation = await scoring.submitted_summary(subject, "graduation")
    blocking = await WorkItem.count().where(
        (WorkItem.subject_table == SUBJECT)
        & (WorkItem.subject_id == organization["id"])
        & WorkItem.is_open.eq(True)
        & WorkItem.kind.is_in(list(BLOCKING_KINDS))
    )
    return Facts(
        profile_missing=tuple(
            label for column, label in APPLICATION_FIELDS if not organization.get(column)
        ),
        screening_reviews=screening["count"],
        screening_band=screening["band"],
        graduation_reviews=graduation["count"],
        graduation_band=graduation["band"],
        open_blocking_items=blocking,
        has_attachment=has_attachment,
        has_reason=bool(reason.strip()),
        track=track,
    )


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


@dataclass(frozen=True)
class Attachment:
    """A file sent with a transition, stored only once the transition is allowed."""

    data: bytes
    name: str
    uploads_dir: Path
    max_bytes: int


async def transition(
    actor: CurrentUser,
    organization_id: int,
    version: int,
    code: str,
    reason: str = "",
    attachment: Attachment | None = None,
    track: str | None = None,
) -> str:
    """Makes the move or raises PipelineError saying what is missing; returns the new stage.

    Scope, role, stage and guards are checked before anything is written, the attachment
    included; the file, the stage, the timeline and the audit rows commit together.
    """
    stored_path: Path | None = None
    try:
        async with write_transaction():
            organization = await get_organization(actor, organization_id)
            if organization is None:
                raise PipelineError(_("社会组织不存在"))
            rule = rules.BY_CODE.get(code)
            wants_file = rule is not None and rule.needs_attachment
            facts = await gather_facts(
                organization,
                reason=reason,
                has_attachment=wants_file and attachment is not None,
                track=track,
            )
            if error := rules.transition_error(organization["stage"], code, actor.role, facts):
                raise PipelineError(error)
            attachment_id = None
            if wants_file and attachment is not None:
                try:
                    stored = await files.store_upload(
                        uploads_dir=attachment.uploads_dir,
                        max_bytes=attachment.max_bytes,
                        data=attachment.data,
                        original_name=attachment.name,
                        actor=actor,
                        allowed=(files.PDF, files.JPEG, files.PNG),
                        organization_id=organization_id,
                    )
                except files.UploadError as exc:
                    raise PipelineError(_(str(exc))) from exc
                attachment_id = stored["id"]
                stored_path = files.storage_path(attachment.uploads_dir, stored["storage_name"])
            return await _move(actor, organization, version, code, reason, attachment_id, track)
    except Exception:
        if stored_path is not None:
            stored_path.unlink(missing_ok=True)
        raise


async def _timeline(
    actor: CurrentUser,
    organization_id: int,
    action: str,
    from_stage: str | None,
    to_stage: str | None,
    text: str,
    attachment_id: int | None = None,
) -> None:
    """One entry on the organization's timeline: who, when, what, from and to, why."""
    await OrganizationEvent.insert(
        OrganizationEvent(
            organization=organization_id,
            actor=actor.id,
            actor_name=actor.name,
            action=action,
            from_stage=from_stage,
            to_stage=to_stage,
            reason=text.strip(),
            attachment=attachment_id,
        )
    )


async def move_now(actor: CurrentUser, organization: dict, code: str, reason: str) -> str:
    """A step another service has already checked, inside that service's transaction (the
    organization's current version is used: the caller holds the write lock)."""
    current = (
        await Organization.select(Organization.version)
        .where(Organization.id == organization["id"])
        .first()
    )
    return await _move(actor, organization, current["version"], code, reason, None)


async def _move(
    actor: CurrentUser,
    organization: dict,
    version: int,
    code: str,
    reason: str,
    attachment_id: int | None,
    track: str | None = None,
) -> str:
    """The writes of an allowed transition; the caller holds the transaction."""
    organization_id, stage = organization["id"], organization["stage"]
    target = rules.BY_CODE[code].target
    values: dict[str, Any] = {"stage": target, "stage_since": dt.datetime.now(dt.UTC)}
    if rules.BY_CODE[code].needs_track:
        values["incubation_track"] = track
    await update_versioned(Organization, organization_id, version, values)
    await _timeline(actor, organization_id, code, stage, target, reason, attachment_id)
    if code == "graduate":
        await _plan_follow_ups(actor, organization)
    if code == "request_more":
        await reopen_application(organization_id)
    if code in ("terminate", "withdraw") and stage in ("entry", "incubation", "graduation"):
        await _plan_handover(actor, organization)
    await notifications.notify_organization(
        organization_id,
        _("{name}：{stage}").format(name=organization["name"], stage=_(rules.stage_label(target))),
        "\n".join(part for part in (_(rules.STAGE_GUIDE.get(target, "")), reason.strip()) if part),
        f"/organizations/{organization_id}",
    )
    await audit.record(
        actor,
        "organization",
        organization_id,
        code,
        before={"stage": stage},
        after={"stage": target, "reason": reason.strip(), "track": values.get("incubation_track")},
    )
    return target


HANDOVER_DAYS = 15


async def _plan_handover(actor: CurrentUser, organization: dict) -> None:
    """退驻: the space, keys and records are handed back within 15 days."""
    await workitems.create_item(
        actor,
        kind="report",
        title=_("{name}退驻交接").format(name=organization["name"]),
        due_date=local_today() + dt.timedelta(days=HANDOVER_DAYS),
        owner_id=actor.id,
        subject=(SUBJECT, organization["id"]),
        community_id=organization["community"],
        organization_id=organization["id"],
    )


# The items staff plan for an organization from its page.
PLANNED_KINDS = ("milestone", "report", "registration_assist", "follow_up")


async def plan_item(
    actor: CurrentUser, organization_id: int, kind: str, title: str, due_date: dt.date | None
) -> int:
    if kind not in PLANNED_KINDS:
        raise PipelineError(_("未知的事项类型"))
    organization = await get_organization(actor, organization_id)
    if organization is None:
        raise PipelineError(_("社会组织不存在"))
    try:
        return await workitems.create_item(
            actor,
            kind=kind,
            title=title,
            due_date=due_date,
            owner_id=actor.id,
            subject=(SUBJECT, organization_id),
            community_id=organization["community"],
            organization_id=organization_id,
        )
    except workitems.WorkItemError as exc:
        raise PipelineError(exc.message) from exc


async def _plan_follow_ups(actor: CurrentUser, organization: dict) -> None:
    """Follow-up visits at +3, +6 and +12 months after graduation, as work items."""
    today = local_today()
    for months in rules.FOLLOW_UP_MONTHS:
        await workitems.create_item(
            actor,
            kind="follow_up",
            title=_("{name}出壳后 {n} 个月回访").format(name=organization["name"], n=months),
            due_date=_add_months(today, months),
            owner_id=actor.id,
            subject=(SUBJECT, organization["id"]),
            community_id=organization["community"],
            organization_id=organization["id"],
        )


async def timeline(organization_id: int) -> list[dict]:
    return (
        await OrganizationEvent.select(
            OrganizationEvent.id,
            OrganizationEvent.at,
            OrganizationEvent.actor_name,
            OrganizationEvent.action,
            OrganizationEvent.from_stage,
            OrganizationEvent.to_stage,
            OrganizationEvent.reason,
            OrganizationEvent.attachment,
            OrganizationEvent.attachment.original_name.as_alias("attachment_name"),
        )
        .where(OrganizationEvent.organization == organization_id)
        .order_by(OrganizationEvent.id)
    )


BOARD_CARDS_PER_STAGE = 60


async def board(user: CurrentUser, filters: dict[str, str]) -> list[dict[str, Any]]:
    """One column per stage and exit: its count and the most recently moved cards."""
    clauses = [
        organization_scope(user),
        Organization.stage.is_not_null(),
        Organization.is_archived.eq(False),
    ]
    if (community := filters.get("community", "")).isdigit():
        clauses.append(Organization.community == int(community))
    if filters.get("service_field"):
        clauses.append(Organization.service_field == filters["service_field"])
    round_id = int_or_none(filters.get("round"))
    if round_id is not None:
        in_round = await Application.select(Application.organization).where(
            Application.round == round_id
        )
        clauses.append(Organization.id.is_in([r["organization"] for r in in_round] or [-1]))
    year = int_or_none(filters.get("year"))
    if year is not None and 2000 <= year <= 2100:
        start = dt.datetime(year, 1, 1, tzinfo=LOCAL_TZ)
        clauses.append(
            (Organization.stage_since >= start)
            & (Organization.stage_since < start.replace(year=year + 1))
        )
    card_columns = (
        Organization.id,
        Organization.name,
        Organization.stage,
        Organization.stage_since,
        Organization.service_field,
        Organization.community.name.as_alias("community_name"),
    )
    async with read_transaction():
        counts = {
            r["stage"]: r["n"]
            for r in await where_all(
                Organization.select(Organization.stage, Count(Organization.id, alias="n")),
                *clauses,
            ).group_by(Organization.stage)
        }
        cards = {
            code: await where_all(
                Organization.select(*card_columns)
                .where(Organization.stage == code)
                .order_by(Organization.stage_since, ascending=False)
                .limit(BOARD_CARDS_PER_STAGE),
                *clauses,
            )
            for code in counts
        }
    return [
        {"code": code, "label": label, "count": counts.get(code, 0), "cards": cards.get(code, [])}
        for code, label in rules.ALL_STATES
    ]


async def waiting_for_screening(user: CurrentUser) -> list[dict]:
    """Organizations in screening with fewer submitted panel reviews than admission needs."""
    rows = await where_all(
        Organization.select(
            Organization.id,
            Organization.name,
            Organization.stage_since,
            Organization.community.name.as_alias("community_name"),
        )
        .where(Organization.stage == "screening")
        .order_by(Organization.stage_since),
        organization_scope(user),
    )
    waiting = []
    for row in rows:
        summary = await scoring.submitted_summary((SUBJECT, row["id"]), "screening")
        if summary["count"] < rules.MIN_SCREENING_REVIEWS:
            waiting.append({**row, "reviews": summary["count"]})
    return waiting


async def reopen_application(organization_id: int) -> None:
    """待补材料: the submitted application becomes a draft again for the applicant to complete."""
    latest = (
        await Application.select(Application.id)
        .where(Application.organization == organization_id)
        .order_by(Application.id, ascending=False)
        .first()
    )
    if latest:
        await Application.update(
            {Application.status: "draft", Application.version: Application.version + 1}
        ).where(Application.id == latest["id"])


async def add_note(actor: CurrentUser, organization_id: int, kind: str, text: str) -> None:
    """A consultation, interview, site visit or coaching session on the timeline."""
    if kind not in dict(rules.NOTE_KINDS):
        raise PipelineError(_("请选择记录类型"))
    if not text.strip():
        raise PipelineError(_("请填写记录内容"))
    async with write_transaction():
        organization = await get_organization(actor, organization_id)
        if organization is None:
            raise PipelineError(_("社会组织不存在"))
        stage = organization["stage"]
        await _timeline(actor, organization_id, kind, stage, stage, text[:5000])
        await audit.record(actor, "organization", organization_id, "note", after={"kind": kind})


async def record_outcome(actor: CurrentUser, organization_id: int, data: dict) -> None:
    """How a graduated organization is doing at a visit; kept as a series, never overwritten."""
    async with write_transaction():
        organization = await get_organization(actor, organization_id)
        if organization is None:
            raise PipelineError(_("社会组织不存在"))
        if organization["stage"] != "follow_up":
            raise PipelineError(_("出壳后的跟踪辅导阶段才记录发展情况"))
        row = {
            "organization": organization_id,
            "recorded_on": data["recorded_on"],
            "registration_status": data["registration_status"],
            "grade": data.get("grade") or "",
            "government_contracts": data.get("government_contracts") or 0,
            "staff_count": data.get("staff_count") or 0,
            "volunteers_count": data.get("volunteers_count") or 0,
            "note": data.get("note") or "",
            "recorded_by": actor.id,
        }
        await OrganizationOutcome.insert(OrganizationOutcome(**row))
        await audit.record(actor, "organization", organization_id, "outcome", after=row)


async def outcomes(organization_id: int) -> list[dict]:
    return (
        await OrganizationOutcome.select()
        .where(OrganizationOutcome.organization == organization_id)
        .order_by(OrganizationOutcome.recorded_on)
    )
