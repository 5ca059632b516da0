"""Demo 社区阵地建设 for 2017, entered through the real services: projects on time, late and
stuck (so F1 is met by some communities, missed by others, not applicable to two), meal-aid
points, and three-stations checklists from complete to missing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from incubator.core.roles import STAFF
from incubator.demo_pipeline import person
from incubator.facilities import rules
from incubator.facilities import service as facilities
from incubator.facilities.tables import FacilityProject
from incubator.ground.tables import Community

D = dt.date
# (community, name, kind, budget, spending, description, [(step, date, note)])
PROJECTS = (
    (
        "祥龙社区",
        "一站式服务大厅改造",
        "service_hall",
        "480000",
        "452300",
        "社区服务中心一楼改造为一站式服务大厅，设综合受理窗口6个、自助服务区和等候区。",
        (
            (rules.SUBMITTED, D(2017, 3, 20), "改造方案报建设管理中心审核"),
            (rules.IMPLEMENTING, D(2017, 5, 18), "方案审核通过，同意实施"),
            (rules.COMPLETED, D(2017, 11, 10), "完工验收合格"),
            (rules.IN_USE, D(2017, 12, 8), "一站式服务大厅正式投用"),
        ),
    ),
    (
        "腾龙社区",
        "老年人日间照料中心",
        "day_care",
        "360000",
        "341800",
        "利用社区用房建设日间照料中心，设休息室、活动室、康复室和助浴间。",
        (
            (rules.SUBMITTED, D(2017, 4, 10), "建设方案报建设管理中心审核"),
            (rules.RETURNED, D(2017, 5, 22), "消防通道设计不符合要求，请修改后重新报送"),
            (rules.SUBMITTED, D(2017, 6, 26), "修改后的方案重新报送"),
            (rules.IMPLEMENTING, D(2017, 7, 12), "审核通过（晚于6月30日）"),
            (rules.COMPLETED, D(2017, 12, 20), "完工验收合格"),
        ),
    ),
    (
        "腾龙社区",
        "腾龙苑助餐点",
        "meal_point",
        "85000",
        "79600",
        "在腾龙苑活动中心设助餐点，为辖区老人提供午餐。",
        (
            (rules.SUBMITTED, D(2017, 3, 2), "助餐点建设方案报送"),
            (rules.IMPLEMENTING, D(2017, 4, 6), "审核通过"),
            (rules.COMPLETED, D(2017, 8, 25), "完工验收合格"),
            (rules.IN_USE, D(2017, 9, 1), "助餐点开餐"),
        ),
    ),
    (
        "玲珑社区",
        "三大站布局调整",
        "three_stations",
        "120000",
        "118500",
        "调整公共管理服务站、社会组织工作站、居民活动站布局，统一标识。",
        (
            (rules.SUBMITTED, D(2017, 4, 18), "布局调整方案报送"),
            (rules.IMPLEMENTING, D(2017, 5, 30), "审核通过"),
            (rules.COMPLETED, D(2017, 9, 30), "完工验收合格"),
            (rules.IN_USE, D(2017, 10, 15), "三大站按新布局投用"),
        ),
    ),
    (
        "新龙社区",
        "社区标识标牌更新",
        "signage",
        "30000",
        "0",
        "更新社区服务中心及各网格的标识标牌。",
        ((rules.SUBMITTED, D(2017, 6, 28), "标识标牌设计方案报送"),),
    ),
)
# (community, name, address, opening hours, capacity, operator, opened on)
MEAL_POINTS = (
    (
        "腾龙社区",
        "腾龙苑助餐点",
        "腾龙苑12幢底层",
        "周一至周五 11:00–12:30",
        60,
        "常州市新北区乐龄餐饮服务社",
        D(2017, 9, 1),
    ),
    (
        "祥龙社区",
        "祥龙社区长者食堂",
        "祥龙社区服务中心二楼",
        "周一至周六 11:00–12:30",
        80,
        "龙虎塘街道夕阳红助老服务中心",
        D(2016, 10, 8),
    ),
    (
        "玲珑社区",
        "玲珑社区助餐点",
        "玲珑花园会所",
        "周一至周五 11:15–12:30",
        40,
        "玲珑社区居委会",
        D(2017, 5, 15),
    ),
)
# (community, checked on, [done per item in rules.STATION_ITEMS order]); 盛龙社区 not checked.
CHECKLISTS = (
    ("祥龙社区", D(2017, 9, 15), (True, True, True, True)),
    ("腾龙社区", D(2017, 9, 18), (True, True, True, False)),
    ("玲珑社区", D(2017, 10, 20), (True, True, True, True)),
    ("新龙社区", D(2017, 11, 8), (True, False, True, False)),
    ("通江社区", D(2017, 11, 20), (True, True, True, True)),
)


async def _community(name: str) -> dict:
    row = await Community.select(Community.id, Community.code).where(Community.name == name).first()
    assert row is not None, name
    return row


async def seed_facilities_demo() -> int:
    if await FacilityProject.count():
        return 0
    staff = await person("staff", STAFF)
    for community_name, name, kind, budget, spending, description, steps in PROJECTS:
        community = await _community(community_name)
        project_id = await facilities.create_project(
            staff,
            {
                "community_id": community["id"],
                "year": 2017,
                "name": name,
                "kind": kind,
                "budget": Decimal(budget),
                "spending": Decimal(spending),
                "lead_unit": "建设管理中心",
                "partner_units": "社会事业保障中心",
                "description": description,
            },
        )
        for target, when, note in steps:
            project = await facilities.get_project(staff, project_id)
            await facilities.move_project(staff, project_id, project["version"], target, when, note)
    for community_name, name, address, hours, capacity, operator, opened in MEAL_POINTS:
        community = await _community(community_name)
        await facilities.create_meal_point(
            staff,
            {
                "community_id": community["id"],
                "name": name,
                "address": address,
                "opening_hours": hours,
                "capacity": capacity,
                "operator": operator,
                "opened_on": opened,
            },
        )
    for community_name, checked_on, done in CHECKLISTS:
        community = await _community(community_name)
        for (item, _label), is_done in zip(rules.STATION_ITEMS, done, strict=True):
            await facilities.save_check(
                staff,
                community["id"],
                2017,
                item,
                0,
                {"done": is_done, "checked_on": checked_on, "checker": "王中心", "note": ""},
                None,
                None,  # type: ignore[arg-type] - no photo, no uploads
                0,
            )
    return len(PROJECTS)
