"""Small helpers views share: settings, form data, safe redirects, client details."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from incubator.core.auth import CurrentUser, require_user
from incubator.core.i18n import local_today
from incubator.core.xlsx import XLSX_MEDIA_TYPE, ExportColumn, export_xlsx
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


def found(row: Any) -> Any:
    if row is None:
        raise NotFoundException()
    return row


def is_upload(value: Any) -> bool:
    return isinstance(value, UploadFile)


async def uploaded_file(request: Request, name: str) -> tuple[bytes, str] | None:
    """The file posted under `name` as (content, file name), or None when none was chosen."""
    upload = (await form_data(request)).get(name)
    if not is_upload(upload) or not upload.filename:
        return None
    return await upload.read(), upload.filename


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


def xlsx_download(title: str, columns: Sequence[ExportColumn], rows: Sequence[Any]) -> Response:
    """A list's rows as an XLSX download named after its (translated) title and today."""
    return xlsx_response(export_xlsx(title, columns, rows), title)


def xlsx_response(content: bytes, title: str) -> Response:
    """A workbook as a download named after its (translated) title and today."""
    return Response(
        content,
        media_type=XLSX_MEDIA_TYPE,
        headers=download_headers(f"{title}-{local_today():%Y%m%d}.xlsx"),
    )
