"""Row scoping for the scoped roles, applied in services (never only hidden in templates)."""

from __future__ import annotations

from typing import Any

from incubator.core.auth import CurrentUser
from incubator.core.roles import APPLICANT, COMMUNITY

NOTHING = -1  # an id no row has: a scoped user without a scope sees nothing
# Ids (SERIAL) and integer columns are 32-bit on PostgreSQL: a larger number is no id, and the
# driver would fail on it (500) instead of finding nothing.
MAX_ID = 2**31 - 1


def int_or_none(value: Any) -> int | None:
    """An integer a column can hold (32-bit on PostgreSQL), or None: a larger one would overflow."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -MAX_ID - 1 <= number <= MAX_ID else None


def row_id(raw: Any) -> int | None:
    """An id from a query string or form (ASCII digits, 1..MAX_ID), or None for anything else."""
    text = raw if isinstance(raw, str) else str(raw) if isinstance(raw, int) else ""
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


class NotVisible(LookupError):
    """The record named by the address is missing or outside the caller's scope: answered 404
    exactly like a missing page, so another scope's ids reveal nothing (core/web.py maps it)."""


def scope_filter(user: CurrentUser, *, community: Any = None, organization: Any = None) -> Any:
    """A where-clause limiting rows to the user's scope, or None for the street-wide roles.

    `community` / `organization` are the columns that carry the row's scope; a role whose scope
    column the table lacks sees nothing of it.
    """
    if user.street_wide:
        return None
    if user.role == COMMUNITY:
        column, value = community, user.community_id
    elif user.role == APPLICANT:
        column, value = organization, user.organization_id
    else:
        column, value = None, None
    if column is None:
        # No scope column: match nothing, using any column of the table at hand.
        any_column = community if community is not None else organization
        return any_column == NOTHING
    return column == (value if value is not None else NOTHING)


def where_all(query: Any, *clauses: Any) -> Any:
    """Adds the clauses that are not None (an absent scope or filter adds nothing)."""
    present = [c for c in clauses if c is not None]
    return query.where(*present) if present else query
