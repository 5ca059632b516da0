"""Stable report addresses: /reports/ledger.pdf and /reports/ledger.xlsx take the ledger page's
query parameters and answer with the same rows the caller may see there."""

from __future__ import annotations

import re

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from incubator.activities import service as activities
from incubator.activities.views import ledger_download, ledger_filters
from incubator.core.flash import flash
from incubator.core.http import download_headers, int_or_none, see_other, settings_of, user_of
from incubator.core.i18n import _, local_today
from incubator.core.pagination import sort_request
from incubator.core.roles import ADMIN, ALL_ROLES, ASSESSOR, STAFF, allow
from incubator.reporting import documents, dossier, ledger, showcase
from incubator.reporting.worker import ReportFailed

NAV = ()
PDF_MEDIA_TYPE = "application/pdf"


class ReportController(Controller):
    path = "/reports"
    opt = allow(*ALL_ROLES)

    @get("/ledger.pdf")
    async def ledger_pdf(self, request: Request) -> Response | Redirect:
        user = user_of(request)
        sort = sort_request(request.query_params, activities.SORTS, "held_on")
        report = await ledger.build(
            user,
            ledger_filters(request),
            sort,
            settings_of(request).uploads_dir,
            photos=request.query_params.get("photos") == "1",
        )
        query = request.url.query
        back = "/activities" + (f"?{query}" if query else "")
        try:
            pdf = await request.app.state.renderer.render_sheets(
                report.template, report.context, report.sheets, report.language, report.uploads
            )
        except ReportFailed as exc:
            flash(request, str(exc), "error")
            return see_other(back)
        name = f"{_('服务记录台账')}-{local_today():%Y%m%d}.pdf"
        return Response(
            content=pdf, media_type=PDF_MEDIA_TYPE, headers=download_headers(name, inline=True)
        )

    @get("/{kind:str}/{file_name:str}")
    async def document(
        self, request: Request, kind: FromPath[str], file_name: FromPath[str]
    ) -> Response | Redirect:
        """/reports/decision|agreement|certificate/{organization_id}.pdf, filled from records."""
        match = re.fullmatch(r"(\d+)\.pdf", file_name)
        if kind not in documents.KINDS or match is None:
            raise NotFoundException()
        organization_id = int(match.group(1))
        try:
            html = await documents.build(user_of(request), organization_id, kind)
        except documents.DocumentMissing as exc:
            flash(request, str(exc), "error")
            return see_other(f"/organizations/{organization_id}")
        if html is None:
            raise NotFoundException()
        return await self._pdf(
            request, html, {}, f"{kind}-{organization_id}.pdf", f"/organizations/{organization_id}"
        )

    @staticmethod
    async def _pdf(
        request: Request, html: str, uploads: dict, name: str, back: str
    ) -> Response | Redirect:
        """Renders in the worker pool; a failure goes back to `back` with the reason."""
        try:
            pdf = await request.app.state.renderer.render(html, uploads)
        except ReportFailed as exc:
            flash(request, str(exc), "error")
            return see_other(back)
        return Response(
            content=pdf, media_type=PDF_MEDIA_TYPE, headers=download_headers(name, inline=True)
        )

    @get("/showcase/{file_name:str}")
    async def showcase(self, request: Request, file_name: FromPath[str]) -> Response | Redirect:
        """/reports/showcase/{organization_id}.pdf (?year= narrows the figures to one year)."""
        match = re.fullmatch(r"(\d+)\.pdf", file_name)
        if match is None:
            raise NotFoundException()
        organization_id = int(match.group(1))
        year = int_or_none(request.query_params.get("year"))
        built = await showcase.organization_report(
            user_of(request),
            organization_id,
            year if year and 2000 <= year <= 2100 else None,
            settings_of(request).uploads_dir,
        )
        if built is None:
            raise NotFoundException()
        return await self._pdf(
            request, *built, f"showcase-{organization_id}.pdf", f"/organizations/{organization_id}"
        )

    @get("/showcase/center/{file_name:str}", opt=allow(ADMIN, STAFF, ASSESSOR))
    async def center_showcase(
        self, request: Request, file_name: FromPath[str]
    ) -> Response | Redirect:
        """/reports/showcase/center/{year}.pdf: the whole center's year."""
        match = re.fullmatch(r"(\d{4})\.pdf", file_name)
        if match is None or not 2000 <= int(match.group(1)) <= 2100:
            raise NotFoundException()
        year = int(match.group(1))
        html, uploads = await showcase.center_report(
            user_of(request), year, settings_of(request).uploads_dir
        )
        return await self._pdf(request, html, uploads, f"showcase-center-{year}.pdf", "/activities")

    @get("/dossier/{file_name:str}", opt=allow(ADMIN, STAFF, ASSESSOR))
    async def dossier(self, request: Request, file_name: FromPath[str]) -> Response | Redirect:
        """/reports/dossier/{organization_id}.zip: everything about one organization."""
        match = re.fullmatch(r"(\d+)\.zip", file_name)
        if match is None:
            raise NotFoundException()
        organization_id = int(match.group(1))
        try:
            built = await dossier.build(
                user_of(request),
                organization_id,
                settings_of(request).uploads_dir,
                request.app.state.renderer.render,
            )
        except ReportFailed as exc:
            flash(request, str(exc), "error")
            return see_other(f"/organizations/{organization_id}")
        if built is None:
            raise NotFoundException()
        name, data = built
        return Response(content=data, media_type="application/zip", headers=download_headers(name))

    @get("/ledger.xlsx")
    async def ledger_xlsx(self, request: Request) -> Response:
        return await ledger_download(request, "xlsx")


ROUTES = [ReportController]
