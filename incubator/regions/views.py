"""Community pages: the list with grid counts and one community with its grids."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromPath
from litestar.response import Template

from incubator.core.http import found, user_of
from incubator.core.i18n import N_
from incubator.core.nav import NavItem
from incubator.core.roles import ADMIN, ASSESSOR, COMMUNITY, STAFF, allow
from incubator.regions import importer, service
from incubator.sheets.views import import_controller

READERS = (ADMIN, STAFF, ASSESSOR, COMMUNITY)
NAV = (NavItem(N_("社区与网格"), "/communities", frozenset(READERS), order=200),)


class CommunityController(Controller):
    path = "/communities"
    opt = allow(*READERS)

    @get("/")
    async def index(self, request: Request) -> Template:
        query = service.COMMUNITIES.read(request.query_params)
        q = query.filters["q"]
        page = await service.list_communities(user_of(request), query.page, q)
        user = user_of(request)
        return Template(
            "regions/communities.html",
            context={
                "page": page,
                "filters": {"q": q},
                "may_import": user.role in (ADMIN, STAFF),
            },
        )

    @get("/{community_id:int}")
    async def show(self, request: Request, community_id: FromPath[int]) -> Template:
        community = found(await service.get_community(user_of(request), community_id))
        return Template("regions/community.html", context={"community": community})


ImportController = import_controller(
    importer.BOOK,
    path="/communities/import",
    roles=allow(ADMIN, STAFF),
    back=("/communities", N_("社区与网格")),
    title=N_("导入社区与网格"),
    template_name=N_("社区与网格导入模板"),
)

ROUTES = [ImportController, CommunityController]
