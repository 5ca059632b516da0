"""Demo data: 龙虎塘街道 with its communities and grids, and a demo account of every role."""

from __future__ import annotations

import datetime as dt

from incubator.accounts import service as accounts
from incubator.core.roles import ADMIN, APPLICANT, ASSESSOR, COMMUNITY, STAFF
from incubator.organizations import service as organizations
from incubator.organizations.rules import credit_code_check_char
from incubator.regions import service as regions

DEMO_PASSWORD = "longhutang2017"  # noqa: S105 - demo accounts, printed by `make run`

STREET = ("龙虎塘街道", "LHT")
# (name, code, occupied households, number of grids). The first three are named in the plan.
COMMUNITIES = (
    ("祥龙社区", "LHT-01", 3120, 6),
    ("腾龙社区", "LHT-02", 2860, 5),
    ("玲珑社区", "LHT-03", 2410, 5),
    ("新龙社区", "LHT-04", 1980, 4),
    ("通江社区", "LHT-05", 1650, 4),
    ("盛龙社区", "LHT-06", 1320, 3),
)
ORGANIZATION = "青鸟志愿者服务队"

# (name, type, registration status, registered on, field, community, members, volunteers, code)
ORGANIZATIONS = (
    (
        ORGANIZATION,
        "community_org",
        "filed",
        "2015-03-12",
        "volunteering",
        "祥龙社区",
        45,
        120,
        None,
    ),
    (
        "龙虎塘街道夕阳红助老服务中心",
        "service_institution",
        "registered",
        "2013-06-18",
        "elderly",
        "腾龙社区",
        12,
        60,
        "52320411MJ1234560X",
    ),
    (
        "龙虎塘街道社会组织联合会",
        "social_group",
        "registered",
        "2016-01-08",
        "community_affairs",
        None,
        38,
        20,
        "51320411MJ2345671X",
    ),
    (
        "玲珑社区邻里守望互助会",
        "community_org",
        "filed",
        "2016-09-01",
        "community_affairs",
        "玲珑社区",
        30,
        85,
        None,
    ),
    (
        "常州市新北区阳光助残服务社",
        "service_institution",
        "registered",
        "2014-11-20",
        "disability",
        "新龙社区",
        9,
        40,
        "52320411MJ3456782X",
    ),
    (
        "腾龙社区青少年成长营",
        "community_org",
        "unregistered",
        None,
        "youth",
        "腾龙社区",
        8,
        25,
        None,
    ),
    (
        "通江社区绿色家园环保队",
        "community_org",
        "filed",
        "2017-02-15",
        "environment",
        "通江社区",
        16,
        50,
        None,
    ),
    (
        "龙虎塘法律服务志愿团",
        "community_org",
        "unregistered",
        None,
        "legal",
        "盛龙社区",
        6,
        12,
        None,
    ),
)

# (username, display name, role, community name, organization name)
USERS = (
    ("admin", "系统管理员", ADMIN, None, None),
    ("staff", "王中心", STAFF, None, None),
    ("assessor", "李评审", ASSESSOR, None, None),
    ("assessor2", "赵评审", ASSESSOR, None, None),
    ("xianglong", "陈祥龙", COMMUNITY, "祥龙社区", None),
    ("tenglong", "周腾龙", COMMUNITY, "腾龙社区", None),
    ("linglong", "吴玲珑", COMMUNITY, "玲珑社区", None),
    ("qingniao", "刘青鸟", APPLICANT, None, ORGANIZATION),
)


def with_check_char(code: str) -> str:
    """Demo codes are made up; give them a valid check character."""
    return code[:17] + credit_code_check_char(code[:17])


async def seed_demo() -> list[tuple[str, str, str]]:
    """Loads the demo data into an empty database; returns (username, role, password) rows."""
    if not await regions.is_empty():
        return []
    street_id = await regions.create_street(None, *STREET)
    for name, code, households, grids in COMMUNITIES:
        community_id = await regions.create_community(
            None, street_id, name, code, households, address=f"常州市新北区{STREET[0]}{name}"
        )
        per_grid = households // grids
        for n in range(1, grids + 1):
            await regions.create_grid(
                None, community_id, f"{name}第{n}网格", f"{code}-G{n:02d}", per_grid
            )
    for (
        name,
        kind,
        status,
        registered,
        field,
        community,
        members,
        volunteers,
        code,
    ) in ORGANIZATIONS:
        await organizations.create_organization(
            None,
            {
                "name": name,
                "org_type": kind,
                "registration_status": status,
                "registration_date": dt.date.fromisoformat(registered) if registered else None,
                "service_field": field,
                "community_id": await regions.community_id_by_name(community)
                if community
                else None,
                "members_count": members,
                "volunteers_count": volunteers,
                "credit_code": with_check_char(code) if code else None,
                "legal_representative": "张" + name[-2:],
                "contact_phone": "1391234" + f"{members:04d}",
            },
        )
    created = []
    for username, display_name, role, community, organization in USERS:
        await accounts.create_user(
            None,
            {
                "username": username,
                "password": DEMO_PASSWORD,
                "display_name": display_name,
                "role": role,
                "community_id": await regions.community_id_by_name(community)
                if community
                else None,
                "organization_id": await organizations.organization_id_by_name(organization)
                if organization
                else None,
            },
        )
        created.append((username, role, DEMO_PASSWORD))
    return created


async def existing_demo_accounts() -> list[tuple[str, str, str]]:
    """The demo accounts still present, so `make run` can remind people how to sign in."""
    rows = []
    for username, _name, role, _community, _organization in USERS:
        if await accounts.find_user_id(username) is not None:
            rows.append((username, role, DEMO_PASSWORD))
    return rows
