"""The admin's audit-log browser: filter by table, action, actor, record and date."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, Request, get
from litestar.response import Template

from incubator.core.audit import ACTION_LABELS, TABLE_LABELS, search
from incubator.core.i18n import N_
from incubator.core.nav import NavItem
from incubator.core.pagination import ListSpec
from incubator.core.roles import ADMIN, allow

NAV = (NavItem(N_("审计日志"), "/admin/audit", frozenset({ADMIN}), order=910),)
FILTERS = ("table", "action", "actor", "record", "date_from", "date_to")
AUDIT = ListSpec(FILTERS, page_size=50)


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


class AuditController(Controller):
    path = "/admin/audit"
    opt = allow(ADMIN)

    @get("/")
    async def index(self, request: Request) -> Template:
        query = AUDIT.read(request.query_params)
        filters = query.filters
        page, tables, actions = await search(
            table=filters["table"],
            action=filters["action"],
            actor=filters["actor"],
            record=filters["record"],
            date_from=_date(filters["date_from"]),
            date_to=_date(filters["date_to"]),
            request=query.page,
        )
        return Template(
            "admin/audit.html",
            context={
                "page": page,
                "filters": filters,
                "tables": tables,
                "actions": actions,
                "table_labels": TABLE_LABELS,
                "action_labels": ACTION_LABELS,
            },
        )


ROUTES = [AuditController]
