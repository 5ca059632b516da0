"""Rubrics (saved as new versions, never edited in place) and score sheets."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

import asyncpg

from incubator.core import audit
from incubator.core.auth import CurrentUser
from incubator.core.db import read_transaction, write_transaction
from incubator.core.errors import ServiceError
from incubator.core.i18n import N_, _, text
from incubator.core.locking import update_versioned
from incubator.core.roles import ADMIN, STAFF
from incubator.scoring import rules
from incubator.scoring.rules import BandSpec, IndicatorSpec
from incubator.scoring.tables import Indicator, Rubric, Score, ScoreBand, ScoreSheet


class ScoringError(ServiceError):
    """A refusal of this module's service (core.errors)."""


# --- rubrics -------------------------------------------------------------------------------

STALE_RUBRIC = N_("评分表已有更新的版本，请打开最新版本后再修改")


async def save_version(
    actor: CurrentUser | None,
    code: str,
    name: str,
    description: str,
    indicators: list[IndicatorSpec],
    bands: list[BandSpec],
    based_on: int | None = None,
) -> int:
    """Saves the rubric as its next version and makes it current; older sheets keep theirs.

    `based_on` is the version the editor started from: if another version became current in
    the meantime, nothing is saved (two admins editing at once lose nothing silently).
    """
    errors = rules.tree_errors(indicators) + rules.band_errors(bands, rules.max_total(indicators))
    if not name.strip():
        errors.insert(0, _("请填写评分表名称"))
    if errors:
        raise ScoringError(_("评分表有错误，未保存"), details=errors)
    try:
        return await _insert_version(actor, code, name, description, indicators, bands, based_on)
    except (sqlite3.IntegrityError, asyncpg.exceptions.UniqueViolationError) as exc:
        # A simultaneous save took the same version number.
        raise ScoringError(text(STALE_RUBRIC)) from exc


async def _insert_version(
    actor: CurrentUser | None,
    code: str,
    name: str,
    description: str,
    indicators: list[IndicatorSpec],
    bands: list[BandSpec],
    based_on: int | None,
) -> int:
    async with write_transaction():
        latest = (
            await Rubric.select(Rubric.id, Rubric.number)
            .where(Rubric.code == code)
            .order_by(Rubric.number, ascending=False)
            .first()
        )
        if based_on is not None and (latest is None or latest["id"] != based_on):
            raise ScoringError(text(STALE_RUBRIC))
        number = latest["number"] + 1 if latest else 1
        await Rubric.update({Rubric.is_current: False}).where(Rubric.code == code)
        inserted = await Rubric.insert(
            Rubric(code=code, number=number, name=name.strip(), description=description.strip())
        ).returning(Rubric.id)
        rubric_id = inserted[0]["id"]
        await Indicator.insert(
            *(
                Indicator(
                    rubric=rubric_id,
                    code=i.code,
                    name=i.name,
                    max_points=i.max_points,
                    weight=i.weight,
                    guidance=i.guidance,
                    position=n,
                )
                for n, i in enumerate(indicators)
            )
        )
        await ScoreBand.insert(
            *(
                ScoreBand(rubric=rubric_id, min_total=b.min_total, result=b.result, label=b.label)
                for b in bands
            )
        )
        await audit.record(
            actor,
            "rubric",
            rubric_id,
            "create",
            after={"code": code, "number": number, "indicators": len(indicators)},
        )
    return rubric_id


def _indicator_spec(row: dict) -> IndicatorSpec:
    return IndicatorSpec(
        row["code"], row["name"], row["max_points"], row["weight"], row["guidance"]
    )


async def get_rubric(rubric_id: int) -> dict | None:
    async with read_transaction():
        rubric = await Rubric.select().where(Rubric.id == rubric_id).first()
        if rubric is None:
            return None
        rows = (
            await Indicator.select()
            .where(Indicator.rubric == rubric_id)
            .order_by(Indicator.position)
        )
        bands = (
            await ScoreBand.select()
            .where(ScoreBand.rubric == rubric_id)
            .order_by(ScoreBand.min_total, ascending=False)
        )
    specs = [_indicator_spec(r) for r in rows]
    leaf_codes = {s.code for s in rules.leaves(specs)}
    for row in rows:
        row["depth"] = row["code"].count(".")
        row["is_leaf"] = row["code"] in leaf_codes
    rubric["indicators"] = rows
    rubric["specs"] = specs
    rubric["bands"] = [BandSpec(b["min_total"], b["result"], b["label"]) for b in bands]
    rubric["max_total"] = rules.max_total(specs)
    return rubric


async def current_rubric(code: str) -> dict | None:
    row = (
        await Rubric.select(Rubric.id)
        .where((Rubric.code == code) & Rubric.is_current.eq(True))
        .first()
    )
    return await get_rubric(row["id"]) if row else None


async def list_rubrics() -> list[dict]:
    return (
        await Rubric.select(Rubric.id, Rubric.code, Rubric.number, Rubric.name, Rubric.created_at)
        .where(Rubric.is_current.eq(True))
        .order_by(Rubric.code)
    )


