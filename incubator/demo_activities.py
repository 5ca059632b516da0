"""A year of demo activities (2017, the plan year) across the demo organizations and
communities, recorded, submitted, verified and returned through the real services."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from incubator.activities import service as activities
from incubator.activities.tables import Activity
from incubator.core.roles import STAFF
from incubator.demo_pipeline import person
from incubator.ground.tables import Organization
from incubator.regions.service import community_choices

YEAR = 2017
# (category, title, place, served groups)
KINDS = (
    ("community", "邻里节百家宴", "社区广场", "residents,elderly"),
    ("volunteer", "助老志愿服务", "老年日间照料中心", "elderly"),
    ("group", "四点半课堂", "社区活动室", "children"),
    ("training", "社区骨干能力培训", "社会组织发展中心培训室", "residents"),
    ("culture_sports", "广场舞展演", "文化广场", "residents,women"),
    ("co_building", "驻区单位共建献血活动", "社区服务中心", "residents"),
    ("party", "主题党日学习", "党群服务中心", "residents"),
    ("case", "困难家庭个案帮扶", "居民家中", "low_income"),
    ("neighbourhood", "邻里守望夜间巡逻", "小区楼道", "residents"),
    ("moral_forum", "道德讲堂：好家风", "社区道德讲堂", "residents,youth"),
    ("sports_match", "社区趣味运动会", "小区篮球场", "residents,children"),
    ("performance", "迎新春文艺演出", "街道文体中心", "residents,elderly"),
)
PER_COMMUNITY = 40
PER_ORGANIZATION = 12


async def seed_activities_demo() -> int:
    """Adds the demo year of activities unless the ledger has records; returns how many."""
    if await Activity.count():
        return 0
    pick = random.Random(YEAR)
    staff = await person("staff", STAFF)
    organizations = await Organization.select(Organization.id, Organization.community).where(
        Organization.is_archived.eq(False)
    )
    plans: list[tuple[int | None, int | None]] = []
    for community in await community_choices():
        plans += [(None, community["id"])] * PER_COMMUNITY
    for organization in organizations:
        plans += [(organization["id"], organization["community"])] * PER_ORGANIZATION
    pick.shuffle(plans)
    added = 0
    for organization_id, community_id in plans:
        category, title, place, groups = pick.choice(KINDS)
        held_on = dt.date(YEAR, 1, 1) + dt.timedelta(days=pick.randrange(365))
        participants = pick.randrange(12, 160)
        hour = pick.choice((9, 14, 16, 19))
        activity_id = await activities.create_activity(
            staff,
            {
                "title": title,
                "category": category,
                "held_on": held_on,
                "start_time": dt.time(hour, 0),
                "end_time": dt.time(hour + 2, 0),
                "place": place,
                "served_groups": groups,
                "organization_id": organization_id,
                "community_id": community_id,
                "hours": Decimal(pick.choice(("1.5", "2", "2.5", "3"))),
                "participants": participants,
                "beneficiaries": participants - pick.randrange(0, 10),
                "volunteers": pick.randrange(2, 15),
                "budget": Decimal(pick.choice(("0", "500", "1200", "3000"))),
                "satisfaction": pick.randrange(85, 101),
                "content": f"{title}：居民参与热情高，活动有序开展。",
            },
        )
        added += 1
        fate = pick.random()
        if fate < 0.85:
            await activities.move(staff, activity_id, 1, "submit", "")
            if fate < 0.75:
                await activities.move(staff, activity_id, 2, "verify", "")
                if fate < 0.06:
                    await activities.set_highlight(staff, activity_id, 3, True)
            elif fate < 0.78:
                await activities.move(staff, activity_id, 2, "return", "请补充活动照片和签到表")
    return added
