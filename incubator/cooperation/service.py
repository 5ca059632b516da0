"""政社互动: the year's agreement template, each community's agreement (drafted from it, edited,
signed with its stamped scan), notes on its items, the two-way evaluations scored on two score
sheets of the scoring engine, funding and pilot units. A community officer reads and writes
their own community only; assessors read everything."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from piccolo.query.functions.aggregate import Count, Sum

from incubator.cooperation import rules
from incubator.cooperation.tables import (
    AgreementNote,
    AgreementTemplate,
    CooperationAgreement,
    Funding,
    PilotUnit,
    TwoWayEvaluation,
)
from incubator.core import audit, files
from incubator.core.auth import CurrentUser
from incubator.core.db import read_transaction, write_transaction
from incubator.core.errors import ServiceError
from incubator.core.i18n import N_, _, local_today, text
from incubator.core.locking import update_versioned
from incubator.core.pagination import ListSpec, Page, PageRequest, Sort, paginate
from incubator.core.roles import ADMIN, COMMUNITY, STAFF
from incubator.core.scoping import NotVisible, row_id, scope_filter, where_all
from incubator.ground.tables import Community
from incubator.regions.service import record_community
from incubator.scoring import service as scoring

audit.label_tables(
    {
        "agreement_template": N_("协议书模板"),
        "cooperation_agreement": N_("政社互动协议书"),
        "agreement_note": N_("协议事项落实记录"),
        "two_way_evaluation": N_("双向评估"),
        "cooperation_funding": N_("社区工作经费"),
        "pilot_unit": N_("亮点（试点）单位"),
    }
)

STREET_ROLES = (ADMIN, STAFF)
SUBJECT = "two_way_evaluation"
# The two score sheets of a two-way evaluation: (direction, rubric code, who scores).
STREET_SIDE, COMMUNITY_SIDE = "street", "community"
RUBRICS = {STREET_SIDE: "twoway_street", COMMUNITY_SIDE: "twoway_community"}


class CooperationError(ServiceError):
    """A refusal of this module's service (core.errors)."""


def _year(raw: Any) -> int | None:
    value = row_id(raw)
    return value if value is not None and 2000 <= value <= 2100 else None


# --- the year's template ----------------------------------------------------------------------


async def template(year: int) -> dict[str, Any]:
    """The street's template of the year, or the defaults when staff have not edited it."""
    row = await AgreementTemplate.select().where(AgreementTemplate.year == year).first()
    if row is not None:
        return row
    return {
        "id": None,
        "year": year,
        "title": text(rules.AGREEMENT_TITLE),
        "street_party": text(rules.STREET_PARTY),
        "duties": "\n".join(rules.DEFAULT_DUTIES),
        "assists": "\n".join(rules.DEFAULT_ASSISTS),
        "version": 0,
    }


def _list_errors(data: dict[str, Any]) -> dict[str, str]:
    errors = {}
    for code, label in rules.LISTS:
        if problems := rules.item_list_errors(text(label), data.get(code) or ""):
            errors[code] = "；".join(problems)
    return errors


def _lists(data: dict[str, Any]) -> dict[str, str]:
    return {code: "\n".join(rules.item_list(data.get(code) or "")) for code, _label in rules.LISTS}


async def save_template(actor: CurrentUser, year: int, version: int, data: dict) -> None:
    if errors := _list_errors(data):
        raise CooperationError(next(iter(errors.values())), errors)
    values = {"title": data["title"], "street_party": data["street_party"], **_lists(data)}
    async with write_transaction():
        current = await AgreementTemplate.select().where(AgreementTemplate.year == year).first()
        if current is None:
            if version != 0:
                raise CooperationError(_("模板已被他人修改，请刷新后再保存"))
            rows = (
                await AgreementTemplate.insert(AgreementTemplate(year=year, **values))
                .on_conflict(action="DO NOTHING")
                .returning(AgreementTemplate.id)
            )
            if not rows:  # another saved the year's first template at this moment
                raise CooperationError(_("模板已被他人修改，请刷新后再保存"))
            await audit.record(actor, "agreement_template", rows[0]["id"], "create", after=values)
            return
        await update_versioned(AgreementTemplate, current["id"], version, values)
        before, after = audit.changes(current, values)
        await audit.record(
            actor, "agreement_template", current["id"], "update", before=before, after=after
        )


