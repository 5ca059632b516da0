"""Streets, communities and grids, read through the caller's scope."""

from __future__ import annotations

from piccolo.query.functions.aggregate import Count

from incubator.core import audit
from incubator.core.auth import CurrentUser
from incubator.core.db import read_transaction, write_transaction
from incubator.core.errors import ServiceError
from incubator.core.i18n import _
from incubator.core.pagination import ListSpec, Page, PageRequest, paginate
from incubator.core.roles import ADMIN, COMMUNITY, STAFF
from incubator.core.scoping import NotVisible, scope_filter
from incubator.ground.tables import Community, Grid, Street

# The communities list: a name search, in the order of their codes.
COMMUNITIES = ListSpec(("q",))
COMMUNITY_COLUMNS = (
    Community.id,
    Community.name,
    Community.code,
    Community.occupied_households,
    Community.address,
    Community.phone,
    Community.street.name.as_alias("street_name"),
)


def _scope(user: CurrentUser):
    """Street-wide roles see every community; a community officer only their own."""
    return scope_filter(user, community=Community.id)


async def list_communities(user: CurrentUser, request: PageRequest, q: str = "") -> Page:
    where = [w for w in (_scope(user),) if w is not None]
    if q:
        where.append(Community.name.ilike(f"%{q}%"))
    query = Community.select(*COMMUNITY_COLUMNS).order_by(Community.code)
    count = Community.count()
    if where:
        query, count = query.where(*where), count.where(*where)
    async with read_transaction():
        page = await paginate(query, count, request)
        ids = [row["id"] for row in page.items]
        grid_counts = {
            r["community"]: r["n"]
            for r in await Grid.select(Grid.community, Count(Grid.id, alias="n"))
            .where(Grid.community.is_in(ids or [-1]))
            .group_by(Grid.community)
        }
    for row in page.items:
        row["grid_count"] = grid_counts.get(row["id"], 0)
    return page


async def get_community(user: CurrentUser, community_id: int) -> dict | None:
    scope = _scope(user)
    query = Community.select(*COMMUNITY_COLUMNS).where(Community.id == community_id)
    if scope is not None:
        query = query.where(scope)
    async with read_transaction():
        row = await query.first()
        if row is None:
            return None
        row["grids"] = (
            await Grid.select(Grid.id, Grid.name, Grid.code, Grid.households)
            .where(Grid.community == community_id)
            .order_by(Grid.code)
        )
    return row


async def street_totals() -> dict:
    """The street's name and sizes in one round trip (the home page shows them on every visit)."""
    rows = await Street.raw(
        "SELECT (SELECT name FROM street ORDER BY id LIMIT 1) AS street_name, "
        "(SELECT count(*) FROM community) AS communities, "
        "(SELECT coalesce(sum(occupied_households), 0) FROM community) AS households, "
        "(SELECT count(*) FROM grid) AS grids"
    )
    totals = rows[0]
    return {**totals, "street_name": totals["street_name"] or ""}


async def create_street(actor: CurrentUser | None, name: str, code: str) -> int:
    async with write_transaction():
        rows = await Street.insert(Street(name=name, code=code)).returning(Street.id)
        await audit.record(actor, "street", rows[0]["id"], "create", after={"name": name})
    return rows[0]["id"]


async def create_community(
    actor: CurrentUser | None, street_id: int, name: str, code: str, households: int, **extra: str
) -> int:
    row = {"street": street_id, "name": name, "code": code, "occupied_households": households}
    row.update(extra)
    async with write_transaction():
        rows = await Community.insert(Community(**row)).returning(Community.id)
        await audit.record(actor, "community", rows[0]["id"], "create", after=row)
    return rows[0]["id"]


async def create_grid(
    actor: CurrentUser | None, community_id: int, name: str, code: str, households: int
) -> int:
    row = {"community": community_id, "name": name, "code": code, "households": households}
    async with write_transaction():
        rows = await Grid.insert(Grid(**row)).returning(Grid.id)
        await audit.record(actor, "grid", rows[0]["id"], "create", after=row)
    return rows[0]["id"]


async def community_id_by_name(name: str) -> int | None:
    row = await Community.select(Community.id).where(Community.name == name).first()
    return row["id"] if row else None


async def is_empty() -> bool:
    return not await Street.exists()


async def community_choices() -> list[dict]:
    return await Community.select(Community.id, Community.name).order_by(Community.code)


async def community_options() -> list[tuple[str, str]]:
    """Communities as (value, label) pairs for a select box."""
    return [(str(c["id"]), c["name"]) for c in await community_choices()]


async def grid_options(community_id: int | None = None) -> list[tuple[str, str]]:
    """Grids as (value, "社区 · 网格") pairs for a select box, of one community if given."""
    query = Grid.select(Grid.id, Grid.name, Grid.community.name.as_alias("community_name"))
    if community_id is not None:
        query = query.where(Grid.community == community_id)
    rows = await query.order_by(Grid.code)
    return [(str(r["id"]), f"{r['community_name']} · {r['name']}") for r in rows]


class CommunityChoiceError(ServiceError):
    """The community a record is written for is not one the writer may choose."""


async def record_community(actor: CurrentUser, community_id: int | None) -> dict:
    """The community a work-area record is written for: a community officer's own (naming
    another is refused, not quietly moved); for the street's staff the one chosen, which must
    exist. Anyone else writes for no community."""
    if actor.role == COMMUNITY:
        if community_id not in (None, actor.community_id):
            message = _("只能为本社区登记")
            raise CommunityChoiceError(message, {"community_id": message})
        community_id = actor.community_id
    elif actor.role not in (ADMIN, STAFF):
        raise NotVisible()
    row = (
        await Community.select(Community.id, Community.code, Community.name)
        .where(Community.id == (community_id or -1))
        .first()
    )
    if row is None:
        message = _("请选择社区") if community_id is None else _("所选社区不存在")
        raise CommunityChoiceError(message, {"community_id": message})
    return row
