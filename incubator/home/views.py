"""The signed-in home page, the language switch and the health check."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template

from incubator.accounts import service as accounts
from incubator.cooperation import service as cooperation
from incubator.core import db, i18n
from incubator.core.http import form_data, safe_next, see_other, settings_of, user_of
from incubator.core.i18n import N_, local_today
from incubator.core.nav import NavItem
from incubator.core.roles import (
    ADMIN,
    ALL_ROLES,
    APPLICANT,
    ASSESSOR,
    COMMUNITY,
    PUBLIC_ROUTE,
    STAFF,
    allow_signed_in,
)
from incubator.facilities import service as facilities
from incubator.notifications import service as notifications
from incubator.organizations import service as organizations
from incubator.regions import service as regions
from incubator.settings import LANGUAGES
from incubator.workitems import service as workitems

NAV = (NavItem(N_("首页"), "/", frozenset(ALL_ROLES), order=0),)
# Who works in the plan's community work areas (the home page shows where each stands).
AREA_ROLES = (ADMIN, STAFF, ASSESSOR, COMMUNITY)


class HomeController(Controller):
    @get("/", opt=allow_signed_in())
    async def home(self, request: Request) -> Template:
        user = user_of(request)
        context = {
            "totals": await regions.street_totals(),
            "role_counts": await accounts.counts_by_role() if user.role == ADMIN else None,
            "due": await workitems.due_lists(user, local_today()),
            "my_organization": await organizations.get_organization(user, user.organization_id)
            if user.organization_id
            else None,
            "my_community": await regions.get_community(user, user.community_id)
            if user.community_id
            else None,
            # The plan's work areas, for the roles that work in them.
            "facilities": await facilities.home_summary(user, local_today())
            if user.role in AREA_ROLES
            else None,
            "cooperation": await cooperation.home_summary(user, local_today())
            if user.role in AREA_ROLES
            else None,
            # Only applicants receive notifications so far: no query for the other roles.
            "unread": await notifications.unread_count(user) if user.role == APPLICANT else 0,
        }
        return Template("home/index.html", context=context)

    @post("/language", opt=PUBLIC_ROUTE)
    async def set_language(self, request: Request) -> Redirect:
        data = await form_data(request)
        lang = data.get("lang") if data.get("lang") in LANGUAGES else "zh-CN"
        back = safe_next(data.get("next") if isinstance(data.get("next"), str) else None)
        response = see_other(back)
        response.set_cookie(
            i18n.LANG_COOKIE,
            str(lang),
            path="/",
            max_age=365 * 24 * 3600,
            samesite="lax",
            httponly=True,
            secure=settings_of(request).production,
        )
        return response

    @get("/healthz", opt=PUBLIC_ROUTE, include_in_schema=False)
    async def health(self) -> Response:
        try:
            await db.ping()
        except Exception as exc:  # any failure to reach the database is "down"
            return Response(
                {"status": "error", "database": f"unreachable: {type(exc).__name__}"},
                status_code=503,
            )
        return Response({"status": "ok", "database": "ok"})


ROUTES = [HomeController]