# --- agreements -------------------------------------------------------------------------------

AGREEMENTS = ListSpec(("year", "signed"), ("code", "signed_on"), "code")
AGREEMENT_COLUMNS = (
    CooperationAgreement.id,
    CooperationAgreement.community,
    CooperationAgreement.community.name.as_alias("community_name"),
    CooperationAgreement.community.code.as_alias("community_code"),
    CooperationAgreement.year,
    CooperationAgreement.title,
    CooperationAgreement.street_party,
    CooperationAgreement.community_party,
    CooperationAgreement.duties,
    CooperationAgreement.assists,
    CooperationAgreement.signed_on,
    CooperationAgreement.scan,
    CooperationAgreement.version,
)


def agreement_scope(user: CurrentUser) -> Any:
    return scope_filter(user, community=CooperationAgreement.community)


async def agreements_of_year(
    user: CurrentUser, year: int, filters: dict[str, str], request: PageRequest, sort: Sort
) -> tuple[Page, dict[str, int]]:
    """Every community in the user's scope with its agreement of the year (or none yet), and
    how many signed, and signed in the first half-year."""
    scope = scope_filter(user, community=Community.id)
    async with read_transaction():
        stored = {
            r["community"]: r
            for r in await where_all(
                CooperationAgreement.select(*AGREEMENT_COLUMNS).where(
                    CooperationAgreement.year == year
                ),
                agreement_scope(user),
            )
        }
        communities = await where_all(
            Community.select(Community.id, Community.name, Community.code).order_by(
                Community.code, ascending=not sort.descending
            ),
            scope,
        )
    rows = []
    for community in communities:
        agreement = stored.get(community["id"])
        signed_on = agreement["signed_on"] if agreement else None
        rows.append(
            {
                **community,
                "agreement": agreement,
                "signed_on": signed_on,
                "in_h1": rules.signed_in_h1(signed_on, year, dt.date(year, 12, 31)),
            }
        )
    if filters.get("signed") == "1":
        rows = [r for r in rows if r["signed_on"] is not None]
    elif filters.get("signed") == "0":
        rows = [r for r in rows if r["signed_on"] is None]
    if sort.key == "signed_on":
        rows.sort(key=lambda r: (r["signed_on"] is None, r["signed_on"] or dt.date.min))
        if sort.descending:
            rows.reverse()
    totals = {
        "communities": len(rows),
        "signed": sum(1 for r in rows if r["signed_on"]),
        "in_h1": sum(1 for r in rows if r["in_h1"]),
    }
    chosen = rows[request.offset : request.offset + request.page_size]
    return Page(chosen, len(rows), request.page, request.page_size), totals


API_AGREEMENTS = ListSpec(("community", "year", "signed"))


async def list_agreements(user: CurrentUser, filters: dict[str, str], request: PageRequest) -> Page:
    """Stored agreements in the user's scope, by year and community code, with their items."""
    clauses = [agreement_scope(user)]
    if (community := row_id(filters.get("community"))) is not None:
        clauses.append(CooperationAgreement.community == community)
    if (year := _year(filters.get("year"))) is not None:
        clauses.append(CooperationAgreement.year == year)
    if filters.get("signed") == "1":
        clauses.append(CooperationAgreement.signed_on.is_not_null())
    elif filters.get("signed") == "0":
        clauses.append(CooperationAgreement.signed_on.is_null())
    query = where_all(
        CooperationAgreement.select(*AGREEMENT_COLUMNS)
        .order_by(CooperationAgreement.year, ascending=False)
        .order_by(CooperationAgreement.community.code),
        *clauses,
    )
    async with read_transaction():
        page = await paginate(query, where_all(CooperationAgreement.count(), *clauses), request)
    for row in page.items:
        for code, _label in rules.LISTS:
            row[code + "_items"] = rules.item_list(row[code])
    return page


