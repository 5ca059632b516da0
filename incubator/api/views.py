"""JSON API v1. Personal API tokens or the browser session; lists follow core.pagination."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, Request, get
from litestar.params import FromQuery

from incubator.core.http import user_of
from incubator.core.pagination import PageRequest, page_request
from incubator.core.roles import ADMIN, ASSESSOR, COMMUNITY, STAFF, allow, allow_signed_in
from incubator.regions import service as regions


@dataclass
class Me:
    id: int
    username: str
    display_name: str
    role: str
    community_id: int | None
    organization_id: int | None


@dataclass
class CommunityItem:
    id: int
    name: str
    code: str
    street: str
    occupied_households: int
    grid_count: int


@dataclass
class CommunityList:
    items: list[CommunityItem]
    total: int
    page: int
    page_size: int


class ApiV1Controller(Controller):
    path = "/api/v1"
    tags = ["v1"]

    @get("/me", opt=allow_signed_in())
    async def me(self, request: Request) -> Me:
        user = user_of(request)
        return Me(
            id=user.id,
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            community_id=user.community_id,
            organization_id=user.organization_id,
        )

    @get("/communities", opt=allow(ADMIN, STAFF, ASSESSOR, COMMUNITY))
    async def communities(
        self,
        request: Request,
        page: FromQuery[int] = 1,
        page_size: FromQuery[int] = 20,
    ) -> CommunityList:
        paging: PageRequest = page_request({"page": page, "page_size": page_size})
        result = await regions.list_communities(user_of(request), paging)
        return CommunityList(
            items=[
                CommunityItem(
                    id=r["id"],
                    name=r["name"],
                    code=r["code"],
                    street=r["street_name"],
                    occupied_households=r["occupied_households"],
                    grid_count=r["grid_count"],
                )
                for r in result.items
            ],
            total=result.total,
            page=result.page,
            page_size=result.page_size,
        )


NAV = ()
ROUTES = [ApiV1Controller]