async def versions(code: str) -> list[dict]:
    return (
        await Rubric.select(
            Rubric.id, Rubric.number, Rubric.name, Rubric.is_current, Rubric.created_at
        )
        .where(Rubric.code == code)
        .order_by(Rubric.number, ascending=False)
    )


async def ensure_rubric(code: str, name: str, indicators_text: str, bands_text: str) -> None:
    """Creates the rubric from the text format unless the code exists (a seed, run on migrate)."""
    if await Rubric.exists().where(Rubric.code == code):
        return
    indicators, errors = rules.parse_indicators(indicators_text)
    bands, band_errors = rules.parse_bands(bands_text)
    if errors or band_errors:
        raise ScoringError(f"seed rubric {code} is malformed", details=errors + band_errors)
    await save_version(None, code, name, "", indicators, bands)


# --- score sheets --------------------------------------------------------------------------


def _own_sheet(scorer: CurrentUser, rubric_id: int, subject: tuple[str, int], column: str) -> Any:
    if column not in dict(rules.COLUMNS):
        raise ScoringError(_("未知的评分栏"))
    return (
        (ScoreSheet.rubric == rubric_id)
        & (ScoreSheet.subject_table == subject[0])
        & (ScoreSheet.subject_id == subject[1])
        & (ScoreSheet.scorer == scorer.id)
        & (ScoreSheet.column == column)
    )


async def find_sheet(
    scorer: CurrentUser, rubric_id: int, subject: tuple[str, int], column: str = "panel"
) -> dict:
    """The scorer's sheet on this subject and rubric version, or a blank unsaved one (a page
    that shows a sheet writes nothing; open_sheet makes the row on the first save)."""
    where = _own_sheet(scorer, rubric_id, subject, column)
    existing = await ScoreSheet.select(ScoreSheet.id).where(where).first()
    sheet = await get_sheet(existing["id"]) if existing else None
    if sheet is not None:
        return sheet
    return {
        "id": None,
        "rubric": rubric_id,
        "scorer": scorer.id,
        "column": column,
        "status": "draft",
        "total": None,
        "comment": "",
        # The version the row will have once open_sheet makes it.
        "version": ScoreSheet.version.default,
        "points": {},
        "comments": {},
    }


async def open_sheet(
    scorer: CurrentUser, rubric_id: int, subject: tuple[str, int], column: str = "panel"
) -> int:
    """The scorer's sheet on this subject and rubric version, created as a draft if new.
    Call it from a save, inside the save's transaction, so a refused save leaves no row."""
    where = _own_sheet(scorer, rubric_id, subject, column)
    async with write_transaction():
        existing = await ScoreSheet.select(ScoreSheet.id).where(where).first()
        if existing:
            return existing["id"]
        inserted = await ScoreSheet.insert(
            ScoreSheet(
                rubric=rubric_id,
                subject_table=subject[0],
                subject_id=subject[1],
                scorer=scorer.id,
                column=column,
            )
        ).returning(ScoreSheet.id)
        sheet_id = inserted[0]["id"]
        await audit.record(
            scorer, "score_sheet", sheet_id, "create", after={"subject": list(subject)}
        )
    return sheet_id


async def get_sheet(sheet_id: int) -> dict | None:
    async with read_transaction():
        sheet = (
            await ScoreSheet.select(
                *ScoreSheet.all_columns(),
                ScoreSheet.scorer.display_name.as_alias("scorer_name"),
                ScoreSheet.scorer.username.as_alias("scorer_username"),
            )
            .where(ScoreSheet.id == sheet_id)
            .first()
        )
        if sheet is None:
            return None
        scores = await Score.select(
            Score.points, Score.comment, Score.indicator.code.as_alias("code")
        ).where(Score.sheet == sheet_id)
    sheet["points"] = {s["code"]: s["points"] for s in scores}
    sheet["comments"] = {s["code"]: s["comment"] for s in scores}
    return sheet