async def get_agreement(user: CurrentUser, agreement_id: int) -> dict | None:
    query = CooperationAgreement.select(*AGREEMENT_COLUMNS).where(
        CooperationAgreement.id == agreement_id
    )
    row = await where_all(query, agreement_scope(user)).first()
    if row is not None:
        for code, _label in rules.LISTS:
            row[code + "_items"] = rules.item_list(row[code])
    return row


async def draft_agreement(actor: CurrentUser, community_id: int | None, year: int) -> int:
    """The community's agreement of the year, drafted from the street's template (the one
    already drafted when there is one)."""
    async with write_transaction():
        community = await record_community(actor, community_id)
        existing = (
            await CooperationAgreement.select(CooperationAgreement.id)
            .where(
                (CooperationAgreement.community == community["id"])
                & (CooperationAgreement.year == year)
            )
            .first()
        )
        if existing is not None:
            return existing["id"]
        draft = await template(year)
        values = {
            "community": community["id"],
            "year": year,
            "title": draft["title"],
            "street_party": draft["street_party"],
            "community_party": _("{community}居民委员会").format(community=community["name"]),
            "duties": draft["duties"],
            "assists": draft["assists"],
        }
        rows = (
            await CooperationAgreement.insert(CooperationAgreement(**values))
            .on_conflict(action="DO NOTHING")
            .returning(CooperationAgreement.id)
        )
        if not rows:  # drafted by someone else at this moment
            raise CooperationError(_("该社区本年度协议书已由他人拟定，请刷新页面"))
        await audit.record(actor, "cooperation_agreement", rows[0]["id"], "create", after=values)
    return rows[0]["id"]


async def update_agreement(
    actor: CurrentUser, agreement_id: int, version: int, data: dict[str, Any]
) -> None:
    if errors := _list_errors(data):
        raise CooperationError(next(iter(errors.values())), errors)
    async with write_transaction():
        current = await get_agreement(actor, agreement_id)
        if current is None:
            raise NotVisible()
        if current["signed_on"] is not None:
            raise CooperationError(_("协议书已签订，不能再修改"))
        values = {
            "title": data["title"],
            "street_party": data["street_party"],
            "community_party": data["community_party"],
            **_lists(data),
        }
        await update_versioned(CooperationAgreement, agreement_id, version, values)
        before, after = audit.changes(current, values)
        await audit.record(
            actor, "cooperation_agreement", agreement_id, "update", before=before, after=after
        )


async def sign(
    actor: CurrentUser,
    agreement_id: int,
    version: int,
    signed_on: dt.date,
    scan: tuple[bytes, str] | None,
    uploads_dir: Path,
    max_bytes: int,
) -> None:
    """Records the signing date and the stamped scan (PDF or image)."""
    async with files.discard_on_failure(), write_transaction():
        current = await get_agreement(actor, agreement_id)
        if current is None:
            raise NotVisible()
        if current["signed_on"] is not None and actor.role not in STREET_ROLES:
            message = _("协议书已登记签订；如需更正签订日期，请联系街道工作人员")
            raise CooperationError(message, {"signed_on": message})
        if problem := rules.signing_error(signed_on, current["year"], local_today()):
            raise CooperationError(problem, {"signed_on": problem})
        values: dict[str, Any] = {"signed_on": signed_on}
        if scan is not None:
            try:
                stored = await files.store_upload(
                    uploads_dir=uploads_dir,
                    max_bytes=max_bytes,
                    data=scan[0],
                    original_name=scan[1],
                    actor=actor,
                    allowed=(files.PDF, files.JPEG, files.PNG),
                    community_id=current["community"],
                )
            except files.UploadError as exc:
                raise CooperationError(str(exc), {"scan": str(exc)}) from None
            values["scan"] = stored["id"]
        elif current["scan"] is None:
            message = _("请上传盖章后的协议书扫描件")
            raise CooperationError(message, {"scan": message})
        await update_versioned(CooperationAgreement, agreement_id, version, values)
        await audit.record(
            actor,
            "cooperation_agreement",
            agreement_id,
            "sign",
            before={"signed_on": current["signed_on"]},
            after={"signed_on": signed_on},
        )


NOTE_COLUMNS = (
    AgreementNote.id,
    AgreementNote.list_code,
    AgreementNote.item_no,
    AgreementNote.department,
    AgreementNote.noted_on,
    AgreementNote.action,
    AgreementNote.recorded_by.display_name.as_alias("recorded_by_name"),
)


