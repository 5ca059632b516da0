"""Stable report addresses: /reports/ledger.pdf and /reports/ledger.xlsx take the ledger page's
query parameters and answer with the same rows the caller may see there; showcases, pipeline
documents and the dossier. A report already made from unchanged data comes from the cache; one
expected to take more than about a second becomes a job under "my reports"."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from incubator.activities import exports as activity_exports
from incubator.activities import service as activities
from incubator.core.flash import flash
from incubator.core.http import (
    download_headers,
    found,
    see_other,
    settings_of,
    user_of,
)
from incubator.core.i18n import N_, _, local_today, text
from incubator.core.nav import NavItem
from incubator.core.pagination import query_string, sort_request
from incubator.core.roles import ADMIN, ALL_ROLES, ASSESSOR, STAFF, allow
from incubator.core.scoping import int_or_none, row_id
from incubator.core.xlsx import XLSX_MEDIA_TYPE
from incubator.reporting import documents, dossier, jobs, ledger, showcase
from incubator.reporting.worker import Progress, ProgressCallback, ReportFailed

NAV = (NavItem(N_("我的报表"), "/reports/mine", frozenset(ALL_ROLES), order=120),)
PDF_MEDIA_TYPE = "application/pdf"
JOB_STATUSES = {
    "queued": N_("排队中"),
    "running": N_("生成中"),
    "done": N_("已完成"),
    "failed": N_("失败"),
}


# The query parameters a report route reads (its handler's opt["query"]); any other is refused,
# so that no address makes a report (or a cache entry) the known parameters do not describe.
QUERY_KEY = "query"
LEDGER_QUERY = (*activities.FILTERS, "sort", "photos")


async def known_parameters_only(request: Request) -> Template | None:
    """Before every report route: 400, with the parameters named, for any parameter the route
    does not read."""
    unknown = sorted(set(request.query_params) - set(request.route_handler.opt.get(QUERY_KEY, ())))
    if not unknown:
        return None
    return Template(
        "reports/refused.html",
        context={
            "message": _("报表地址含有不支持的参数：{names}。请从页面上的按钮打印报表。").format(
                names="、".join(unknown)[:200]
            )
        },
        status_code=400,
    )


def _pdf(content: bytes, name: str) -> Response:
    return Response(
        content=content, media_type=PDF_MEDIA_TYPE, headers=download_headers(name, inline=True)
    )


async def _pdf_file(path: Path, name: str) -> Response:
    """A stored report, read off the event loop."""
    return _pdf(await asyncio.to_thread(path.read_bytes), name)


def _xlsx(content: bytes, name: str) -> Response:
    return Response(content=content, media_type=XLSX_MEDIA_TYPE, headers=download_headers(name))


def _address(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


async def _cached(
    request: Request, kind: str, tables: tuple[str, ...], name: str, params: dict[str, Any]
):
    """(cache key, the response when this report was already made from the same data). The key
    takes the report's parameters as it reads them, never the raw query string."""
    key = await jobs.cache_key(kind, {"path": request.url.path, **params}, user_of(request), tables)
    path = jobs.stored(settings_of(request).reports_dir, key)
    return key, None if path is None else await _pdf_file(path, name)


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


async def _deliver(
    request: Request, order: jobs.Order, back: str, built: jobs.Render | None
) -> Response | Redirect:
    """Renders now when it is quick (`built` renders the report already built for this
    request), else starts a job, which builds it again when its turn comes, and sends the caller
    to its page (a client that does not ask for HTML gets 202 and the job's address)."""
    settings = settings_of(request)
    user, reports_dir = user_of(request), settings.reports_dir
    if built is not None and order.pages <= settings.report_inline_pages:
        try:
            pdf = await jobs.make_now(user, order, reports_dir, built)
        except ReportFailed as exc:
            flash(request, str(exc), "error")
            return see_other(back)
        return _pdf(pdf, order.download_name)
    try:
        job_id = await jobs.start(user, order, reports_dir, settings.report_max_jobs)
    except jobs.TooManyJobs as exc:
        if not _wants_html(request):
            return Response({"message": str(exc), "status_code": 429}, status_code=429)
        flash(request, str(exc), "error")
        return see_other("/reports/mine")
    if _wants_html(request):
        return see_other(f"/reports/jobs/{job_id}")
    return Response(
        content={"job": job_id, "status": f"/reports/jobs/{job_id}/status"},
        status_code=202,
        headers={"Location": f"/reports/jobs/{job_id}", "Retry-After": "2"},
    )


