"""Flash messages carried to the next page in a signed cookie (no session row needed).

Views call `flash(request, ...)`; the base template calls `flashed_messages(request)`; the
request middleware (core.web) writes or clears the cookie on the way out.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection

FLASH_COOKIE = "flash"
PURPOSE = "flash"
OUT_KEY = "_flash_out"
IN_KEY = "_flash_in"
CONSUMED_KEY = "_flash_consumed"


def flash(connection: ASGIConnection, message: str, category: str = "success") -> None:
    connection.scope.setdefault(OUT_KEY, []).append({"message": message, "category": category})  # type: ignore[typeddict-item]


def flashed_messages(connection: ASGIConnection) -> list[dict[str, Any]]:
    scope: Any = connection.scope
    messages = scope.get(IN_KEY) or []
    if messages:
        scope[CONSUMED_KEY] = True
    return messages
