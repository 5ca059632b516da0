"""Upload and download of stored files. Downloads only through here, after the scope check."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File, Redirect

from incubator.core import files
from incubator.core.flash import flash
from incubator.core.http import form_data, is_upload, safe_next, see_other, settings_of, user_of
from incubator.core.i18n import _
from incubator.core.roles import allow_signed_in
from incubator.core.web import takes_files


class FileController(Controller):
    path = "/files"
    opt = allow_signed_in()

    @post("/", opt=takes_files())
    async def upload(self, request: Request) -> Redirect:
        settings = settings_of(request)
        data = await form_data(request)
        upload = data.get("file")
        back = safe_next(
            data.get("next") if isinstance(data.get("next"), str) else None, "/profile"
        )
        if not is_upload(upload):
            flash(request, _("请选择要上传的文件。"), "error")
            return see_other(back)
        content = await upload.read()
        try:
            await files.store_upload(
                uploads_dir=settings.uploads_dir,
                max_bytes=settings.max_upload_bytes,
                data=content,
                original_name=upload.filename or "file",
                actor=user_of(request),
                quota_bytes=settings.applicant_upload_quota_bytes,
            )
        except files.UploadError as exc:
            flash(request, str(exc), "error")
        else:
            flash(request, _("文件已上传。"))
        return see_other(back)

    @get("/{file_id:int}")
    async def download(self, request: Request, file_id: FromPath[int]) -> File:
        stored = await files.get_file(file_id)
        # Someone else's file answers exactly like a missing one.
        if stored is None or not files.may_download(user_of(request), stored):
            raise NotFoundException()
        path = files.storage_path(settings_of(request).uploads_dir, stored["storage_name"])
        if not path.exists():
            raise NotFoundException()
        return File(
            path=path,
            media_type=stored["content_type"],
            content_disposition_type="attachment",
            filename=files.download_name(stored),
            headers={"X-Content-Type-Options": "nosniff"},
        )


NAV = ()
ROUTES = [FileController]