async def notes(agreement_id: int) -> list[dict]:
    return (
        await AgreementNote.select(*NOTE_COLUMNS)
        .where(AgreementNote.agreement == agreement_id)
        .order_by(AgreementNote.noted_on, ascending=False)
        .order_by(AgreementNote.id, ascending=False)
    )


async def add_note(actor: CurrentUser, agreement_id: int, data: dict[str, Any]) -> int:
    """A note on one item: the department that asked and what the community did."""
    async with write_transaction():
        agreement = await get_agreement(actor, agreement_id)
        if agreement is None:
            raise NotVisible()
        # The item as the form names it: "duties:3" is the third of 依法履行职责事项.
        list_code, _sep, number = str(data.get("item") or "").partition(":")
        item_no = int(number) if number.isascii() and number.isdigit() else 0
        items = agreement.get(f"{list_code}_items") if list_code in dict(rules.LISTS) else None
        if not items or not 1 <= item_no <= len(items):
            message = _("请选择协议书中的事项")
            raise CooperationError(message, {"item": message})
        noted_on = data.get("noted_on") or local_today()
        if noted_on > local_today():
            message = _("日期不能晚于今天")
            raise CooperationError(message, {"noted_on": message})
        values = {
            "list_code": list_code,
            "item_no": item_no,
            "department": (data.get("department") or "").strip(),
            "noted_on": noted_on,
            "action": (data.get("action") or "").strip(),
        }
        rows = await AgreementNote.insert(
            AgreementNote(agreement=agreement_id, recorded_by=actor.id, **values)
        ).returning(AgreementNote.id)
        await audit.record(actor, "agreement_note", rows[0]["id"], "create", after=values)
    return rows[0]["id"]


# --- two-way evaluations ----------------------------------------------------------------------

EVALUATIONS = ListSpec(("community", "year"), ("evaluated_on",), "-evaluated_on")
EVALUATION_COLUMNS = (
    TwoWayEvaluation.id,
    TwoWayEvaluation.community,
    TwoWayEvaluation.community.name.as_alias("community_name"),
    TwoWayEvaluation.community.code.as_alias("community_code"),
    TwoWayEvaluation.evaluated_on,
    TwoWayEvaluation.street_score,
    TwoWayEvaluation.community_score,
    TwoWayEvaluation.street_sheet,
    TwoWayEvaluation.community_sheet,
    TwoWayEvaluation.note,
    TwoWayEvaluation.version,
)


def evaluation_scope(user: CurrentUser) -> Any:
    return scope_filter(user, community=TwoWayEvaluation.community)


def _evaluation_filters(filters: dict[str, str]) -> list[Any]:
    clauses = []
    if (community := row_id(filters.get("community"))) is not None:
        clauses.append(TwoWayEvaluation.community == community)
    if (year := _year(filters.get("year"))) is not None:
        clauses.append(TwoWayEvaluation.evaluated_on >= dt.date(year, 1, 1))
        clauses.append(TwoWayEvaluation.evaluated_on <= dt.date(year, 12, 31))
    return clauses


def _with_state(row: dict) -> dict:
    row["done"] = rules.evaluation_done(row["street_score"], row["community_score"])
    row["half"] = rules.half_of(row["evaluated_on"])
    return row


async def list_evaluations(
    user: CurrentUser, filters: dict[str, str], request: PageRequest, sort: Sort
) -> Page:
    clauses = [evaluation_scope(user), *_evaluation_filters(filters)]
    query = where_all(
        TwoWayEvaluation.select(*EVALUATION_COLUMNS)
        .order_by(TwoWayEvaluation.evaluated_on, ascending=not sort.descending)
        .order_by(TwoWayEvaluation.id, ascending=not sort.descending),
        *clauses,
    )
    async with read_transaction():
        page = await paginate(query, where_all(TwoWayEvaluation.count(), *clauses), request)
    for row in page.items:
        _with_state(row)
    return page


