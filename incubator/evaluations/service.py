"""The grade register: evaluations, their indicator scores, downgrades, compliance facts,
eligibility lists and the plan's participation figures."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from incubator.core import audit, files
from incubator.core.auth import CurrentUser
from incubator.core.dates import add_months
from incubator.core.db import lock_rows, read_transaction, write_transaction
from incubator.core.errors import ServiceError
from incubator.core.i18n import N_, _, local_today, text
from incubator.core.locking import update_versioned
from incubator.core.roles import ADMIN, APPLICANT, ASSESSOR, COMMUNITY, STAFF
from incubator.core.scoping import row_id, scope_filter, where_all
from incubator.evaluations import rules
from incubator.evaluations.rules import Standing
from incubator.evaluations.tables import ComplianceRecord, Evaluation
from incubator.ground.tables import Community, Organization
from incubator.organizations.service import get_organization
from incubator.reviews import service as reviews
from incubator.scoring import rules as scoring_rules
from incubator.scoring import service as scoring
from incubator.workitems import rules as workitem_rules
from incubator.workitems import service as workitems

SUBJECT = "evaluation"
# Assessors score an evaluation's panel sheet only when assigned: a review item of this kind.
REVIEW_KIND = workitem_rules.EVALUATION_REVIEW.code
audit.label_tables({"evaluation": N_("评估等级"), "compliance_record": N_("年检与处罚记录")})
audit.label_actions({"downgrade": N_("降级")})


class EvaluationError(ServiceError):
    """A refusal of this module's service (core.errors)."""


EVALUATION_COLUMNS = (
    *Evaluation.all_columns(),
    Evaluation.organization.name.as_alias("organization_name"),
    Evaluation.organization.community.as_alias("community_id"),
    Evaluation.organization.community.name.as_alias("community_name"),
    Evaluation.organization.org_type.as_alias("org_type"),
    Evaluation.certificate_scan.original_name.as_alias("certificate_name"),
    Evaluation.plaque_scan.original_name.as_alias("plaque_name"),
)


def evaluation_scope(user: CurrentUser) -> Any:
    return scope_filter(
        user,
        community=Evaluation.organization.community,
        organization=Evaluation.organization,
    )


def _with_status(row: dict, today: dt.date) -> dict:
    return {**row, "status": rules.status_of(row, today)}


async def register(user: CurrentUser, filters: dict[str, str]) -> list[dict]:
    """The grade register: every evaluation in scope, newest first, filtered."""
    today = local_today()
    query = Evaluation.select(*EVALUATION_COLUMNS).order_by(
        Evaluation.evaluated_on, ascending=False
    )
    if (community := row_id(filters.get("community"))) is not None:
        query = query.where(Evaluation.organization.community == community)
    if (grade := filters.get("grade")) in dict(rules.GRADE_CHOICES):
        query = query.where(Evaluation.grade == ("" if grade == "none" else grade))
    year = filters.get("year", "")
    if year.isascii() and year.isdigit() and 2000 <= int(year) <= 2100:
        query = query.where(
            (Evaluation.evaluated_on >= dt.date(int(year), 1, 1))
            & (Evaluation.evaluated_on <= dt.date(int(year), 12, 31))
        )
    rows = [_with_status(r, today) for r in await where_all(query, evaluation_scope(user))]
    if (status := filters.get("status")) in dict(rules.STATUSES):
        rows = [r for r in rows if r["status"] == status]
    return rows


async def evaluations_of(organization_id: int) -> list[dict]:
    today = local_today()
    rows = (
        await Evaluation.select(*EVALUATION_COLUMNS)
        .where(Evaluation.organization == organization_id)
        .order_by(Evaluation.evaluated_on, ascending=False)
    )
    return [_with_status(r, today) for r in rows]


async def get_evaluation(user: CurrentUser, evaluation_id: int) -> dict | None:
    row = await where_all(
        Evaluation.select(*EVALUATION_COLUMNS).where(Evaluation.id == evaluation_id),
        evaluation_scope(user),
    ).first()
    return _with_status(row, local_today()) if row else None


async def _rubric_for(org_type: str) -> dict | None:
    code = rules.RUBRIC_OF_TYPE.get(org_type)
    return await scoring.current_rubric(code) if code else None


