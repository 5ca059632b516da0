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

from incubator.applications import rules as application_rules
from incubator.applications.tables import Application, ApplicationFile
from incubator.center import rules as center_rules
from incubator.center import service as center
from incubator.core import audit, files
from incubator.core.auth import CurrentUser
from incubator.core.dates import add_months
from incubator.core.db import read_transaction, write_transaction
from incubator.core.errors import ServiceError
from incubator.core.i18n import N_, _, local_today, text
from incubator.core.locking import update_versioned
from incubator.core.scoping import NotVisible, where_all
from incubator.ground.tables import Organization
from incubator.notifications import service as notifications
from incubator.organizations import board_export, rules, transitions
from incubator.organizations.rules import Facts
from incubator.organizations.service import get_organization, organization_scope, record_event
from incubator.organizations.tables import (
    GraduationCheck,
    OrganizationEvent,
    OrganizationOutcome,
)
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
BLOCKING_KINDS = ("milestone", "report", "rectification")
RECTIFICATION_DAYS = 30


class PipelineError(ServiceError):
    """A refusal of this module's service (core.errors)."""


async def gather_facts(
    organization: dict,
    *,
    reason: str = "",
    has_attachment: bool = False,
    track: str | None = None,
    service_package: tuple[str, ...] = (),
) -> Facts:
    subject = (SUBJECT, organization["id"])
    screening = await scoring.submitted_summary(subject, "screening")
    midterm = await scoring.submitted_summary(subject, "midterm")
    graduation = await scoring.submitted_summary(subject, "graduation")
    agreement = await center.open_agreement(organization["id"])
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
        service_package=service_package,
        agreement_missing=center_rules.missing_for_signing(agreement),
        midterm_reviews=midterm["count"],
        midterm_band=midterm["band"],
        checklist_missing=rules.checklist_missing(
            organization["incubation_track"], await checklist_done(organization["id"])
        ),
    )


@dataclass(frozen=True)
class Attachment:
    """A file sent with a transition, stored only once the transition is allowed."""

    data: bytes
    name: str
    uploads_dir: Path
    max_bytes: int
    quota_bytes: int | None = None


async def transition(
    actor: CurrentUser,
    organization_id: int,
    version: int,
    code: str,
    reason: str = "",
    attachment: Attachment | None = None,
    track: str | None = None,
    services: tuple[str, ...] = (),
) -> str:
    """Makes the move or raises PipelineError saying what is missing; returns the new stage.

    Scope, role, stage and guards are checked before anything is written, the attachment
    included; the file, the stage, the timeline and the audit rows commit together.
    """
    async with files.discard_on_failure(), write_transaction():
        organization = await get_organization(actor, organization_id)
        if organization is None:
            raise NotVisible()
        rule = rules.BY_CODE.get(code)
        wants_file = rule is not None and rule.needs_attachment
        known = dict(center_rules.SERVICES)
        package = tuple(dict.fromkeys(s for s in services if s in known))
        facts = await gather_facts(
            organization,
            reason=reason,
            has_attachment=wants_file and attachment is not None,
            track=track,
            service_package=package,
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
                    quota_bytes=attachment.quota_bytes,
                )
            except files.UploadError as exc:
                raise PipelineError(str(exc)) from exc
            attachment_id = stored["id"]
        return await _move(
            actor, organization, version, code, reason, attachment_id, track, package
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
    package: tuple[str, ...] = (),
) -> str:
    """The writes of an allowed transition; the caller holds the transaction."""
    organization_id, stage = organization["id"], organization["stage"]
    target = rules.BY_CODE[code].target
    values: dict[str, Any] = {"stage": target, "stage_since": dt.datetime.now(dt.UTC)}
    if rules.BY_CODE[code].needs_track:
        values["incubation_track"] = track
        values["service_package"] = ",".join(package)
    await update_versioned(Organization, organization_id, version, values)
    reason = await transitions.run(
        transitions.Moved(actor, organization, code, stage, target, reason, attachment_id)
    )
    await record_event(actor, organization_id, code, stage, target, reason, attachment_id)
    await notifications.notify_organization(
        organization_id,
        _("{name}：{stage}").format(
            name=organization["name"], stage=text(rules.stage_label(target))
        ),
        "\n".join(
            part for part in (text(rules.STAGE_GUIDE.get(target, "")), reason.strip()) if part
        ),
        f"/organizations/{organization_id}",
    )
    await audit.record(
        actor,
        "organization",
        organization_id,
        code,
        before={"stage": stage},
        after={
            "stage": target,
            "reason": reason.strip(),
            "track": values.get("incubation_track"),
            "service_package": values.get("service_package"),
        },
    )
    return target


HANDOVER_DAYS = 15


@transitions.on("midterm_rectify")
async def _on_rectify(moved: transitions.Moved) -> None:
    await _plan_rectification(moved.actor, moved.organization, moved.reason)


@transitions.on("graduate")
async def _on_graduate(moved: transitions.Moved) -> None:
    await _plan_follow_ups(moved.actor, moved.organization)


