"""The figure a target's metric function gives (TARGETS.md): numerator, denominator, value, met,
and where the records behind it are listed. Each work area computes its own targets (by SQL
aggregates, in its `metrics.py`); the assessment reads these figures and never counts records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from incubator.core.scoping import int_or_none


@dataclass(frozen=True)
class Figure:
    code: str
    value: Decimal | None
    met: bool | None  # None: not applicable (neither met nor failed)
    numerator: int | None = None
    denominator: int | None = None
    # The list pages of the records counted (denominator) and of those that meet it (numerator).
    records: str = ""
    numerator_records: str = ""
    note: str = ""  # how it was counted, in words, when the figure alone does not say


def percent(numerator: int, denominator: int) -> Decimal | None:
    """Per cent with one decimal, rounded half up; None when there is nothing to count."""
    if denominator == 0:
        return None
    exact = Decimal(numerator) * 100 / Decimal(denominator)
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def at_least(numerator: int, denominator: int, share: Fraction) -> bool:
    """The ratio compared exactly (74.96% is below 75%), never on the rounded per cent."""
    return denominator > 0 and Fraction(numerator, denominator) >= share


def plan_year(raw: Any, default: int) -> int:
    """A plan year from a query string (2000 to 2100), or the default."""
    value = int_or_none(raw)
    return value if value is not None and 2000 <= value <= 2100 else default


def as_of_date(raw: Any, year: int, today: dt.date) -> dt.date:
    """TARGETS.md: a figure is seen as of today for the current year, 31 December for a past
    one, or a date the user picks within the year."""
    try:
        chosen = dt.date.fromisoformat(str(raw or ""))
    except ValueError:
        chosen = None
    if chosen is not None and chosen.year == year:
        return chosen
    return today if year == today.year else dt.date(year, 12, 31)