async def save_sheet(
    scorer: CurrentUser,
    sheet_id: int,
    version: int,
    points: dict[str, float | None],
    comments: dict[str, str],
    comment: str = "",
    submit: bool = False,
) -> float:
    """Saves points as a draft or final; returns the total. Bad input saves nothing."""
    sheet = await get_sheet(sheet_id)
    if sheet is None or sheet["scorer"] != scorer.id:
        raise ScoringError(_("评分表不存在"))
    if sheet["status"] == "submitted":
        raise ScoringError(_("评分已提交，不能再修改"))
    rubric = await get_rubric(sheet["rubric"])
    assert rubric is not None
    leaves = {spec.code: spec for spec in rules.leaves(rubric["specs"])}
    errors = [
        error
        for code, value in points.items()
        if value is not None and code in leaves
        if (error := rules.points_error(leaves[code], value))
    ]
    unknown = set(points) - set(leaves)
    if unknown:
        errors.append(_("未知的指标：{codes}").format(codes="、".join(sorted(unknown))))
    if submit and not errors:
        missing = rules.missing_scores(rubric["specs"], points)
        errors += [_("“{name}”尚未打分").format(name=m.name) for m in missing]
    if errors:
        raise ScoringError(_("评分未保存，请修正"), details=errors)
    total = rules.sheet_total(rubric["specs"], points)
    indicator_ids = {r["code"]: r["id"] for r in rubric["indicators"] if r["code"] in leaves}
    async with write_transaction():
        values: dict[str, Any] = {"total": total, "comment": comment}
        if submit:
            values.update(status="submitted", submitted_at=dt.datetime.now(dt.UTC))
        await update_versioned(ScoreSheet, sheet_id, version, values)
        await Score.delete().where(Score.sheet == sheet_id)
        rows = [
            Score(
                sheet=sheet_id,
                indicator=indicator_ids[code],
                points=value,
                comment=(comments.get(code) or "")[:2000],
            )
            for code, value in points.items()
            if value is not None or comments.get(code)
        ]
        if rows:
            await Score.insert(*rows)
        await audit.record(
            scorer,
            "score_sheet",
            sheet_id,
            "submit" if submit else "update",
            after={"total": total, "points": points},
        )
    return total


async def sheets_for_subject(
    viewer: CurrentUser, subject: tuple[str, int], rubric_code: str | None = None
) -> dict[str, Any]:
    """Every sheet on the subject with the mean and its band.

    A scorer sees the others' scores only once their own sheet is submitted, so no one is
    swayed; staff and admins see everything.
    """
    query = (
        ScoreSheet.select(
            ScoreSheet.id,
            ScoreSheet.rubric,
            ScoreSheet.rubric.code.as_alias("rubric_code"),
            ScoreSheet.rubric.number.as_alias("rubric_number"),
            ScoreSheet.scorer,
            ScoreSheet.scorer.display_name.as_alias("scorer_name"),
            ScoreSheet.column,
            ScoreSheet.status,
            ScoreSheet.total,
            ScoreSheet.submitted_at,
        )
        .where((ScoreSheet.subject_table == subject[0]) & (ScoreSheet.subject_id == subject[1]))
        .order_by(ScoreSheet.id)
    )
    if rubric_code:
        query = query.where(ScoreSheet.rubric.code == rubric_code)
    sheets = await query
    own_submitted = any(s["scorer"] == viewer.id and s["status"] == "submitted" for s in sheets)
    may_see_all = viewer.role in (ADMIN, STAFF) or own_submitted
    for s in sheets:
        s["hidden"] = not may_see_all and s["scorer"] != viewer.id
        if s["hidden"]:
            # Blind: neither the score nor who gave it.
            s["total"] = None
            s["scorer_name"] = ""
    submitted = [s["total"] for s in sheets if s["status"] == "submitted" and not s["hidden"]]
    average = rules.mean(submitted) if may_see_all else None
    band = None
    if average is not None and sheets:
        rubric = await get_rubric(sheets[-1]["rubric"])
        band = rules.band_for(average, rubric["bands"]) if rubric else None
    return {"sheets": sheets, "mean": average, "band": band, "may_see_all": may_see_all}


async def has_submitted(scorer: CurrentUser, subject: tuple[str, int], rubric_code: str) -> bool:
    """Whether the scorer's own sheet on the subject (any version of the rubric) is submitted:
    before that, a scorer sees no one else's scores, nor the panel's mean."""
    return await ScoreSheet.exists().where(
        (ScoreSheet.subject_table == subject[0])
        & (ScoreSheet.subject_id == subject[1])
        & (ScoreSheet.scorer == scorer.id)
        & (ScoreSheet.status == "submitted")
        & (ScoreSheet.rubric.code == rubric_code)
    )


async def submitted_summary(subject: tuple[str, int], rubric_code: str) -> dict[str, Any]:
    """The panel's verdict on a subject: distinct panel scorers who submitted on the latest
    rubric version used, their mean and its band (self-assessments do not count)."""
    rows = (
        await ScoreSheet.select(ScoreSheet.rubric, ScoreSheet.scorer, ScoreSheet.total)
        .where(
            (ScoreSheet.subject_table == subject[0])
            & (ScoreSheet.subject_id == subject[1])
            & (ScoreSheet.status == "submitted")
            & (ScoreSheet.column == "panel")
            & (ScoreSheet.rubric.code == rubric_code)
        )
        .order_by(ScoreSheet.rubric, ascending=False)
    )
    if not rows:
        return {"count": 0, "mean": None, "band": None}
    rubric_id = rows[0]["rubric"]
    sheets = [r for r in rows if r["rubric"] == rubric_id]
    average = rules.mean(r["total"] for r in sheets)
    rubric = await get_rubric(rubric_id)
    band = rules.band_for(average, rubric["bands"]) if rubric else None
    return {
        "count": len({r["scorer"] for r in sheets}),
        "mean": average,
        "band": band.result if band else None,
    }