async def export_evaluations(user: CurrentUser, filters: dict[str, str]) -> list[dict]:
    return await where_all(
        TwoWayEvaluation.select(*EVALUATION_COLUMNS).order_by(TwoWayEvaluation.evaluated_on),
        evaluation_scope(user),
        *_evaluation_filters(filters),
    )


async def get_evaluation(user: CurrentUser, evaluation_id: int) -> dict | None:
    query = TwoWayEvaluation.select(*EVALUATION_COLUMNS).where(TwoWayEvaluation.id == evaluation_id)
    row = await where_all(query, evaluation_scope(user)).first()
    return _with_state(row) if row else None


async def create_evaluation(actor: CurrentUser, data: dict[str, Any]) -> int:
    """A round of the two-way evaluation, opened by the street for one community and a date."""
    evaluated_on = data["evaluated_on"]
    if evaluated_on > local_today():
        message = _("评估日期不能晚于今天")
        raise CooperationError(message, {"evaluated_on": message})
    async with write_transaction():
        community = await record_community(actor, data.get("community_id"))
        rows = (
            await TwoWayEvaluation.insert(
                TwoWayEvaluation(
                    community=community["id"],
                    evaluated_on=evaluated_on,
                    note=(data.get("note") or "").strip(),
                )
            )
            .on_conflict(action="DO NOTHING")
            .returning(TwoWayEvaluation.id)
        )
        if not rows:
            message = _("该社区在这一天已有一次双向评估")
            raise CooperationError(message, {"evaluated_on": message})
        await audit.record(
            actor, "two_way_evaluation", rows[0]["id"], "create", after={"on": evaluated_on}
        )
    return rows[0]["id"]


def side_of(actor: CurrentUser, evaluation: dict) -> str | None:
    """Which sheet this user scores: the street's staff score the community, the community's
    officer scores the street's departments; anyone else scores neither."""
    if actor.role in STREET_ROLES:
        return STREET_SIDE
    if actor.role == COMMUNITY and actor.community_id == evaluation["community"]:
        return COMMUNITY_SIDE
    return None


async def score_page(actor: CurrentUser, evaluation_id: int, side: str) -> dict[str, Any]:
    """The actor's sheet of one side (blank and unsaved until the first save)."""
    evaluation = await get_evaluation(actor, evaluation_id)
    if evaluation is None or side not in RUBRICS or side_of(actor, evaluation) != side:
        raise NotVisible()
    rubric = await scoring.current_rubric(RUBRICS[side])
    if rubric is None:
        raise CooperationError(_("尚未设置双向评估的评分表"))
    sheet_id = evaluation[f"{side}_sheet"]
    if sheet_id is not None:
        sheet = await scoring.get_sheet(sheet_id)
        rubric = await scoring.get_rubric(sheet["rubric"]) if sheet else rubric
    else:
        sheet = await scoring.find_sheet(actor, rubric["id"], (SUBJECT, evaluation_id))
    return {"evaluation": evaluation, "rubric": rubric, "sheet": sheet, "side": side}


async def save_scores(
    actor: CurrentUser,
    evaluation_id: int,
    side: str,
    sheet_version: int,
    points: dict[str, float | None],
    comments: dict[str, str],
    comment: str,
    submit: bool,
) -> float:
    """Saves the actor's sheet of their side; submitted, its total is that side's score."""
    page = await score_page(actor, evaluation_id, side)
    if page["sheet"].get("id") is not None and page["sheet"]["scorer"] != actor.id:
        raise CooperationError(_("这一方的评分已由其他人填写"))
    column = getattr(TwoWayEvaluation, f"{side}_sheet")
    async with write_transaction():
        sheet_id = await scoring.open_sheet(actor, page["rubric"]["id"], (SUBJECT, evaluation_id))
        try:
            total = await scoring.save_sheet(
                actor, sheet_id, sheet_version, points, comments, comment, submit
            )
        except scoring.ScoringError as exc:
            raise CooperationError(exc.message, exc.errors, exc.details) from None
        values: dict[str, Any] = {f"{side}_sheet": sheet_id}
        if submit:
            values[f"{side}_score"] = Decimal(str(total)).quantize(Decimal("0.01"))
        # The side's sheet is the first one saved: another staff member's sheet, saved while
        # this one was being filled, is not replaced.
        taken = (
            await TwoWayEvaluation.update(
                {getattr(TwoWayEvaluation, k): v for k, v in values.items()}
            )
            .where(
                (TwoWayEvaluation.id == evaluation_id) & (column.is_null() | (column == sheet_id))
            )
            .returning(TwoWayEvaluation.id)
        )
        if not taken:
            raise CooperationError(_("这一方的评分已由其他人填写"))
        if submit:
            await audit.record(
                actor, "two_way_evaluation", evaluation_id, "score", after={side: total}
            )
    return total