async def grade_for_total(org_type: str, total: Decimal | float | None) -> str | None:
    """The grade the type's rubric bands give a total (bands are editable per locality)."""
    rubric = await _rubric_for(org_type)
    if rubric is None or total is None:
        return None
    band = scoring_rules.band_for(float(total), rubric["bands"])
    return band.result if band else None


async def record(actor: CurrentUser, organization_id: int, data: dict) -> int:
    """Enters one evaluation result. The grade, when left empty, comes from the score bands."""
    async with write_transaction():
        organization = await get_organization(actor, organization_id)
        if organization is None:
            raise EvaluationError(_("社会组织不存在"))
        if organization["org_type"] not in rules.GRADABLE_TYPES:
            message = _("社区社会组织不参加等级评估")
            raise EvaluationError(message, {"grade": message})
        evaluated_on = data["evaluated_on"]
        if evaluated_on > local_today():
            raise EvaluationError(
                _("评估日期不能晚于今天"), {"evaluated_on": _("评估日期不能晚于今天")}
            )
        grade = data.get("grade")
        total = data.get("total_score")
        if grade is None:
            grade = await grade_for_total(organization["org_type"], total)
            if grade is None:
                message = _("请选择评估等级，或填写总分由评分档次得出等级")
                raise EvaluationError(message, {"grade": message})
        values = {
            "organization": organization_id,
            "grade": "" if grade == "none" else grade,
            "total_score": total,
            "evaluated_on": evaluated_on,
            "valid_until": rules.valid_until(evaluated_on),
            "body": data.get("body") or "",
            "certificate_no": data.get("certificate_no") or "",
            "note": data.get("note") or "",
            "recorded_by": actor.id,
        }
        rows = await Evaluation.insert(Evaluation(**values)).returning(Evaluation.id)
        evaluation_id = rows[0]["id"]
        await audit.record(actor, "evaluation", evaluation_id, "create", after=values)
    return evaluation_id


async def attach_scan(
    actor: CurrentUser,
    evaluation_id: int,
    which: str,
    data: bytes,
    name: str,
    uploads_dir: Path,
    max_bytes: int,
) -> None:
    """The certificate (证书) or plaque (牌匾) scan of an evaluation."""
    if which not in ("certificate_scan", "plaque_scan"):
        raise EvaluationError(_("未知的附件类型"))
    async with files.discard_on_failure(), write_transaction():
        evaluation = await get_evaluation(actor, evaluation_id)
        if evaluation is None:
            raise EvaluationError(_("评估记录不存在"))
        try:
            stored = await files.store_upload(
                uploads_dir=uploads_dir,
                max_bytes=max_bytes,
                data=data,
                original_name=name,
                actor=actor,
                allowed=(files.PDF, files.JPEG, files.PNG),
                organization_id=evaluation["organization"],
            )
        except files.UploadError as exc:
            raise EvaluationError(str(exc)) from exc
        await update_versioned(
            Evaluation, evaluation_id, evaluation["version"], {which: stored["id"]}
        )
        await audit.record(actor, "evaluation", evaluation_id, "attach", after={which: name})


async def downgrade(
    actor: CurrentUser, evaluation_id: int, version: int, to_grade: str, reason: str
) -> dt.date:
    """降级: records the new grade and the deadline to hand back certificate and plaque."""
    if not reason.strip():
        raise EvaluationError(_("请填写降级原因"))
    async with write_transaction():
        evaluation = await get_evaluation(actor, evaluation_id)
        if evaluation is None:
            raise EvaluationError(_("评估记录不存在"))
        if evaluation["status"] != "valid":
            raise EvaluationError(_("只能对有效期内的等级降级"))
        order = list(rules.GRADES) + [""]
        if to_grade not in order or order.index(to_grade) <= order.index(evaluation["grade"]):
            raise EvaluationError(_("降级后的等级必须低于现有等级"))
        today = local_today()
        due = today + dt.timedelta(days=rules.HAND_BACK_DAYS)
        await update_versioned(
            Evaluation,
            evaluation_id,
            version,
            {
                "downgraded_on": today,
                "downgraded_to": to_grade,
                "downgrade_reason": reason.strip()[:2000],
                "hand_back_due": due,
            },
        )
        await workitems.create_item(
            actor,
            kind="hand_back",
            title=_("{name}交回 {grade} 评估证书和牌匾").format(
                name=evaluation["organization_name"], grade=evaluation["grade"] or _("未定级")
            ),
            due_date=due,
            owner_id=actor.id,
            subject=(SUBJECT, evaluation_id),
            community_id=evaluation["community_id"],
            organization_id=evaluation["organization"],
            note=reason,
        )
        await audit.record(
            actor,
            "evaluation",
            evaluation_id,
            "downgrade",
            before={"grade": evaluation["grade"]},
            after={"grade": to_grade, "hand_back_due": due, "reason": reason},
        )
    return due


