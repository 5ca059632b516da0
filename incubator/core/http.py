"""Small helpers views share: settings, form data, safe redirects, client details."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from incubator.core.auth import CurrentUser, require_user
from incubator.core.scoping import MAX_ID
from incubator.settings import Settings


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def user_of(request: Request) -> CurrentUser:
    return require_user(request)


async def form_data(request: Request) -> dict[str, Any]:
    """Form fields as a plain dict (first value of each); files stay UploadFile objects."""
    form = await request.form()
    return {key: form.get(key) for key in form}


async def form_list(request: Request, key: str) -> list[str]:
    form = await request.form()
    return [v for v in form.getall(key, []) if isinstance(v, str)]


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths: no scheme, no host, no protocol-relative //."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def see_other(path: str) -> Redirect:
    """POST-redirect-GET."""
    return Redirect(path=path, status_code=303)


def int_or_none(value: Any) -> int | None:
    """An integer a column can hold (32-bit on PostgreSQL), or None: a larger one would overflow."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -MAX_ID - 1 <= number <= MAX_ID else None


def found(row: Any) -> Any:
    if row is None:
        raise NotFoundException()
    return row


def is_upload(value: Any) -> bool:
    return isinstance(value, UploadFile)


def download_headers(filename: str, inline: bool = False) -> dict[str, str]:
    """A download with a Chinese file name every browser understands (RFC 6266 / 5987);
    `inline` lets the browser show it (PDFs) instead of saving it."""
    fallback = filename.encode("ascii", "ignore").decode().strip("-_ ") or "download"
    disposition = "inline" if inline else "attachment"
    return {
        "Content-Disposition": f'{disposition}; filename="{fallback}"; '
        f"filename*=UTF-8''{quote(filename)}",
        "X-Content-Type-Options": "nosniff",
    }
