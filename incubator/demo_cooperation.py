"""Demo 政社互动 for 2017, entered through the real services: agreements signed in time, one
signed late, one only drafted; two-way evaluations scored both ways in each half for some
communities and one way only for another; funding payments and 玲珑社区 as the pilot."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from incubator.cooperation import service as cooperation
from incubator.cooperation.tables import CooperationAgreement
from incubator.core.auth import CurrentUser
from incubator.core.roles import COMMUNITY, STAFF
from incubator.demo_pipeline import AGREEMENT_PDF, person
from incubator.ground.tables import Community
from incubator.scoring import rules as scoring_rules

D = dt.date
# (community, signed on or None for a draft); 盛龙社区 has none at all.
AGREEMENTS = (
    ("祥龙社区", D(2017, 4, 20)),
    ("腾龙社区", D(2017, 5, 12)),
    ("玲珑社区", D(2017, 3, 28)),
    ("新龙社区", D(2017, 7, 18)),  # signed, but after 30 June
    ("通江社区", D(2017, 6, 30)),  # on the last day of the first half
    ("盛龙社区", None),
)
# (community, date, street's share of full marks, community's share or None: not yet scored)
EVALUATIONS = (
    ("祥龙社区", D(2017, 6, 20), 0.92, 0.88),
    ("祥龙社区", D(2017, 12, 15), 0.94, 0.90),
    ("玲珑社区", D(2017, 6, 26), 0.96, 0.93),
    ("玲珑社区", D(2017, 12, 18), 0.97, 0.95),
    ("腾龙社区", D(2017, 6, 28), 0.85, 0.86),
    ("腾龙社区", D(2017, 12, 20), 0.88, None),  # the community never submitted its sheet
)
FUNDING = (
    ("祥龙社区", "200000", D(2017, 3, 15), "社区工作经费（第一批）"),
    ("祥龙社区", "200000", D(2017, 9, 15), "社区工作经费（第二批）"),
    ("腾龙社区", "180000", D(2017, 3, 15), "社区工作经费"),
    ("玲珑社区", "220000", D(2017, 3, 15), "社区工作经费（含政社互动试点）"),
    ("新龙社区", "150000", D(2017, 3, 20), "社区工作经费"),
    ("通江社区", "150000", D(2017, 3, 20), "社区工作经费"),
    ("盛龙社区", "120000", None, "社区工作经费（待拨付）"),
)
OFFICERS = {"祥龙社区": "xianglong", "腾龙社区": "tenglong", "玲珑社区": "linglong"}


async def _community_id(name: str) -> int:
    row = await Community.select(Community.id).where(Community.name == name).first()
    assert row is not None, name
    return row["id"]


async def _score(actor, evaluation_id: int, side: str, share: float) -> None:
    page = await cooperation.score_page(actor, evaluation_id, side)
    leaves = scoring_rules.leaves(page["rubric"]["specs"])
    points = {spec.code: round(spec.max_points * share) for spec in leaves}
    await cooperation.save_scores(
        actor, evaluation_id, side, page["sheet"]["version"], points, {}, "", True
    )


async def seed_cooperation_demo(uploads_dir: Path) -> int:
    if await CooperationAgreement.count():
        return 0
    staff = await person("staff", STAFF)
    for name, signed_on in AGREEMENTS:
        agreement_id = await cooperation.draft_agreement(staff, await _community_id(name), 2017)
        if signed_on is not None:
            agreement = await cooperation.get_agreement(staff, agreement_id)
            await cooperation.sign(
                staff,
                agreement_id,
                agreement["version"],
                signed_on,
                (AGREEMENT_PDF, f"{name}协议书.pdf"),
                uploads_dir,
                10 * 1024 * 1024,
            )
    for name, day, street_share, community_share in EVALUATIONS:
        community_id = await _community_id(name)
        evaluation_id = await cooperation.create_evaluation(
            staff, {"community_id": community_id, "evaluated_on": day, "note": ""}
        )
        await _score(staff, evaluation_id, cooperation.STREET_SIDE, street_share)
        if community_share is not None:
            found = await person(OFFICERS[name], COMMUNITY)
            officer = CurrentUser(
                found.id, found.username, found.display_name, COMMUNITY, community_id, None
            )
            await _score(officer, evaluation_id, cooperation.COMMUNITY_SIDE, community_share)
    for name, amount, paid_on, purpose in FUNDING:
        await cooperation.add_funding(
            staff,
            {
                "community_id": await _community_id(name),
                "year": 2017,
                "amount": Decimal(amount),
                "paid_on": paid_on,
                "purpose": purpose,
            },
        )
    await cooperation.mark_pilot(
        staff,
        {
            "community_id": await _community_id("玲珑社区"),
            "year": 2017,
            "area": "cooperation",
            "note": "政社互动亮点单位",
        },
    )
    await cooperation.mark_pilot(
        staff,
        {
            "community_id": await _community_id("玲珑社区"),
            "year": 2017,
            "area": "grids",
            "note": "网格化服务试点单位",
        },
    )
    return len(AGREEMENTS)
