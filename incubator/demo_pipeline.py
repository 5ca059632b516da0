"""Demo organizations spread over every stage and exit of the pipeline, moved there through
the real services (scores, agreement scans, timelines, follow-up items), so the board, the
timelines and the work lists have something true to show."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from pathlib import Path

from incubator.accounts.service import find_user_id, get_user
from incubator.center import rules as center_rules
from incubator.center import service as center
from incubator.core.auth import CurrentUser
from incubator.core.dates import add_months
from incubator.core.i18n import local_today
from incubator.core.roles import ASSESSOR, STAFF
from incubator.organizations import pipeline_service as pipeline
from incubator.organizations import rules as org_rules
from incubator.organizations import service as organizations
from incubator.regions.service import community_choices
from incubator.reviews import service as reviews
from incubator.scoring import rules as scoring_rules

# (name, field, the steps to take). Each path ends in the stage or exit it is named for.
ADMIT = ("accept", "submit", "score:screening:0.88", "admit")
INCUBATE = (*ADMIT, "agreement", "sign_agreement", "support")
GRADUATE = (
    *INCUBATE,
    "score:midterm:0.8",
    "midterm_pass",
    "request_graduation",
    "score:graduation:0.86",
    "checklist",
    "graduate",
)
PATHS = (
    ("社区老年合唱团", "culture_sports", ("accept",)),
    ("邻里调解志愿队", "legal", ("accept",)),
    ("四点半课堂", "youth", ("accept",)),
    ("银发互助社", "elderly", ("accept", "submit")),
    ("残障家庭喘息服务队", "disability", ("accept", "submit", "score:screening:0.7")),
    ("垃圾分类督导队", "environment", ("accept", "submit")),
    ("红色讲师团", "party_building", ADMIT),
    ("社区营造工作坊", "community_affairs", ADMIT),
    ("家庭教育指导站", "youth", ADMIT),
    ("健康跑团", "culture_sports", INCUBATE),
    ("助老餐桌服务社", "elderly", INCUBATE),
    ("心理疏导工作室", "other", (*INCUBATE, "score:midterm:0.55", "midterm_rectify")),
    ("楼道自治会", "community_affairs", (*INCUBATE, "extend")),
    ("非遗剪纸社", "culture_sports", (*INCUBATE, "request_graduation")),
    ("公益律师团", "legal", (*INCUBATE, "request_graduation")),
    ("夕阳摄影协会", "culture_sports", GRADUATE),
    ("绿色骑行队", "environment", GRADUATE),
    ("阳光助学社", "youth", GRADUATE),
    ("广场舞协会", "culture_sports", ("accept", "submit", "score:screening:0.5", "reject")),
    ("宠物文明养护队", "other", ("accept", "submit", "score:screening:0.55", "reject")),
    ("手工编织小组", "culture_sports", ("accept", "withdraw")),
    ("社区电商帮扶队", "other", (*INCUBATE, "terminate")),
)
REASONS = {
    "admit": "筛选评分达到录取档次，服务需求明确",
    "reject": "项目方案与社区需求匹配度不足",
    "extend": "登记材料仍在办理，延长孵化期 6 个月",
    "withdraw": "发起人工作调动，主动撤回申请",
    "terminate": "骨干流失，无法继续开展活动",
    "midterm_rectify": "服务台账不完整，财务账目不规范，限 30 日内整改",
}
PACKAGE = ("office_space", "capacity_training", "mentoring", "registration_help")
# The center's rooms: (zone, name, capacity, area in m², desks).
ROOMS = (
    ("office", "201 办公室", 8, 45, 6),
    ("office", "202 办公室", 8, 45, 6),
    ("training", "301 培训室", 40, 80, 0),
    ("display", "一楼展示厅", 30, 60, 8),
)
SUPPORT = (
    ("coaching", "项目书撰写辅导", "李督导", "2", "0"),
    ("training", "社会组织财务管理培训", "街道社会组织服务中心", "3", "0"),
    ("subsidy", "启动资金小额补贴", "街道办事处", "0", "5000"),
)
# A tiny but real PDF, standing in for the stamped agreement scan.
AGREEMENT_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


async def person(username: str, role: str) -> CurrentUser:
    user_id = await find_user_id(username)
    row = await get_user(user_id) if user_id is not None else None
    assert row is not None, username
    return CurrentUser(row["id"], username, row["display_name"], role, None, None)


async def _score(staff: CurrentUser, organization_id: int, rubric: str, scale: float) -> None:
    """The center assigns both demo assessors, who score and submit through their reviews."""
    scorers = [await person(u, ASSESSOR) for u in ("assessor", "assessor2")]
    await reviews.assign(staff, organization_id, [s.id for s in scorers], local_today())
    for n, scorer in enumerate(scorers):
        item = next(
            i
            for i in await reviews.reviews_for(scorer, organization_id)
            if i["status"] == "assigned" and i["kind"] == f"{rubric}_review"
        )
        page = await reviews.review(scorer, item["id"])
        # The two reviewers differ a little, as real ones do.
        factor = min(1.0, scale + (0.04 if n else -0.02))
        points = {
            s.code: round(s.max_points * factor, 1)
            for s in scoring_rules.leaves(page["rubric"]["specs"])
        }
        await reviews.save(scorer, item["id"], page["sheet"]["version"], points, {}, "", True)


async def _space(staff: CurrentUser) -> None:
    taken = {r["name"] for r in await center.rooms_with_desks(include_archived=True)}
    for zone, name, capacity, area, desks in ROOMS:
        if name not in taken:
            await center.create_room(
                staff,
                {"zone": zone, "name": name, "capacity": capacity, "area": area, "desks": desks},
            )


async def _agreement(staff: CurrentUser, organization_id: int, ends_soon: bool) -> None:
    """Drafts the agreement with a free desk for in-park tracks; one of them ends soon."""
    organization = await organizations.get_organization(staff, organization_id)
    assert organization is not None
    track = organization["incubation_track"]
    today = local_today()
    start = today - dt.timedelta(days=30)
    if ends_soon:
        start = add_months(today, -center_rules.TRACK_MONTHS[track]) + dt.timedelta(days=20)
    start, end = center_rules.default_period(track, start)
    desks = []
    if track in center_rules.IN_PARK_TRACKS:
        free = await center.desks_for_form(None)
        desks = [next(d["id"] for d in free if d["zone"] == "office")]
    await center.save_agreement(
        staff,
        organization_id,
        0,
        {
            "period_start": start,
            "period_end": end,
            "signed_on": start - dt.timedelta(days=3),
            "obligations": center_rules.DEFAULT_OBLIGATIONS,
            "commitment": center_rules.DEFAULT_COMMITMENT,
        },
        PACKAGE,
        desks,
    )


async def _support(staff: CurrentUser, organization_id: int) -> None:
    for n, (kind, topic, provider, hours, amount) in enumerate(SUPPORT):
        await center.add_support(
            staff,
            organization_id,
            {
                "kind": kind,
                "held_on": local_today() - dt.timedelta(days=20 - 5 * n),
                "topic": topic,
                "provider": provider,
                "hours": Decimal(hours),
                "amount": Decimal(amount),
            },
        )


async def _checklist(staff: CurrentUser, organization_id: int) -> None:
    organization = await organizations.get_organization(staff, organization_id)
    assert organization is not None
    for code, _label in org_rules.checklist_for(organization["incubation_track"]):
        await pipeline.set_check(staff, organization_id, code, True)


async def seed_pipeline_demo(uploads_dir: Path) -> int:
    """Adds the demo pipeline organizations unless they exist; returns how many were added."""
    staff = await person("staff", STAFF)
    await _space(staff)
    ending_soon_done = False
    communities = itertools.cycle(await community_choices())
    added = 0
    for name, field, steps in PATHS:
        community = next(communities)
        full_name = f"{community['name']}{name}"
        if await organizations.organization_id_by_name(full_name):
            continue
        organization_id = await organizations.create_organization(
            None,
            {
                "name": full_name,
                "org_type": "community_org",
                "registration_status": "unregistered",
                "service_field": field,
                "community_id": community["id"],
                "legal_representative": "王" + name[:1],
                "contact_phone": f"1380519{added:04d}",
                "address": f"{community['name']}活动中心",
                "description": f"{full_name}由社区居民发起，面向本社区开展服务。",
                "members_count": 10 + added,
                "volunteers_count": 20 + 3 * added,
            },
        )
        version = 1
        for step in steps:
            if step.startswith("score:"):
                _score_step, rubric, scale = step.split(":")
                await _score(staff, organization_id, rubric, float(scale))
                continue
            if step == "agreement":
                await _agreement(staff, organization_id, ends_soon=not ending_soon_done)
                ending_soon_done = True
                continue
            if step == "support":
                await _support(staff, organization_id)
                continue
            if step == "checklist":
                await _checklist(staff, organization_id)
                continue
            attachment = None
            if step == "sign_agreement":
                attachment = pipeline.Attachment(
                    AGREEMENT_PDF, f"{full_name}入驻协议.pdf", uploads_dir, 1024 * 1024
                )
            track = ("in_park_12", "in_park_6", "off_park")[added % 3] if step == "admit" else None
            await pipeline.transition(
                staff,
                organization_id,
                version,
                step,
                REASONS.get(step, ""),
                attachment,
                track,
                PACKAGE if step == "admit" else (),
            )
            version += 1
        added += 1
    return added
