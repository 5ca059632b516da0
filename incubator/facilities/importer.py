"""The sheets 阵地项目 [项目编号] and 三大站核查 [社区代码, 年度] (facilities.rules) on the
sheet-import engine, and their export in the same form. A project's course is stated by its
dates (the last step dated is where it stands); a matched row updates the record. A community
officer imports their own community's rows only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from incubator.core import sequences
from incubator.core.auth import CurrentUser
from incubator.core.i18n import N_, _
from incubator.core.roles import COMMUNITY
from incubator.core.scoping import where_all
from incubator.facilities import rules
from incubator.facilities.service import project_scope
from incubator.facilities.tables import FacilityProject, StationCheck
from incubator.regions.importer import (
    communities_by_code,
    community_code_lookups,
    only_own_community,
)
from incubator.sheets.rules import hashed_key
from incubator.sheets.service import Book, Importer, Row
from incubator.workitems import service as workitems

IMPORTED = N_("由表格导入")


# --- 阵地项目 --------------------------------------------------------------------------------


# The steps only 建设管理中心 (staff) records on the project page; a community's import may
# not set or change them either.
STAFF_STEPS = ("approved_on", "completed_on")


async def _check_projects(actor: CurrentUser, rows: list[Row]) -> None:
    await only_own_community(actor, rows)
    # A stored number belongs to its community: a row may not move it to another one.
    numbers = [r.values["number"] for r in rows]
    stored = {
        r["number"]: r
        for r in await FacilityProject.select(
            FacilityProject.number,
            FacilityProject.community.code.as_alias("code"),
            *(getattr(FacilityProject, name) for name in STAFF_STEPS),
        ).where(FacilityProject.number.is_in(numbers or [""]))
    }
    for row in rows:
        current = stored.get(row.values["number"])
        if current is not None and current["code"] != row.values["community_code"]:
            row.errors.append(
                _("项目编号“{number}”已属于社区“{code}”").format(
                    number=row.values["number"], code=current["code"]
                )
            )
        if actor.role == COMMUNITY and any(
            row.values[name] != (current[name] if current else None) for name in STAFF_STEPS
        ):
            row.errors.append(_("审核通过日期和完工日期由建设管理中心登记，社区导入不能填写或修改"))


async def _existing_projects(keys: list[str]) -> Mapping[str, int]:
    rows = await FacilityProject.select(FacilityProject.id, FacilityProject.number).where(
        FacilityProject.number.is_in(keys)
    )
    return {r["number"]: r["id"] for r in rows}


def _project_columns(values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": values["name"],
        "kind": values["kind"],
        "year": values["year"],
        "budget": values["budget"] or Decimal(0),
        "spending": values["spending"] or Decimal(0),
        "lead_unit": values["lead_unit"] or "",
        "partner_units": values["partner_units"] or "",
        **{name: values[name] for name in rules.DATE_ORDER},
    }


async def _insert_projects(actor: CurrentUser, batch: list[dict[str, Any]]) -> None:
    communities = {c: r["id"] for c, r in (await communities_by_code()).items()}
    for values in batch:
        community_id = communities[values["community_code"]]
        rows = await FacilityProject.insert(
            FacilityProject(
                number=values["number"], community=community_id, **_project_columns(values)
            )
        ).returning(FacilityProject.id)
        project_id = rows[0]["id"]
        item_id = await workitems.create_item(
            actor,
            kind=rules.PROJECT.code,
            title=f"{values['community_code']} {values['name']}",
            due_date=rules.due_date(rules.DRAFTING, values["year"]),
            subject=("facility_project", project_id),
            community_id=community_id,
            note=IMPORTED,
        )
        status = rules.status_from_dates(values)
        await workitems.restate(
            actor, item_id, status, rules.due_date(status, values["year"]), IMPORTED
        )
        await FacilityProject.update({FacilityProject.work_item: item_id}).where(
            FacilityProject.id == project_id
        )
        # A number the import brought is never given out again by the project form.
        sequence = rules.number_sequence(values["number"], values["community_code"], values["year"])
        if sequence is not None:
            await sequences.raise_to(rules.counter_key(community_id, values["year"]), sequence)


async def _update_projects(actor: CurrentUser, pairs: list[tuple[int, dict[str, Any]]]) -> None:
    for project_id, values in pairs:
        stored = (
            await FacilityProject.select(
                FacilityProject.work_item,
                FacilityProject.work_item.status.as_alias("status"),
                *(getattr(FacilityProject, name) for name in rules.DATE_ORDER),
            )
            .where(FacilityProject.id == project_id)
            .first()
        )
        await FacilityProject.update(
            {
                **{getattr(FacilityProject, k): v for k, v in _project_columns(values).items()},
                FacilityProject.version: FacilityProject.version + 1,
                FacilityProject.updated_at: dt.datetime.now(dt.UTC),
            }
        ).where(FacilityProject.id == project_id)
        # Where it stands changes only with its dates: a returned or cancelled project whose
        # dates the row repeats stays as it is.
        if any(stored[name] != values[name] for name in rules.DATE_ORDER):
            status = rules.status_from_dates(values)
            await workitems.restate(
                actor, stored["work_item"], status, rules.due_date(status, values["year"]), IMPORTED
            )


PROJECTS = Importer(
    sheet=rules.PROJECT_SHEET,
    lookups=community_code_lookups,
    existing=_existing_projects,
    insert=_insert_projects,
    update=_update_projects,
    check=_check_projects,
)


async def project_rows(user: CurrentUser, clauses: list[Any]) -> list[dict[str, Any]]:
    """Projects as the sheet holds them (values by column key), in the user's scope."""
    rows = await where_all(
        FacilityProject.select(
            FacilityProject.number,
            FacilityProject.community.code.as_alias("community_code"),
            FacilityProject.name,
            FacilityProject.kind,
            FacilityProject.year,
            FacilityProject.budget,
            FacilityProject.spending,
            FacilityProject.lead_unit,
            FacilityProject.partner_units,
            *(getattr(FacilityProject, name) for name in rules.DATE_ORDER),
        )
        # The sheet cannot say 撤销: a cancelled project is left out, as it counts for nothing.
        .where(FacilityProject.work_item.status != rules.CANCELLED)
        .order_by(FacilityProject.number),
        project_scope(user),
        *clauses,
    )
    return rows


