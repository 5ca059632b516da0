"""The targets of 社区阵地建设 (TARGETS.md F1, F2), by SQL aggregates, for one community and plan
year as of a date."""

from __future__ import annotations

import datetime as dt

from piccolo.query.functions.aggregate import Count

from incubator.core.i18n import LOCAL_TZ
from incubator.core.metrics import Figure, percent
from incubator.core.pagination import query_string
from incubator.facilities import rules
from incubator.facilities.service import on_time_clause
from incubator.facilities.tables import FacilityProject, StationCheck

# Both met only in full: every project on time (F1), all four items (F2).
F2_ITEMS = len(rules.STATION_ITEMS)


async def f1(community_id: int, year: int, as_of: dt.date) -> Figure:
    """Projects approved by 30 June and in use by 31 December (both on or before the as-of
    date), of all the community's projects of the year; none: not applicable. An archived
    project is not one of its projects, nor one cancelled (撤销) on or before the as-of date
    (one cancelled later still counted then)."""
    after_as_of = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), LOCAL_TZ)
    counted = (
        (FacilityProject.community == community_id)
        & (FacilityProject.year == year)
        & FacilityProject.archived.eq(False)
        & (
            (FacilityProject.work_item.status != rules.CANCELLED)
            | (FacilityProject.work_item.closed_at >= after_as_of)
        )
    )
    row = await FacilityProject.select(Count(FacilityProject.id, alias="n")).where(counted).first()
    denominator = (row or {}).get("n") or 0
    met_row = (
        await FacilityProject.select(Count(FacilityProject.id, alias="n"))
        .where(counted & on_time_clause(year, as_of))
        .first()
    )
    numerator = (met_row or {}).get("n") or 0
    base = {"community": community_id, "year": year}
    return Figure(
        code="F1",
        value=percent(numerator, denominator),
        met=None if denominator == 0 else numerator == denominator,
        numerator=numerator,
        denominator=denominator,
        records="/facilities" + query_string(base),
        numerator_records="/facilities" + query_string(base, on_time="1", as_of=as_of),
    )


async def f2(community_id: int, year: int, as_of: dt.date) -> Figure:
    """Items of the three-stations checklist of the year done and checked on or before the
    as-of date, of 4; no checklist: 0 of 4, not met."""
    row = (
        await StationCheck.select(Count(StationCheck.id, alias="n"))
        .where(
            (StationCheck.community == community_id)
            & (StationCheck.year == year)
            & StationCheck.done.eq(True)
            & StationCheck.checked_on.is_not_null()
            & (StationCheck.checked_on <= as_of)
            & StationCheck.item.is_in([code for code, _label in rules.STATION_ITEMS])
        )
        .first()
    )
    numerator = (row or {}).get("n") or 0
    records = f"/facilities/stations/{community_id}/{year}"
    return Figure(
        code="F2",
        value=percent(numerator, F2_ITEMS),
        met=numerator == F2_ITEMS,
        numerator=numerator,
        denominator=F2_ITEMS,
        records=records,
        numerator_records=records,
    )


METRICS = {"F1": f1, "F2": f2}