class ReportController(Controller):
    path = "/reports"
    opt = allow(*ALL_ROLES)
    before_request = known_parameters_only

    @get("/ledger.pdf", opt={QUERY_KEY: LEDGER_QUERY})
    async def ledger_pdf(self, request: Request) -> Response | Redirect:
        name = f"{_('服务记录台账')}-{local_today():%Y%m%d}.pdf"
        user, settings = user_of(request), settings_of(request)
        filters = ledger.clean_filters(activities.LEDGER.read(request.query_params).filters)
        sort = sort_request(request.query_params, activities.SORTS, "held_on")
        photos = request.query_params.get("photos") == "1"
        params = {**filters, "sort": sort.param, "photos": photos}
        key, hit = await _cached(request, "ledger", ledger.TABLES, name, params)
        if hit is not None:
            return hit
        renderer = request.app.state.renderer

        def render(report: ledger.LedgerReport) -> jobs.Render:
            async def run(progress: ProgressCallback | None) -> bytes:
                if progress is not None:
                    progress(Progress(0, report.rows, 0, report.pages))
                return await renderer.render_sheets(
                    report.template,
                    report.context,
                    report.sheets,
                    report.language,
                    report.uploads,
                    progress,
                )

            return run

        async def build() -> ledger.LedgerReport:
            return await ledger.build(
                user, filters, sort, settings.uploads_dir, photos, settings.report_max_rows
            )

        back = "/activities" + query_string(filters)
        try:
            head, rows = await ledger.outline(user, filters, settings.report_max_rows)
            # Only a ledger that may fit the pages made while the caller waits is built now.
            pages, built = ledger.least_pages(rows), None
            if pages <= settings.report_inline_pages:
                report = await build()
                pages, built = report.pages, render(report)
        except ledger.NotVisible:
            raise NotFoundException() from None
        except ledger.TooManyRows as exc:
            flash(request, str(exc), "error")
            return see_other(back)
        title = ledger.title(head)
        recipe = {"filters": filters, "sort": sort.param, "photos": photos}
        order = jobs.Order("ledger", title, _address(request), name, key, rows, pages, recipe)
        return await _deliver(request, order, back, built)

    @get("/{kind:str}/{file_name:str}")
    async def document(
        self, request: Request, kind: FromPath[str], file_name: FromPath[str]
    ) -> Response | Redirect:
        """/reports/decision|agreement|certificate/{organization_id}.pdf and
        /reports/cooperation/{agreement_id}.pdf, filled from records."""
        match = re.fullmatch(r"(\d+)\.pdf", file_name)
        if kind not in (*documents.KINDS, documents.COOPERATION) or match is None:
            raise NotFoundException()
        record_id = row_id(match.group(1))
        if record_id is None:
            raise NotFoundException()
        user = user_of(request)
        try:
            if kind == documents.COOPERATION:
                back = f"/cooperation/agreements/{record_id}"
                html = await documents.cooperation_agreement(user, record_id)
            else:
                back = f"/organizations/{record_id}"
                html = await documents.build(user, record_id, kind)
            if html is None:
                raise NotFoundException()
            pdf = await request.app.state.renderer.render(html, {})
        except (documents.DocumentMissing, ReportFailed) as exc:
            flash(request, str(exc), "error")
            return see_other(back)
        return _pdf(pdf, f"{kind}-{record_id}.pdf")

    @get("/showcase/{file_name:str}", opt={QUERY_KEY: ("year",)})
    async def showcase(self, request: Request, file_name: FromPath[str]) -> Response | Redirect:
        """/reports/showcase/{organization_id}.pdf, or .xlsx for its tables (?year= narrows
        the figures to one year)."""
        match = re.fullmatch(r"(\d+)\.(pdf|xlsx)", file_name)
        if match is None:
            raise NotFoundException()
        organization_id, extension = int(match.group(1)), match.group(2)
        name = f"showcase-{organization_id}.{extension}"
        year = int_or_none(request.query_params.get("year"))
        year = year if year and 2000 <= year <= 2100 else None
        uploads_dir = settings_of(request).uploads_dir
        if extension == "xlsx":
            data = await showcase.organization_data(
                user_of(request), organization_id, year, uploads_dir
            )
            return _xlsx(showcase.workbook(found(data)), name)
        key, hit = await _cached(request, "showcase", showcase.TABLES, name, {"year": year})
        if hit is not None:
            return hit
        user = user_of(request)
        built = await showcase.organization_report(user, organization_id, year, uploads_dir)
        if built is None:
            raise NotFoundException()
        recipe = {"organization_id": organization_id, "year": year}
        return await self._deliver_showcase(
            request, "showcase", built, recipe, name, key, f"/organizations/{organization_id}"
        )

    @get("/showcase/center/{file_name:str}", opt=allow(ADMIN, STAFF, ASSESSOR))
    async def center_showcase(
        self, request: Request, file_name: FromPath[str]
    ) -> Response | Redirect:
        """/reports/showcase/center/{year}.pdf (or .xlsx): the whole center's year."""
        match = re.fullmatch(r"(\d{4})\.(pdf|xlsx)", file_name)
        if match is None or not 2000 <= int(match.group(1)) <= 2100:
            raise NotFoundException()
        year, extension = int(match.group(1)), match.group(2)
        name = f"showcase-center-{year}.{extension}"
        uploads_dir = settings_of(request).uploads_dir
        if extension == "xlsx":
            data = await showcase.center_data(user_of(request), year, uploads_dir)
            return _xlsx(showcase.workbook(data), name)
        key, hit = await _cached(request, "center_showcase", showcase.TABLES, name, {})
        if hit is not None:
            return hit
        built = await showcase.center_report(user_of(request), year, uploads_dir)
        return await self._deliver_showcase(
            request, "center_showcase", built, {"year": year}, name, key, "/activities"
        )

    @staticmethod
    async def _deliver_showcase(
        request: Request,
        kind: str,
        built: showcase.Showcase,
        recipe: dict[str, Any],
        name: str,
        key: str,
        back: str,
    ) -> Response | Redirect:
        """`built` for the caller who waits; as a job, its recipe makes it again in its turn."""
        renderer = request.app.state.renderer

        def render(report: showcase.Showcase) -> jobs.Render:
            async def run(progress: ProgressCallback | None) -> bytes:
                return await renderer.render(report.html, report.uploads)

            return run

        address = _address(request)
        order = jobs.Order(kind, built.title, address, name, key, 0, built.pages, recipe)
        return await _deliver(request, order, back, render(built))

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

    @get("/ledger.xlsx", opt={QUERY_KEY: (*activities.FILTERS, "sort")})
    async def ledger_xlsx(self, request: Request) -> Response | Redirect:
        """The same rows as the PDF, under the same limits: the caller's scope and the rows cap."""
        query = activities.LEDGER.read(request.query_params)
        filters = ledger.clean_filters(query.filters)
        user = user_of(request)
        try:
            await ledger.outline(user, filters, settings_of(request).report_max_rows)
        except ledger.NotVisible:
            raise NotFoundException() from None
        except ledger.TooManyRows as exc:
            flash(request, str(exc), "error")
            return see_other("/activities" + query_string(filters))
        rows = await activities.export_rows(user, query.filters, query.sort)
        content, media_type, name = activity_exports.ledger_file(rows, "xlsx")
        return Response(content=content, media_type=media_type, headers=download_headers(name))


