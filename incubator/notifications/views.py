"""The user's notifications."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from incubator.core.http import see_other, user_of
from incubator.core.i18n import N_
from incubator.core.nav import NavItem
from incubator.core.roles import ALL_ROLES, allow_signed_in
from incubator.notifications import service

NAV = (NavItem(N_("消息通知"), "/notifications", frozenset(ALL_ROLES), order=990),)


class NotificationController(Controller):
    path = "/notifications"
    opt = allow_signed_in()

    @get("/")
    async def index(self, request: Request) -> Template:
        return Template(
            "notifications/index.html",
            context={"notifications": await service.recent(user_of(request))},
        )

    @post("/read")
    async def read_all(self, request: Request) -> Redirect:
        await service.mark_all_read(user_of(request))
        return see_other("/notifications")


ROUTES = [NotificationController]