# --- indicator scores (the scoring engine) -------------------------------------------------


async def assign_assessors(
    actor: CurrentUser, evaluation_id: int, assessor_ids: list[int], due_date: dt.date | None
) -> int:
    """Staff assign assessors to score the evaluation's panel sheet, as screening reviews are
    assigned; returns how many new assignments were made. All or nothing."""
    assessor_ids = list(dict.fromkeys(assessor_ids))
    async with write_transaction():
        # Two staff assigning at once must not both pass the already-assigned check.
        await lock_rows(Evaluation, [evaluation_id])
        evaluation = await get_evaluation(actor, evaluation_id)
        if evaluation is None:
            raise EvaluationError(_("评估记录不存在"))
        try:
            await reviews.check_assessors(assessor_ids)
            return await reviews.assign_reviewers(
                actor,
                REVIEW_KIND,
                (SUBJECT, evaluation_id),
                assessor_ids,
                due_date,
                title=_("{name}：{review}").format(
                    name=evaluation["organization_name"],
                    review=text(workitem_rules.EVALUATION_REVIEW.label),
                ),
                community_id=evaluation["community_id"],
                organization_id=evaluation["organization"],
            )
        except reviews.ReviewError as exc:
            raise EvaluationError(exc.message) from exc
        except workitems.WorkItemError as exc:
            raise EvaluationError(exc.message) from exc


async def assigned_assessors(actor: CurrentUser, evaluation_id: int) -> list[dict]:
    """The evaluation's review items the actor may see (staff: all; an assessor: their own)."""
    return [
        item
        for item in await workitems.items_for_subject(actor, SUBJECT, evaluation_id)
        if item["kind"] == REVIEW_KIND
    ]


async def scorer_column(actor: CurrentUser, evaluation: dict) -> tuple[str, dict | None] | None:
    """Where the actor scores this evaluation, and the assignment that allows it, or None:
    staff and admins on the panel, the organization itself its self-assessment, an assessor
    only on an evaluation they are assigned to."""
    if actor.role in (ADMIN, STAFF):
        return "panel", None
    if actor.role == APPLICANT and actor.organization_id == evaluation["organization"]:
        return "self", None
    if actor.role == ASSESSOR:
        item = await reviews.assignment(actor, REVIEW_KIND, (SUBJECT, evaluation["id"]))
        if item is not None:
            return "panel", item
    return None


async def score_sheet(actor: CurrentUser, evaluation_id: int) -> dict[str, Any]:
    """The actor's sheet on this evaluation, on the rubric of the organization's type; blank
    (and not saved) until the first save. Anyone who may not score it gets EvaluationError."""
    evaluation = await get_evaluation(actor, evaluation_id)
    if evaluation is None:
        raise EvaluationError(_("评估记录不存在"))
    allowed = await scorer_column(actor, evaluation)
    if allowed is None:
        raise EvaluationError(_("评估记录不存在"))
    rubric = await _rubric_for(evaluation["org_type"])
    if rubric is None:
        raise EvaluationError(_("该类型社会组织没有评估指标"))
    column, item = allowed
    sheet = await scoring.find_sheet(actor, rubric["id"], (SUBJECT, evaluation_id), column)
    return {
        "evaluation": evaluation,
        "rubric": rubric,
        "sheet": sheet,
        "column": column,
        "assignment": item,
    }


async def save_scores(
    actor: CurrentUser,
    evaluation_id: int,
    sheet_version: int,
    points: dict[str, float | None],
    comments: dict[str, str],
    comment: str,
    submit: bool,
) -> float:
    """Saves the actor's sheet (made on this first save); an assessor's submit completes their
    assignment. EvaluationError when they may not score it, ScoringError for the sheet."""
    page = await score_sheet(actor, evaluation_id)
    item = page["assignment"]
    if item is not None and item["status"] != "assigned":
        raise scoring.ScoringError(_("该评审任务已结束"))
    subject = (SUBJECT, evaluation_id)
    async with write_transaction():
        sheet_id = await scoring.open_sheet(actor, page["rubric"]["id"], subject, page["column"])
        total = await scoring.save_sheet(
            actor, sheet_id, sheet_version, points, comments, comment, submit
        )
        if submit and item is not None:
            await workitems.move(actor, item["id"], item["version"], "submitted")
    return total


