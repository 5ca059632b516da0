"""Recruitment rounds (招募批次): the service behind the rounds pages and the submission check."""

from __future__ import annotations

from typing import Any

from piccolo.query.functions.aggregate import Count

from incubator.applications import rules
from incubator.applications.tables import Application, RecruitmentRound
from incubator.core import audit
from incubator.core.auth import CurrentUser
from incubator.core.db import write_transaction
from incubator.core.errors import ServiceError
from incubator.core.i18n import _
from incubator.core.locking import update_versioned

FIELDS = ("name", "opens_on", "closes_on", "quota", "target_fields", "notes")


class RoundError(ServiceError):
    """A refusal of this module's service (core.errors)."""


async def list_rounds() -> list[dict]:
    rounds = await RecruitmentRound.select().order_by(RecruitmentRound.opens_on, ascending=False)
    counts = {
        r["round"]: r["n"]
        for r in await Application.select(Application.round, Count(Application.id, alias="n"))
        .where(Application.status == "submitted")
        .group_by(Application.round)
    }
    for r in rounds:
        r["submitted"] = counts.get(r["id"], 0)
    return rounds


async def get_round(round_id: int) -> dict | None:
    return await RecruitmentRound.select().where(RecruitmentRound.id == round_id).first()


async def _check(data: dict, round_id: int | None) -> dict[str, str]:
    errors = rules.round_errors(data.get("opens_on"), data.get("closes_on"), data.get("quota"))
    if data.get("name") and await RecruitmentRound.exists().where(
        (RecruitmentRound.name == data["name"]) & (RecruitmentRound.id != (round_id or -1))
    ):
        errors["name"] = _("已有同名的招募批次")
    return errors


def _row(data: dict) -> dict[str, Any]:
    return {
        "name": data["name"],
        "opens_on": data["opens_on"],
        "closes_on": data["closes_on"],
        "quota": data["quota"],
        "target_fields": ",".join(data.get("target_fields") or []),
        "notes": data.get("notes") or "",
    }


async def save_round(
    actor: CurrentUser, data: dict, round_id: int | None = None, version: int | None = None
) -> int:
    errors = await _check(data, round_id)
    if errors:
        raise RoundError(_("请修正表单中的错误"), errors)
    row = _row(data)
    async with write_transaction():
        if round_id is None:
            inserted = await RecruitmentRound.insert(RecruitmentRound(**row)).returning(
                RecruitmentRound.id
            )
            round_id = inserted[0]["id"]
            await audit.record(actor, "recruitment_round", round_id, "create", after=row)
        else:
            before = await get_round(round_id)
            if before is None:
                raise RoundError(_("招募批次不存在"))
            await update_versioned(RecruitmentRound, round_id, version or 0, row)
            old, new = audit.changes(before, row)
            await audit.record(actor, "recruitment_round", round_id, "update", old, new)
    return round_id


async def round_for_submission(today: Any, by_staff: bool) -> dict | None:
    """The open round an application joins. Online applicants need one open with places left,
    once the center has set up rounds at all; staff taking a walk-in may submit outside them."""
    rounds = await RecruitmentRound.select()
    if not rounds:
        return None
    current = rules.open_round(rounds, today)
    if current is None:
        if by_staff:
            return None
        raise RoundError(_("当前不在招募期，请关注中心发布的下一批次"))
    taken = await Application.count().where(
        (Application.round == current["id"]) & (Application.status == "submitted")
    )
    if taken >= current["quota"] and not by_staff:
        raise RoundError(_("“{name}”名额已满").format(name=current["name"]))
    return current