class ReportJobController(Controller):
    """My reports: the jobs a user started, their progress, and their files."""

    path = "/reports"
    opt = allow(*ALL_ROLES)
    before_request = known_parameters_only

    @get("/mine")
    async def mine(self, request: Request) -> Template:
        reports_dir = settings_of(request).reports_dir
        rows = await jobs.mine(user_of(request))
        for row in rows:
            row["ready"] = jobs.file_of(reports_dir, row) is not None
        return Template("reports/mine.html", context={"jobs": rows, "statuses": JOB_STATUSES})

    @get("/jobs/{job_id:int}")
    async def show(self, request: Request, job_id: FromPath[int]) -> Template:
        job = found(await jobs.job(user_of(request), job_id))
        ready = jobs.file_of(settings_of(request).reports_dir, job) is not None
        return Template(
            "reports/job.html",
            context={
                "job": job,
                "statuses": JOB_STATUSES,
                "running": job["status"] in jobs.RUNNING,
                "ready": ready,
            },
        )

    @get("/jobs/{job_id:int}/status")
    async def status(self, request: Request, job_id: FromPath[int]) -> dict:
        job = found(await jobs.job(user_of(request), job_id))
        return {
            "status": job["status"],
            "running": job["status"] in jobs.RUNNING,
            "fields": {
                "label": text(JOB_STATUSES.get(job["status"], job["status"])),
                "rows_done": job["rows_done"],
                "rows": job["rows"],
                "pages_done": job["pages_done"],
                "pages": job["pages"],
            },
            "bar": {"value": job["pages_done"], "max": max(job["pages"], 1)},
        }

    @get("/jobs/{job_id:int}/file")
    async def file(self, request: Request, job_id: FromPath[int]) -> Response | Redirect:
        job = found(await jobs.job(user_of(request), job_id))
        path: Path | None = jobs.file_of(settings_of(request).reports_dir, job)
        if path is None:
            flash(request, _("文件已过期或尚未生成，请重新生成"), "error")
            return see_other(f"/reports/jobs/{job_id}")
        return await _pdf_file(path, job["download_name"])


ROUTES = [ReportJobController, ReportController]