# --- funding and pilot units --------------------------------------------------------------------

FUNDING_COLUMNS = (
    Funding.id,
    Funding.community,
    Funding.community.name.as_alias("community_name"),
    Funding.year,
    Funding.amount,
    Funding.paid_on,
    Funding.purpose,
    Funding.version,
)


async def funding_of_year(user: CurrentUser, year: int) -> tuple[list[dict], Decimal]:
    rows = await where_all(
        Funding.select(*FUNDING_COLUMNS)
        .where(Funding.year == year)
        .order_by(Funding.community.code)
        .order_by(Funding.paid_on),
        scope_filter(user, community=Funding.community),
    )
    total = await where_all(
        Funding.select(Sum(Funding.amount, alias="total")).where(Funding.year == year),
        scope_filter(user, community=Funding.community),
    ).first()
    return rows, Decimal(str((total or {}).get("total") or 0))


async def add_funding(actor: CurrentUser, data: dict[str, Any]) -> int:
    """A payment of a community's working funds (recorded by the street)."""
    if actor.role not in STREET_ROLES:
        raise NotVisible()
    paid_on = data.get("paid_on")
    if paid_on is not None and paid_on > local_today():
        message = _("拨付日期不能晚于今天")
        raise CooperationError(message, {"paid_on": message})
    async with write_transaction():
        community = await record_community(actor, data.get("community_id"))
        values = {
            "year": data["year"],
            "amount": data["amount"],
            "paid_on": paid_on,
            "purpose": (data.get("purpose") or "").strip(),
        }
        rows = await Funding.insert(Funding(community=community["id"], **values)).returning(
            Funding.id
        )
        await audit.record(actor, "cooperation_funding", rows[0]["id"], "create", after=values)
    return rows[0]["id"]


async def pilots(year: int) -> list[dict]:
    return (
        await PilotUnit.select(
            PilotUnit.id,
            PilotUnit.community,
            PilotUnit.community.name.as_alias("community_name"),
            PilotUnit.area,
            PilotUnit.year,
            PilotUnit.note,
        )
        .where(PilotUnit.year == year)
        .order_by(PilotUnit.area)
    )


async def mark_pilot(actor: CurrentUser, data: dict[str, Any]) -> int:
    if actor.role not in STREET_ROLES:
        raise NotVisible()
    if data.get("area") not in dict(rules.AREAS):
        raise CooperationError(_("请选择工作领域"), {"area": _("请选择工作领域")})
    async with write_transaction():
        community = await record_community(actor, data.get("community_id"))
        values = {"area": data["area"], "year": data["year"], "note": data.get("note") or ""}
        rows = (
            await PilotUnit.insert(PilotUnit(community=community["id"], **values))
            .on_conflict(action="DO NOTHING")
            .returning(PilotUnit.id)
        )
        if not rows:
            message = _("该社区已是本年度该领域的亮点单位")
            raise CooperationError(message, {"area": message})
        await audit.record(actor, "pilot_unit", rows[0]["id"], "create", after=values)
    return rows[0]["id"]


async def home_summary(user: CurrentUser, today: dt.date) -> dict[str, Any]:
    """For the home page: this year's agreements signed, of the communities in scope."""
    scope = scope_filter(user, community=Community.id)
    communities = await where_all(Community.count(), scope)
    signed = await where_all(
        CooperationAgreement.select(Count(CooperationAgreement.id, alias="n")).where(
            (CooperationAgreement.year == today.year) & CooperationAgreement.signed_on.is_not_null()
        ),
        agreement_scope(user),
    ).first()
    return {"year": today.year, "communities": communities, "signed": (signed or {}).get("n") or 0}
