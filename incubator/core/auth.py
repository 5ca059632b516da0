"""Who is calling: the CurrentUser value every request carries, and the global role guard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from incubator.core.roles import PUBLIC, ROLES_KEY, STREET_WIDE


@dataclass(frozen=True)
class CurrentUser:
    id: int
    username: str
    display_name: str
    role: str
    community_id: int | None
    organization_id: int | None
    # How this request was authenticated: "session" or "token".
    via: str = "session"

    @property
    def name(self) -> str:
        return self.display_name or self.username

    @property
    def street_wide(self) -> bool:
        return self.role in STREET_WIDE


class TokenExpired(Exception):
    """A real, unrevoked token past its expiry: the API answers 401 saying so."""


@dataclass(frozen=True)
class UserLookup:
    """How the request middleware finds the caller; the accounts module provides it (core
    knows no module above it)."""

    for_session: Callable[[str, dt.timedelta], Awaitable[CurrentUser | None]]
    for_token: Callable[[str], Awaitable[CurrentUser | None]]


def current_user(connection: ASGIConnection) -> CurrentUser | None:
    """The signed-in user or None; safe where the auth middleware did not run (404s, static)."""
    return connection.scope.get("user")


def require_user(connection: ASGIConnection) -> CurrentUser:
    user = current_user(connection)
    if user is None:
        raise NotAuthorizedException()
    return user


def role_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    declared = handler.opt.get(ROLES_KEY)
    if declared is None:
        # A route that forgot to declare its roles is closed, not open.
        raise PermissionDeniedException(detail="route declares no roles")
    if declared == PUBLIC:
        return
    user = require_user(connection)
    if user.role not in declared:
        raise PermissionDeniedException()
