"""Synthetic volume for benchmarks: `incubator bench-data --activities 100000`.

Rows go straight in with bulk inserts (the services' per-record audit would take hours at this
volume), numbered from the same counters the services use, so the ledger stays consistent.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from incubator.activities import rules
from incubator.activities.tables import Activity
from incubator.core import sequences
from incubator.core.db import write_transaction
from incubator.ground.tables import Community, Organization, Street

BATCH = 500  # PostgreSQL takes at most 32,767 parameters a statement


async def generate_activities(count: int, year: int = 2017, seed: int = 7) -> int:
    pick = random.Random(seed)
    street = await Street.select(Street.code).order_by(Street.id).first()
    communities = await Community.select(Community.id, Community.code)
    organizations = await Organization.select(Organization.id, Organization.community)
    codes = {c["id"]: c["code"] for c in communities}
    categories = [code for code, _label in rules.CATEGORIES]
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        rows = []
        for _ in range(size):
            if organizations and pick.random() < 0.6:
                organization = pick.choice(organizations)
                organization_id, community_id = organization["id"], organization["community"]
            else:
                organization_id, community_id = None, pick.choice(communities)["id"]
            participants = pick.randrange(5, 200)
            rows.append(
                {
                    "organization": organization_id,
                    "community": community_id,
                    "title": f"压测活动 {made + len(rows) + 1}",
                    "category": pick.choice(categories),
                    "held_on": dt.date(year, 1, 1) + dt.timedelta(days=pick.randrange(365)),
                    "hours": Decimal(pick.choice(("1", "1.5", "2", "3"))),
                    "place": "社区活动室",
                    "served_groups": "residents",
                    "participants": participants,
                    "beneficiaries": participants - pick.randrange(0, 5),
                    "volunteers": pick.randrange(0, 20),
                    "status": pick.choice(("verified", "verified", "verified", "submitted")),
                    "is_highlight": pick.random() < 0.02,
                }
            )
        by_prefix: dict[str, list[dict]] = defaultdict(list)
        for row in rows:
            prefix = rules.ledger_prefix(
                street["code"] if street else "JD", codes.get(row["community"]), year
            )
            by_prefix[prefix].append(row)
        async with write_transaction():
            for prefix, group in by_prefix.items():
                numbers = await sequences.next_values(f"ledger:{prefix}", len(group))
                for row, seq in zip(group, numbers, strict=True):
                    row["ledger_no"] = rules.ledger_number(prefix, seq)
            await Activity.insert(*[Activity(**row) for row in rows])
        made += size
    return made
