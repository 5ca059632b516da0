"""The targets of 政社互动 (TARGETS.md G1, G2), by SQL aggregates, for one community and plan
year as of a date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from incubator.cooperation import rules
from incubator.cooperation.tables import CooperationAgreement, TwoWayEvaluation
from incubator.core.metrics import Figure, percent
from incubator.core.pagination import query_string


async def g1(community_id: int, year: int, as_of: dt.date) -> Figure:
    """The community's agreement of the year signed on or before 30 June (yes / no): numerator
    1 or 0, denominator 1; no agreement: no, not met."""
    signed = await CooperationAgreement.exists().where(
        (CooperationAgreement.community == community_id)
        & (CooperationAgreement.year == year)
        & CooperationAgreement.signed_on.is_not_null()
        & (CooperationAgreement.signed_on <= min(dt.date(year, 6, 30), as_of))
    )
    records = "/cooperation" + query_string({"year": year})
    return Figure(
        code="G1",
        value=Decimal("100.0") if signed else Decimal("0.0"),
        met=signed,
        numerator=1 if signed else 0,
        denominator=1,
        records=records,
        numerator_records=records,
    )


async def g2(community_id: int, year: int, as_of: dt.date) -> Figure:
    """Half-years (ended by the as-of date) with at least one two-way evaluation scored both
    ways, dated in the year on or before the as-of date; none ended yet: not met."""
    rows = await TwoWayEvaluation.select(TwoWayEvaluation.evaluated_on).where(
        (TwoWayEvaluation.community == community_id)
        & (TwoWayEvaluation.evaluated_on >= dt.date(year, 1, 1))
        & (TwoWayEvaluation.evaluated_on <= min(dt.date(year, 12, 31), as_of))
        & TwoWayEvaluation.street_score.is_not_null()
        & TwoWayEvaluation.community_score.is_not_null()
    )
    numerator, denominator = rules.g2_counts([r["evaluated_on"] for r in rows], year, as_of)
    records = "/cooperation/evaluations" + query_string({"community": community_id, "year": year})
    return Figure(
        code="G2",
        value=percent(numerator, denominator),
        met=denominator > 0 and numerator == denominator,
        numerator=numerator,
        denominator=denominator,
        records=records,
        numerator_records=records,
    )


METRICS = {"G1": g1, "G2": g2}