async def indicator_summary(actor: CurrentUser, evaluation_id: int) -> dict[str, Any]:
    """Submitted sheets with their first-level indicator subtotals and the panel mean."""
    panel = await scoring.sheets_for_subject(actor, (SUBJECT, evaluation_id))
    firsts: list[dict] = []
    subtotals: dict[int, dict[str, float]] = {}
    for sheet in panel["sheets"]:
        if sheet["status"] != "submitted" or sheet["hidden"]:
            continue
        full = await scoring.get_sheet(sheet["id"])
        rubric = await scoring.get_rubric(sheet["rubric"])
        if not full or not rubric:
            continue
        if not firsts:
            firsts = [
                {"code": s.code, "name": s.name, "max": s.max_points}
                for s in rubric["specs"]
                if "." not in s.code
            ]
        sums: dict[str, float] = defaultdict(float)
        for spec in scoring_rules.leaves(rubric["specs"]):
            value = full["points"].get(spec.code)
            if value is not None:
                sums[spec.code.split(".")[0]] += value * spec.weight
        subtotals[sheet["id"]] = dict(sums)
    return {**panel, "firsts": firsts, "subtotals": subtotals}


# --- compliance facts and eligibility -----------------------------------------------------


async def add_compliance(actor: CurrentUser, organization_id: int, data: dict) -> int:
    kind = data["kind"]
    async with write_transaction():
        organization = await get_organization(actor, organization_id)
        if organization is None:
            raise EvaluationError(_("社会组织不存在"))
        if kind == "inspection":
            if not data.get("year") or data.get("result") not in dict(rules.INSPECTION_RESULTS):
                raise EvaluationError(_("年检结果需要填写年度并选择结果"))
            exists = await ComplianceRecord.exists().where(
                (ComplianceRecord.organization == organization_id)
                & (ComplianceRecord.kind == "inspection")
                & (ComplianceRecord.year == data["year"])
            )
            if exists:
                raise EvaluationError(_("{year} 年度的年检结果已登记").format(year=data["year"]))
        elif not data.get("occurred_on"):
            raise EvaluationError(_("请填写日期"))
        values = {
            "organization": organization_id,
            "kind": kind,
            "year": data.get("year") if kind == "inspection" else None,
            "result": data.get("result") or "" if kind == "inspection" else "",
            "occurred_on": data.get("occurred_on"),
            "closed_on": data.get("closed_on") if kind == "investigation" else None,
            "note": data.get("note") or "",
            "recorded_by": actor.id,
        }
        rows = await ComplianceRecord.insert(ComplianceRecord(**values)).returning(
            ComplianceRecord.id
        )
        await audit.record(actor, "compliance_record", rows[0]["id"], "create", after=values)
    return rows[0]["id"]


async def compliance_of(organization_id: int) -> list[dict]:
    return (
        await ComplianceRecord.select()
        .where(ComplianceRecord.organization == organization_id)
        .order_by(ComplianceRecord.year, ascending=False)
        .order_by(ComplianceRecord.occurred_on, ascending=False)
    )


