"""The pipeline board as a spreadsheet: every organization the board counts, one row each.

The board shows at most BOARD_CARDS_PER_STAGE cards a column; the export lists all of them, with
the same scope and the same filters (`board_clauses`), in the board's column order.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from incubator.applications.tables import Application
from incubator.core.auth import CurrentUser
from incubator.core.db import read_transaction
from incubator.core.i18n import LOCAL_TZ, N_, _, text
from incubator.core.scoping import int_or_none, row_id, where_all
from incubator.core.xlsx import ExportColumn
from incubator.ground.tables import Organization
from incubator.organizations import rules
from incubator.organizations.service import organization_scope

# The board's query parameters.
FILTERS = ("round", "community", "service_field", "year")

TITLE = N_("孵化流程")
COLUMNS = (
    ExportColumn(N_("阶段"), 12, lambda r: text(rules.stage_label(r["stage"]))),
    ExportColumn(N_("组织名称"), 34, lambda r: r["name"]),
    ExportColumn(N_("服务社区"), 12, lambda r: r["community_name"] or _("全街道")),
    ExportColumn(
        N_("服务领域"), 12, lambda r: text(rules.label(rules.SERVICE_FIELDS, r["service_field"]))
    ),
    ExportColumn(
        N_("孵化方式"),
        18,
        lambda r: (
            text(rules.label(rules.TRACKS, r["incubation_track"])) if r["incubation_track"] else ""
        ),
    ),
    ExportColumn(N_("进入本阶段时间"), 18, lambda r: r["stage_since"]),
)


async def board_clauses(user: CurrentUser, filters: dict[str, str]) -> list[Any]:
    """Which organizations are on the board for this user and these filters.

    The board itself (pipeline_service.board) uses them: scope, in the pipeline, not archived,
    community, service field, recruitment round, year the current stage began.
    """
    clauses = [
        organization_scope(user),
        Organization.stage.is_not_null(),
        Organization.is_archived.eq(False),
    ]
    if (community := row_id(filters.get("community"))) is not None:
        clauses.append(Organization.community == community)
    if filters.get("service_field"):
        clauses.append(Organization.service_field == filters["service_field"])
    round_id = row_id(filters.get("round"))
    if round_id is not None:
        in_round = await Application.select(Application.organization).where(
            Application.round == round_id
        )
        clauses.append(Organization.id.is_in([r["organization"] for r in in_round] or [-1]))
    year = int_or_none(filters.get("year"))
    if year is not None and 2000 <= year <= 2100:
        start = dt.datetime(year, 1, 1, tzinfo=LOCAL_TZ)
        clauses.append(
            (Organization.stage_since >= start)
            & (Organization.stage_since < start.replace(year=year + 1))
        )
    return clauses


async def board_rows(user: CurrentUser, filters: dict[str, str]) -> list[dict[str, Any]]:
    """The board's organizations, column by column, the most recently moved first in each."""
    async with read_transaction():
        clauses = await board_clauses(user, filters)
        rows = await where_all(
            Organization.select(
                Organization.id,
                Organization.name,
                Organization.stage,
                Organization.stage_since,
                Organization.service_field,
                Organization.incubation_track,
                Organization.community.name.as_alias("community_name"),
            ).order_by(Organization.id),
            *clauses,
        )
    order = {code: index for index, (code, _label) in enumerate(rules.ALL_STATES)}
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    # Stable sorts: by stage_since descending, then by the board's column order.
    rows.sort(key=lambda r: r["stage_since"] or oldest, reverse=True)
    rows.sort(key=lambda r: order.get(r["stage"], len(order)))
    return rows
