"""The staff "my work" page: what waits for the center today, gathered from every module."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Template

from incubator.center import service as center
from incubator.core.http import user_of
from incubator.core.i18n import N_, local_today
from incubator.core.nav import NavItem
from incubator.core.roles import ADMIN, ASSESSOR, STAFF, allow
from incubator.organizations import pipeline_service as pipeline
from incubator.reviews import service as reviews
from incubator.workitems import rules as workitem_rules
from incubator.workitems import service as workitems

NAV = (NavItem(N_("我的工作"), "/my-work", frozenset({ADMIN, STAFF, ASSESSOR}), order=5),)


class MyWorkController(Controller):
    path = "/my-work"
    opt = allow(ADMIN, STAFF, ASSESSOR)

    @get("/")
    async def index(self, request: Request) -> Template:
        user = user_of(request)
        today = local_today()
        follow_ups = await workitems.due_lists(user, today, kinds=("follow_up",))
        milestones = await workitems.due_lists(
            user, today, kinds=("milestone", "report", "rectification", "facility_project")
        )
        my_reviews = [
            r
            for r in await reviews.reviews_for(user)
            if r["is_open"] and (r["owner"] == user.id or user.role == ASSESSOR)
        ]
        return Template(
            "home/my_work.html",
            context={
                "waiting": await pipeline.waiting_for_screening(user)
                if user.role in (ADMIN, STAFF)
                else [],
                "my_reviews": my_reviews,
                "agreements_ending": await center.ending_soon(user, today)
                if user.role in (ADMIN, STAFF)
                else [],
                "follow_ups": follow_ups,
                "overdue_milestones": milestones["overdue"],
                "kinds": {k.code: k for k in workitem_rules.kinds()},
            },
        )


ROUTES = [MyWorkController]