async def _standings(
    organization_ids: list[int] | None, before: dt.date | None = None
) -> dict[int, tuple[dict, Standing]]:
    """Each organization's standing from its rows, counting evaluations before `before`."""
    query = Organization.select(
        Organization.id,
        Organization.name,
        Organization.community,
        Organization.community.name.as_alias("community_name"),
        Organization.org_type,
        Organization.registration_status,
        Organization.registration_date,
    ).where(Organization.is_archived.eq(False))
    if organization_ids is not None:
        query = query.where(Organization.id.is_in(organization_ids or [-1]))
    organizations = await query
    ids = [o["id"] for o in organizations] or [-1]
    grades = defaultdict(list)
    evaluation_query = Evaluation.select(
        Evaluation.organization,
        Evaluation.grade,
        Evaluation.valid_until,
        Evaluation.downgraded_on,
        Evaluation.evaluated_on,
    ).where(Evaluation.organization.is_in(ids))
    for e in await evaluation_query:
        if before is None or e["evaluated_on"] < before:
            grades[e["organization"]].append(
                (e["grade"], e["valid_until"], e["downgraded_on"] is not None)
            )
    inspections: dict[int, dict[int, str]] = defaultdict(dict)
    penalties = defaultdict(list)
    investigations = defaultdict(list)
    for c in await ComplianceRecord.select().where(ComplianceRecord.organization.is_in(ids)):
        if c["kind"] == "inspection" and c["year"]:
            inspections[c["organization"]][c["year"]] = c["result"]
        elif c["kind"] == "penalty" and c["occurred_on"]:
            penalties[c["organization"]].append(c["occurred_on"])
        elif c["kind"] == "investigation" and c["occurred_on"]:
            investigations[c["organization"]].append((c["occurred_on"], c["closed_on"]))
    return {
        o["id"]: (
            o,
            Standing(
                org_type=o["org_type"],
                registration_status=o["registration_status"],
                registration_date=o["registration_date"],
                grades=tuple(grades[o["id"]]),
                inspections=dict(inspections[o["id"]]),
                penalty_dates=tuple(penalties[o["id"]]),
                investigations=tuple(investigations[o["id"]]),
            ),
        )
        for o in organizations
    }


async def eligibility_of(organization_id: int, year: int) -> rules.Eligibility:
    standings = await _standings([organization_id])
    if organization_id not in standings:
        return rules.Eligibility(False, _("社会组织不存在"))
    return rules.eligibility(standings[organization_id][1], year)


async def _in_scope_ids(user: CurrentUser) -> list[int] | None:
    clause = scope_filter(user, community=Organization.community, organization=Organization.id)
    if clause is None:
        return None
    return [r["id"] for r in await Organization.select(Organization.id).where(clause)]


async def eligible_list(user: CurrentUser, year: int) -> list[dict]:
    """Every gradable organization in scope with its eligibility for the year and the reason."""
    async with read_transaction():
        standings = await _standings(await _in_scope_ids(user))
    out = []
    for organization, standing in standings.values():
        if standing.org_type not in rules.GRADABLE_TYPES:
            continue
        verdict = rules.eligibility(standing, year)
        out.append(
            {
                **organization,
                "eligible": verdict.eligible,
                "reason": verdict.reason,
                "kind": verdict.kind,
            }
        )
    out.sort(key=lambda r: (not r["eligible"], r["name"]))
    return out


async def expiring(user: CurrentUser, today: dt.date) -> list[dict]:
    """Valid grades that end within six months."""
    limit = add_months(today, rules.EXPIRING_MONTHS)
    rows = await where_all(
        Evaluation.select(*EVALUATION_COLUMNS)
        .where(
            (Evaluation.valid_until >= today)
            & (Evaluation.valid_until <= limit)
            & Evaluation.downgraded_on.is_null()
        )
        .order_by(Evaluation.valid_until),
        evaluation_scope(user),
    )
    return [_with_status(r, today) for r in rows]


async def participation(user: CurrentUser, year: int) -> list[rules.Participation]:
    """参评率 and A 级以上占比 per community and for the street, for any year."""
    async with read_transaction():
        ids = await _in_scope_ids(user)
        standings = await _standings(ids, before=dt.date(year, 1, 1))
        evaluated = await Evaluation.select(Evaluation.organization, Evaluation.grade).where(
            (Evaluation.evaluated_on >= dt.date(year, 1, 1))
            & (Evaluation.evaluated_on <= dt.date(year, 12, 31))
        )
        communities = await Community.select(Community.id, Community.name).order_by(Community.code)
    graded_in_year: dict[int, bool] = {}
    for e in evaluated:
        graded_in_year[e["organization"]] = graded_in_year.get(
            e["organization"], False
        ) or rules.is_a_or_above(e["grade"])
    rows = [
        {
            "community": organization["community"],
            "eligible": rules.eligibility(standing, year).eligible,
            "evaluated": organization["id"] in graded_in_year,
            "graded": graded_in_year.get(organization["id"], False),
        }
        for organization, standing in standings.values()
        if standing.org_type in rules.GRADABLE_TYPES
    ]
    groups = [(c["id"], c["name"]) for c in communities]
    if user.role == COMMUNITY:
        groups = [g for g in groups if g[0] == user.community_id]
    return rules.participation(rows, groups)
