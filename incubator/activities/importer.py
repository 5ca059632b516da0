"""The activity ledger's sheet on the sheet-import engine (sheets.service): the names a row may
use, the scope and date checks, how rows are written (ledger numbers in row order, verified when
staff import them). A row already imported (same fingerprint) is skipped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from incubator.activities import rules
from incubator.activities.tables import Activity
from incubator.core import sequences
from incubator.core.auth import CurrentUser
from incubator.core.i18n import _, local_today
from incubator.core.roles import COMMUNITY
from incubator.core.scoping import where_all
from incubator.ground.tables import Community, Organization, Street
from incubator.organizations.service import organization_scope
from incubator.sheets.service import Importer, Row, single


async def _lookups(actor: CurrentUser, _earlier: Mapping) -> dict[str, dict[str, int]]:
    # Names resolve only to organizations in the actor's scope: another community's is not found.
    organizations = await where_all(
        Organization.select(Organization.id, Organization.name), organization_scope(actor)
    )
    communities = await Community.select(Community.id, Community.name)
    return {
        "organizations": {r["name"]: r["id"] for r in organizations},
        "communities": {r["name"]: r["id"] for r in communities},
    }


async def _check(actor: CurrentUser, rows: list[Row]) -> None:
    organization_community = {
        r["id"]: r["community"]
        for r in await Organization.select(Organization.id, Organization.community)
    }
    today = local_today()
    for row in rows:
        values = row.values
        if values["organization_id"] and not values["community_id"]:
            values["community_id"] = organization_community.get(values["organization_id"])
        if actor.role == COMMUNITY:
            if values["community_id"] not in (None, actor.community_id):
                row.errors.append(_("只能导入本社区的活动"))
            values["community_id"] = actor.community_id
        if values["held_on"] and values["held_on"] > today:
            row.errors.append(_("活动日期不能晚于今天"))


async def _existing(keys: list[str]) -> Mapping[str, int]:
    rows = await Activity.select(Activity.id, Activity.import_key).where(
        Activity.import_key.is_in(keys)
    )
    return {r["import_key"]: r["id"] for r in rows}


async def _insert(actor: CurrentUser, batch: list[dict[str, Any]]) -> None:
    street = await Street.select(Street.code).order_by(Street.id).first()
    codes = {r["id"]: r["code"] for r in await Community.select(Community.id, Community.code)}
    # Ledger numbers: one block per community and year, in row order.
    by_prefix: dict[str, list[dict]] = defaultdict(list)
    for values in batch:
        prefix = rules.ledger_prefix(
            street["code"] if street else "JD",
            codes.get(values["community_id"]),
            values["held_on"].year,
        )
        by_prefix[prefix].append(values)
    for prefix, group in by_prefix.items():
        numbers = await sequences.next_values(f"ledger:{prefix}", len(group))
        for values, seq in zip(group, numbers, strict=True):
            values["ledger_no"] = rules.ledger_number(prefix, seq)
    await Activity.insert(*[_activity(actor, values) for values in batch])


IMPORTER = Importer(
    sheet=rules.IMPORT_SHEET,
    lookups=_lookups,
    existing=_existing,
    insert=_insert,
    check=_check,
)
BOOK = single(IMPORTER)


def _activity(actor: CurrentUser, values: dict) -> Activity:
    return Activity(
        ledger_no=values["ledger_no"],
        organization=values["organization_id"],
        community=values["community_id"],
        title=values["title"],
        project=values["project"],
        category=values["category"],
        held_on=values["held_on"],
        start_time=values["start_time"],
        end_time=values["end_time"],
        hours=values["hours"],
        place=values["place"],
        partner_unit=values["partner_unit"],
        served_groups=values["served_groups"],
        participants=values["participants"],
        beneficiaries=values["beneficiaries"],
        volunteers=values["volunteers"],
        content=values["content"],
        budget=values["budget"],
        spending=values["spending"],
        news_link=values["news_link"],
        satisfaction=values["satisfaction"],
        # Imported records are the center's or the community's own ledger: staff imports are
        # taken as verified, a community's wait for the center to verify them.
        status="verified" if actor.role in rules.STAFF_ROLES else "submitted",
        reviewer=actor.id if actor.role in rules.STAFF_ROLES else None,
        recorder=actor.id,
        import_key=values["import_key"],
    )
