"""Stable report addresses: /reports/ledger.pdf and /reports/ledger.xlsx take the ledger page's
query parameters and answer with the same rows the caller may see there."""

from __future__ import annotations

from litestar import Controller, Request, Response, get
from litestar.response import Redirect

from incubator.activities import service as activities
from incubator.activities.views import ledger_download, ledger_filters
from incubator.core.flash import flash
from incubator.core.http import download_headers, see_other, settings_of, user_of
from incubator.core.i18n import local_today
from incubator.core.pagination import sort_request
from incubator.core.roles import ALL_ROLES, allow
from incubator.reporting import ledger
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
        html, uploads, _count = await ledger.build(
            user,
            ledger_filters(request),
            sort,
            settings_of(request).uploads_dir,
            photos=request.query_params.get("photos") == "1",
        )
        try:
            pdf = await request.app.state.renderer.render(html, uploads)
        except ReportFailed as exc:
            flash(request, str(exc), "error")
            query = request.url.query
            return see_other("/activities" + (f"?{query}" if query else ""))
        return Response(
            content=pdf,
            media_type=PDF_MEDIA_TYPE,
            headers=download_headers(f"服务记录台账-{local_today():%Y%m%d}.pdf", inline=True),
        )

    @get("/ledger.xlsx")
    async def ledger_xlsx(self, request: Request) -> Response:
        return await ledger_download(request, "xlsx")


ROUTES = [ReportController]