# --- 三大站核查 ------------------------------------------------------------------------------


async def _existing_checklists(keys: list[str]) -> Mapping[str, int]:
    """A checklist is stored as four item rows: matched by (community, year) of any of them."""
    rows = await StationCheck.select(
        StationCheck.community.code.as_alias("code"), StationCheck.year, StationCheck.community
    ).where(StationCheck.item == rules.STATION_ITEMS[0][0])
    wanted = set(keys)
    found = {}
    for r in rows:
        key = hashed_key(r["code"], r["year"])
        if key in wanted:
            found[key] = r["community"]
    return found


def _check_rows(actor: CurrentUser, community_id: int, values: Mapping[str, Any]) -> list:
    return [
        StationCheck(
            community=community_id,
            year=values["year"],
            item=code,
            done=bool(values[code]),
            checked_on=values["checked_on"],
            checker=actor.name,
        )
        for code, _label in rules.STATION_ITEMS
    ]


async def _insert_checklists(actor: CurrentUser, batch: list[dict[str, Any]]) -> None:
    communities = {c: r["id"] for c, r in (await communities_by_code()).items()}
    await _update_checklists(actor, [(communities[v["community_code"]], v) for v in batch])


async def _update_checklists(actor: CurrentUser, pairs: list[tuple[int, dict[str, Any]]]) -> None:
    """Each item as the row says. The sheet holds one check date a checklist: an item whose
    answer the row repeats keeps its own date, photo and note (an export imports again
    unchanged); an item whose answer changed takes the row's date."""
    for community_id, values in pairs:
        stored = {
            r["item"]: r
            for r in await StationCheck.select(
                StationCheck.id, StationCheck.item, StationCheck.done, StationCheck.checked_on
            ).where(
                (StationCheck.community == community_id) & (StationCheck.year == values["year"])
            )
        }
        for record in _check_rows(actor, community_id, values):
            current = stored.get(record.item)
            if current is None:
                await StationCheck.insert(record)
            elif current["done"] != record.done or current["checked_on"] is None:
                await StationCheck.update(
                    {
                        StationCheck.done: record.done,
                        StationCheck.checked_on: record.checked_on,
                        StationCheck.version: StationCheck.version + 1,
                        StationCheck.updated_at: dt.datetime.now(dt.UTC),
                    }
                ).where(StationCheck.id == current["id"])


CHECKLISTS = Importer(
    sheet=rules.CHECKLIST_SHEET,
    lookups=community_code_lookups,
    existing=_existing_checklists,
    insert=_insert_checklists,
    update=_update_checklists,
    check=only_own_community,
)


async def checklist_rows(user: CurrentUser, year: int | None) -> list[dict[str, Any]]:
    """Checklists as the sheet holds them: one row per community and year."""
    rows = await where_all(
        StationCheck.select(
            StationCheck.community.code.as_alias("community_code"),
            StationCheck.year,
            StationCheck.item,
            StationCheck.done,
            StationCheck.checked_on,
        ).order_by(StationCheck.community.code),
        None if user.street_wide else StationCheck.community == (user.community_id or -1),
        None if year is None else StationCheck.year == year,
    )
    sheets: dict[tuple[str, int], dict[str, Any]] = {}
    for r in rows:
        entry = sheets.setdefault(
            (r["community_code"], r["year"]),
            {"community_code": r["community_code"], "year": r["year"], "checked_on": None}
            | {code: False for code, _label in rules.STATION_ITEMS},
        )
        entry[r["item"]] = r["done"]
        if r["checked_on"] and (
            entry["checked_on"] is None or r["checked_on"] > entry["checked_on"]
        ):
            entry["checked_on"] = r["checked_on"]
    return [v for v in sheets.values() if v["checked_on"] is not None]


# One upload brings either sheet or both, projects first.
BOOK = Book("facilities", (PROJECTS, CHECKLISTS), N_("社区阵地建设"))