@transitions.on("request_more")
async def _on_request_more(moved: transitions.Moved) -> None:
    await reopen_application(moved.organization["id"])


@transitions.on("terminate", "withdraw")
async def _on_exit(moved: transitions.Moved) -> None:
    if moved.source in rules.HOUSED_STAGES:
        await _plan_handover(moved.actor, moved.organization)


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


async def _plan_rectification(actor: CurrentUser, organization: dict, reason: str) -> None:
    """限期整改 after the mid-term review: graduation waits until it is put right."""
    await workitems.create_item(
        actor,
        kind="rectification",
        title=_("{name}中期评估整改").format(name=organization["name"]),
        due_date=local_today() + dt.timedelta(days=RECTIFICATION_DAYS),
        owner_id=actor.id,
        subject=(SUBJECT, organization["id"]),
        community_id=organization["community"],
        organization_id=organization["id"],
        note=reason,
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
        raise NotVisible()
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
            due_date=add_months(today, months),
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
    clauses = await board_export.board_clauses(user, filters)
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
    """A consultation, interview or site visit on the timeline."""
    if kind not in dict(rules.NOTE_KINDS):
        raise PipelineError(_("请选择记录类型"))
    if not text.strip():
        raise PipelineError(_("请填写记录内容"))
    async with write_transaction():
        organization = await get_organization(actor, organization_id)
        if organization is None:
            raise NotVisible()
        stage = organization["stage"]
        await record_event(actor, organization_id, kind, stage, stage, text[:5000])
        await audit.record(actor, "organization", organization_id, "note", after={"kind": kind})


async def record_outcome(actor: CurrentUser, organization_id: int, data: dict) -> None:
    """How a graduated organization is doing at a visit; kept as a series, never overwritten."""
    async with write_transaction():
        organization = await get_organization(actor, organization_id)
        if organization is None:
            raise NotVisible()
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


async def checklist_done(organization_id: int) -> set[str]:
    rows = await GraduationCheck.select(GraduationCheck.item).where(
        GraduationCheck.organization == organization_id
    )
    return {r["item"] for r in rows}


async def checklist(organization: dict) -> list[dict]:
    """The graduation checklist for this organization's track, with who ticked what."""
    ticks = {
        r["item"]: r
        for r in await GraduationCheck.select(
            GraduationCheck.item,
            GraduationCheck.note,
            GraduationCheck.checked_at,
            GraduationCheck.checked_by.display_name.as_alias("checked_by_name"),
        ).where(GraduationCheck.organization == organization["id"])
    }
    return [
        {"code": code, "label": label, "tick": ticks.get(code)}
        for code, label in rules.checklist_for(organization["incubation_track"])
    ]


async def set_check(
    actor: CurrentUser, organization_id: int, item: str, done: bool, note: str = ""
) -> None:
    """Ticks (or unticks) one item of the graduation checklist."""
    async with write_transaction():
        organization = await get_organization(actor, organization_id)
        if organization is None:
            raise NotVisible()
        if organization["stage"] not in rules.CHECKLIST_STAGES:
            raise PipelineError(_("出壳清单在孵化和出壳评估阶段填写"))
        if item not in dict(rules.checklist_for(organization["incubation_track"])):
            raise PipelineError(_("未知的清单项目"))
        where = (GraduationCheck.organization == organization_id) & (GraduationCheck.item == item)
        exists = await GraduationCheck.exists().where(where)
        if done and not exists:
            await GraduationCheck.insert(
                GraduationCheck(
                    organization=organization_id,
                    item=item,
                    note=note.strip()[:255],
                    checked_by=actor.id,
                )
            )
        elif not done and exists:
            await GraduationCheck.delete().where(where)
        else:
            return
        await audit.record(
            actor,
            "organization",
            organization_id,
            "checklist",
            after={"item": item, "done": done, "note": note.strip()[:255]},
        )


async def documents(organization_id: int) -> list[dict]:
    """Every document of the organization in one list: application papers, the agreement scan
    and files attached to pipeline steps, each with what it is."""
    labels = dict(application_rules.DOCUMENTS)
    papers = await ApplicationFile.select(
        ApplicationFile.document,
        ApplicationFile.file,
        ApplicationFile.file.original_name.as_alias("name"),
    ).where(
        (ApplicationFile.application.organization == organization_id)
        & ApplicationFile.is_current.eq(True)
    )
    found = [
        {"file": p["file"], "name": p["name"], "label": labels.get(p["document"], p["document"])}
        for p in papers
    ]
    agreement = await center.current_agreement(organization_id)
    if agreement and agreement["scan"]:
        found.append(
            {"file": agreement["scan"], "name": agreement["scan_name"], "label": N_("入驻协议")}
        )
    seen = {d["file"] for d in found}
    for event in await timeline(organization_id):
        if event["attachment"] and event["attachment"] not in seen:
            seen.add(event["attachment"])
            found.append(
                {
                    "file": event["attachment"],
                    "name": event["attachment_name"],
                    "label": rules.BY_CODE[event["action"]].label
                    if event["action"] in rules.BY_CODE
                    else N_("附件"),
                }
            )
    return found
