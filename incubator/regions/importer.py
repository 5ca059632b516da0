"""The registry sheets of the year workbook, 社区 and 网格 (regions.rules), on the sheet-import
engine: a street named in 社区 is created when it does not exist, a grid's community may be one
defined earlier in the same workbook, and a row whose code is already stored updates that record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from incubator.core.auth import CurrentUser
from incubator.core.i18n import N_, _, local_today
from incubator.core.roles import COMMUNITY
from incubator.ground.tables import Community, Grid, Street
from incubator.regions.rules import COMMUNITY_SHEET, GRID_SHEET
from incubator.sheets.service import Book, Importer, Row


async def _community_lookups(_actor: CurrentUser, _earlier: Mapping) -> dict[str, Any]:
    return {}


async def _check_communities(_actor: CurrentUser, rows: list[Row]) -> None:
    """A community name is unique: refused when another code has it (stored or in this file)."""
    stored = {r["name"]: r["code"] for r in await Community.select(Community.name, Community.code)}
    named: dict[str, str] = {}
    for row in rows:
        name, code = row.values["name"], row.values["code"]
        other = named.get(name) or stored.get(name)
        if name and other not in (None, code):
            row.errors.append(
                _("社区名称“{name}”已被社区代码“{code}”使用").format(name=name, code=other)
            )
        named.setdefault(name, code)


async def _existing_communities(keys: list[str]) -> Mapping[str, int]:
    rows = await Community.select(Community.id, Community.code).where(Community.code.is_in(keys))
    return {r["code"]: r["id"] for r in rows}


async def _street_ids(names: set[str]) -> dict[str, int]:
    """The streets by name, creating those that do not exist yet."""
    streets = {r["name"]: r["id"] for r in await Street.select(Street.id, Street.name)}
    codes = {r["code"] for r in await Street.select(Street.code)}
    for name in sorted(names - streets.keys()):
        code = f"JD{len(codes) + 1:02d}"
        while code in codes:
            code += "X"
        codes.add(code)
        rows = await Street.insert(Street(name=name, code=code)).returning(Street.id)
        streets[name] = rows[0]["id"]
    return streets


async def _insert_communities(_actor: CurrentUser, batch: list[dict[str, Any]]) -> None:
    streets = await _street_ids({v["street_name"] for v in batch})
    await Community.insert(
        *[
            Community(
                street=streets[v["street_name"]],
                code=v["code"],
                name=v["name"],
                occupied_households=v["occupied_households"],
            )
            for v in batch
        ]
    )


async def _update_communities(_actor: CurrentUser, pairs: list[tuple[int, dict[str, Any]]]) -> None:
    streets = await _street_ids({v["street_name"] for _id, v in pairs})
    for community_id, v in pairs:
        await Community.update(
            {
                Community.street: streets[v["street_name"]],
                Community.name: v["name"],
                Community.occupied_households: v["occupied_households"],
                Community.version: Community.version + 1,
                Community.updated_at: dt.datetime.now(dt.UTC),
            }
        ).where(Community.id == community_id)


async def _existing_grids(keys: list[str]) -> Mapping[str, int]:
    rows = await Grid.select(Grid.id, Grid.code).where(Grid.code.is_in(keys))
    return {r["code"]: r["id"] for r in rows}


async def _community_ids() -> dict[str, int]:
    return {code: row["id"] for code, row in (await communities_by_code()).items()}


async def _insert_grids(_actor: CurrentUser, batch: list[dict[str, Any]]) -> None:
    communities = await _community_ids()
    await Grid.insert(
        *[
            Grid(
                community=communities[v["community_code"]],
                code=v["code"],
                name=v["name"],
                households=v["households"],
            )
            for v in batch
        ]
    )


async def _update_grids(_actor: CurrentUser, pairs: list[tuple[int, dict[str, Any]]]) -> None:
    communities = await _community_ids()
    for grid_id, v in pairs:
        await Grid.update(
            {
                Grid.community: communities[v["community_code"]],
                Grid.name: v["name"],
                Grid.households: v["households"],
                Grid.version: Grid.version + 1,
                Grid.updated_at: dt.datetime.now(dt.UTC),
            }
        ).where(Grid.id == grid_id)


# --- for every sheet whose rows name a community by its 社区代码 ------------------------------


async def community_code_lookups(_actor: CurrentUser, earlier: Mapping) -> dict[str, Any]:
    """The codes a row may name (stored, or defined earlier in the same workbook) and today,
    for rules.community_code_error and the date checks of the sheet's own rules."""
    stored = {r["code"] for r in await Community.select(Community.code)}
    defined = {v["code"] for v in earlier.get(COMMUNITY_SHEET.name, [])}
    return {"community_codes": stored | defined, "today": local_today()}


async def only_own_community(actor: CurrentUser, rows: list[Row]) -> None:
    """A community officer imports their own community's rows only."""
    if actor.role != COMMUNITY:
        return
    own = await Community.select(Community.code).where(Community.id == actor.community_id).first()
    for row in rows:
        if own is None or row.values["community_code"] != own["code"]:
            row.errors.append(_("只能导入本社区的记录"))


async def communities_by_code() -> dict[str, dict[str, Any]]:
    """Every community by its code, read inside the import's transaction (so communities of
    the same workbook are there already)."""
    rows = await Community.select(Community.id, Community.code, Community.name)
    return {r["code"]: r for r in rows}


COMMUNITIES = Importer(
    sheet=COMMUNITY_SHEET,
    lookups=_community_lookups,
    existing=_existing_communities,
    insert=_insert_communities,
    update=_update_communities,
    check=_check_communities,
)
GRIDS = Importer(
    sheet=GRID_SHEET,
    lookups=community_code_lookups,
    existing=_existing_grids,
    insert=_insert_grids,
    update=_update_grids,
)
# One upload brings both sheets, communities first (a grid may name a community defined there).
BOOK = Book("regions", (COMMUNITIES, GRIDS), N_("社区与网格"))
