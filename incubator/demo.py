"""Demo data: 龙虎塘街道 with its communities and grids, and a demo account of every role."""

from __future__ import annotations

from incubator.accounts import service as accounts
from incubator.organizations import service as organizations
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

# (username, display name, role, community name, organization name)
USERS = (
    ("admin", "系统管理员", "admin", None, None),
    ("staff", "王中心", "staff", None, None),
    ("assessor", "李评审", "assessor", None, None),
    ("assessor2", "赵评审", "assessor", None, None),
    ("xianglong", "陈祥龙", "community", "祥龙社区", None),
    ("tenglong", "周腾龙", "community", "腾龙社区", None),
    ("linglong", "吴玲珑", "community", "玲珑社区", None),
    ("qingniao", "刘青鸟", "applicant", None, ORGANIZATION),
)


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
    xianglong = await regions.community_id_by_name("祥龙社区")
    await organizations.create_organization(None, ORGANIZATION, xianglong)
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
