"""The sheets 协议书 [社区代码, 年度] and 双向评估 [社区代码, 评估日期] (cooperation.rules) on the
sheet-import engine, and their export in the same form. An imported agreement that does not
exist yet is drafted from the year's template and signed on the row's date; a matched one has
its signing date updated. A community officer imports their own community's rows only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from incubator.cooperation import rules
from incubator.cooperation.service import (
    agreement_scope,
    evaluation_scope,
    template,
)
from incubator.cooperation.tables import CooperationAgreement, TwoWayEvaluation
from incubator.core.auth import CurrentUser
from incubator.core.i18n import N_, _
from incubator.core.scoping import where_all
from incubator.regions.importer import (
    communities_by_code,
    community_code_lookups,
    only_own_community,
)
from incubator.sheets.rules import hashed_key
from incubator.sheets.service import Book, Importer

# --- 协议书 -------------------------------------------------------------------------------------


async def _existing_agreements(keys: list[str]) -> Mapping[str, int]:
    wanted = set(keys)
    rows = await CooperationAgreement.select(
        CooperationAgreement.id,
        CooperationAgreement.year,
        CooperationAgreement.community.code.as_alias("code"),
    )
    found = {}
    for r in rows:
        key = hashed_key(r["code"], r["year"])
        if key in wanted:
            found[key] = r["id"]
    return found


async def _insert_agreements(_actor: CurrentUser, batch: list[dict[str, Any]]) -> None:
    communities = await communities_by_code()
    for values in batch:
        community = communities[values["community_code"]]
        draft = await template(values["year"])
        await CooperationAgreement.insert(
            CooperationAgreement(
                community=community["id"],
                year=values["year"],
                title=draft["title"],
                street_party=draft["street_party"],
                community_party=_("{community}居民委员会").format(community=community["name"]),
                duties=draft["duties"],
                assists=draft["assists"],
                signed_on=values["signed_on"],
            )
        )


async def _update_agreements(_actor: CurrentUser, pairs: list[tuple[int, dict[str, Any]]]) -> None:
    for agreement_id, values in pairs:
        await CooperationAgreement.update(
            {
                CooperationAgreement.signed_on: values["signed_on"],
                CooperationAgreement.version: CooperationAgreement.version + 1,
                CooperationAgreement.updated_at: dt.datetime.now(dt.UTC),
            }
        ).where(CooperationAgreement.id == agreement_id)


AGREEMENTS = Importer(
    sheet=rules.AGREEMENT_SHEET,
    lookups=community_code_lookups,
    existing=_existing_agreements,
    insert=_insert_agreements,
    update=_update_agreements,
    check=only_own_community,
)


async def agreement_rows(user: CurrentUser, year: int | None) -> list[dict[str, Any]]:
    """Signed agreements as the sheet holds them (the sheet has no place for a draft)."""
    return await where_all(
        CooperationAgreement.select(
            CooperationAgreement.community.code.as_alias("community_code"),
            CooperationAgreement.year,
            CooperationAgreement.signed_on,
        )
        .where(CooperationAgreement.signed_on.is_not_null())
        .order_by(CooperationAgreement.year)
        .order_by(CooperationAgreement.community.code),
        agreement_scope(user),
        None if year is None else CooperationAgreement.year == year,
    )


# --- 双向评估 -----------------------------------------------------------------------------------


async def _existing_evaluations(keys: list[str]) -> Mapping[str, int]:
    wanted = set(keys)
    rows = await TwoWayEvaluation.select(
        TwoWayEvaluation.id,
        TwoWayEvaluation.evaluated_on,
        TwoWayEvaluation.community.code.as_alias("code"),
    )
    found = {}
    for r in rows:
        key = hashed_key(r["code"], r["evaluated_on"])
        if key in wanted:
            found[key] = r["id"]
    return found


async def _insert_evaluations(_actor: CurrentUser, batch: list[dict[str, Any]]) -> None:
    communities = await communities_by_code()
    await TwoWayEvaluation.insert(
        *[
            TwoWayEvaluation(
                community=communities[v["community_code"]]["id"],
                evaluated_on=v["evaluated_on"],
                street_score=v["street_score"],
                community_score=v["community_score"],
                note=IMPORTED_NOTE,
            )
            for v in batch
        ]
    )


IMPORTED_NOTE = N_("由表格导入")


async def _update_evaluations(_actor: CurrentUser, pairs: list[tuple[int, dict[str, Any]]]) -> None:
    """A blank score leaves the stored one, and a side scored on its sheet keeps its score
    (an older export imported again never undoes a newer score)."""
    for evaluation_id, values in pairs:
        stored = await TwoWayEvaluation.select().where(TwoWayEvaluation.id == evaluation_id).first()
        changes = {
            getattr(TwoWayEvaluation, f"{side}_score"): values[f"{side}_score"]
            for side in ("street", "community")
            if values[f"{side}_score"] is not None and stored[f"{side}_sheet"] is None
        }
        if changes:
            await TwoWayEvaluation.update(
                {
                    **changes,
                    TwoWayEvaluation.version: TwoWayEvaluation.version + 1,
                    TwoWayEvaluation.updated_at: dt.datetime.now(dt.UTC),
                }
            ).where(TwoWayEvaluation.id == evaluation_id)


EVALUATIONS = Importer(
    sheet=rules.EVALUATION_SHEET,
    lookups=community_code_lookups,
    existing=_existing_evaluations,
    insert=_insert_evaluations,
    update=_update_evaluations,
    check=only_own_community,
)


async def evaluation_rows(user: CurrentUser, year: int | None) -> list[dict[str, Any]]:
    return await where_all(
        TwoWayEvaluation.select(
            TwoWayEvaluation.community.code.as_alias("community_code"),
            TwoWayEvaluation.evaluated_on,
            TwoWayEvaluation.street_score,
            TwoWayEvaluation.community_score,
        )
        .order_by(TwoWayEvaluation.evaluated_on)
        .order_by(TwoWayEvaluation.community.code),
        evaluation_scope(user),
        None
        if year is None
        else (TwoWayEvaluation.evaluated_on >= dt.date(year, 1, 1))
        & (TwoWayEvaluation.evaluated_on <= dt.date(year, 12, 31)),
    )


# One upload brings either sheet or both, agreements first.
BOOK = Book("cooperation", (AGREEMENTS, EVALUATIONS), N_("政社互动"))
