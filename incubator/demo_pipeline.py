"""Demo organizations spread over every stage and exit of the pipeline, moved there through
the real services (scores, agreement scans, timelines, follow-up items), so the board, the
timelines and the work lists have something true to show."""

from __future__ import annotations

import itertools
from pathlib import Path

from incubator.accounts.service import find_user_id, get_user
from incubator.core.auth import CurrentUser
from incubator.core.i18n import local_today
from incubator.organizations import pipeline_service as pipeline
from incubator.organizations import service as organizations
from incubator.regions.service import community_choices
from incubator.reviews import service as reviews
from incubator.scoring import rules as scoring_rules

# (name, field, the steps to take). Each path ends in the stage or exit it is named for.
ADMIT = ("accept", "submit", "score:screening:0.88", "admit")
INCUBATE = (*ADMIT, "sign_agreement")
GRADUATE = (*INCUBATE, "request_graduation", "score:graduation:0.86", "graduate")
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
    ("心理疏导工作室", "other", INCUBATE),
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
}
# A tiny but real PDF, standing in for the stamped agreement scan.
AGREEMENT_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


async def _person(username: str, role: str) -> CurrentUser:
    user_id = await find_user_id(username)
    row = await get_user(user_id) if user_id is not None else None
    assert row is not None, username
    return CurrentUser(row["id"], username, row["display_name"], role, None, None)


async def _score(staff: CurrentUser, organization_id: int, scale: float) -> None:
    """The center assigns both demo assessors, who score and submit through their reviews."""
    scorers = [await _person(u, "assessor") for u in ("assessor", "assessor2")]
    await reviews.assign(staff, organization_id, [s.id for s in scorers], local_today())
    for n, scorer in enumerate(scorers):
        item = next(
            i
            for i in await reviews.reviews_for(scorer, organization_id)
            if i["status"] == "assigned"
        )
        page = await reviews.review(scorer, item["id"])
        # The two reviewers differ a little, as real ones do.
        factor = min(1.0, scale + (0.04 if n else -0.02))
        points = {
            s.code: round(s.max_points * factor, 1)
            for s in scoring_rules.leaves(page["rubric"]["specs"])
        }
        await reviews.save(scorer, item["id"], page["sheet"]["version"], points, {}, "", True)


async def seed_pipeline_demo(uploads_dir: Path) -> int:
    """Adds the demo pipeline organizations unless they exist; returns how many were added."""
    staff = await _person("staff", "staff")
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
                await _score(staff, organization_id, float(step.rsplit(":", 1)[1]))
                continue
            attachment = None
            if step == "sign_agreement":
                attachment = pipeline.Attachment(
                    AGREEMENT_PDF, f"{full_name}入驻协议.pdf", uploads_dir, 1024 * 1024
                )
            track = ("in_park_12", "in_park_6", "off_park")[added % 3] if step == "admit" else None
            await pipeline.transition(
                staff, organization_id, version, step, REASONS.get(step, ""), attachment, track
            )
            version += 1
        added += 1
    return added
