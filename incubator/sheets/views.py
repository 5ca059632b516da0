"""The pages of an import, the same for every sheet: the template, the upload, the progress and
the report of bad rows. A module adds them with one call:

    ImportController = import_controller(
        importer.BOOK, path="/activities/import", roles=allow(ADMIN, STAFF, COMMUNITY),
        back=("/activities", N_("服务记录台账")), title=N_("导入服务记录台账"),
        template_name=N_("服务记录台账导入模板"),
    )
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from incubator.core.flash import flash
from incubator.core.http import (
    download_headers,
    form_data,
    found,
    is_upload,
    see_other,
    settings_of,
    user_of,
)
from incubator.core.i18n import N_, _, text
from incubator.core.web import takes_files
from incubator.core.xlsx import XLSX_MEDIA_TYPE
from incubator.sheets import service
from incubator.sheets.template import template_xlsx

STATUSES = {
    "queued": N_("排队中"),
    "checking": N_("正在检查"),
    "writing": N_("正在写入"),
    "done": N_("已完成"),
    "refused": N_("未导入"),
    "failed": N_("失败"),
}


def import_controller(
    book: service.Book,
    *,
    path: str,
    roles: dict[str, Any],
    back: tuple[str, str],
    title: str,
    template_name: str,
) -> type[Controller]:
    """The import pages of `book` under `path`, for `roles`. `back` is the (path, label) of the
    list the records land in; `title` and `template_name` are N_() literals."""
    max_bytes = max(i.max_bytes for i in book.importers)
    max_mb = max_bytes // 1024 // 1024
    page = {
        "title": title,
        "back": back,
        "base": path,
        "sheets": book.sheets,
        "max_mb": max_mb,
        "statuses": STATUSES,
    }

    class ImportController(Controller):
        opt = roles
        # What it imports: every book must also be one the import job knows (background.BOOKS).
        imports = book

        @get("/")
        async def index(self, request: Request) -> Template:
            jobs = await service.recent(user_of(request), book)
            return Template("sheets/import.html", context={**page, "jobs": jobs})

        @get("/template.xlsx")
        async def template(self) -> Response:
            return Response(
                content=template_xlsx(book.sheets),
                media_type=XLSX_MEDIA_TYPE,
                headers=download_headers(f"{text(template_name)}.xlsx"),
            )

        @post("/", opt=takes_files())
        async def upload(self, request: Request) -> Redirect:
            upload = (await form_data(request)).get("file")
            if not is_upload(upload) or not upload.filename:
                flash(request, _("请选择要导入的 Excel 文件"), "error")
                return see_other(path)
            # Read at most one byte past the limit: a huge upload is refused without holding it.
            data = await upload.read(max_bytes + 1)
            if not data:
                flash(request, _("文件为空，请选择填好的 Excel 文件"), "error")
                return see_other(path)
            if len(data) > max_bytes:
                flash(request, _("文件过大：导入文件最大 {n} MB").format(n=max_mb), "error")
                return see_other(path)
            imports_dir = settings_of(request).imports_dir
            import_id = await service.start(
                user_of(request), book, upload.filename, data, imports_dir
            )
            return see_other(f"{path}/{import_id}")

        @get("/{import_id:int}")
        async def show(self, request: Request, import_id: FromPath[int]) -> Template:
            job = found(await service.job(user_of(request), book, import_id))
            return Template(
                "sheets/import_job.html",
                context={**page, "job": job, "running": _running(job)},
            )

        @get("/{import_id:int}/status")
        async def status(self, request: Request, import_id: FromPath[int]) -> dict:
            job = found(await service.job(user_of(request), book, import_id))
            writing = job["status"] == "writing"
            return {
                "status": job["status"],
                "running": _running(job),
                "fields": {
                    "label": text(STATUSES.get(job["status"], job["status"])),
                    "total": job["total_rows"],
                    "checked": job["checked_rows"],
                    "written": job["written_rows"],
                },
                "bar": {
                    "value": job["written_rows"] if writing else job["checked_rows"],
                    "max": max(job["total_rows"], 1),
                },
            }

    ImportController.path = path
    ImportController.__name__ = ImportController.__qualname__ = f"ImportController_{book.name}"
    return ImportController


def _running(job: dict) -> bool:
    return job["status"] in service.RUNNING
