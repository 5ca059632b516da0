"""How each report that may become a job is made again from its parameters alone (JSON in the
job's row), in whichever process runs the job."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from incubator.activities import service as activities
from incubator.core.auth import CurrentUser
from incubator.core.i18n import _
from incubator.core.pagination import sort_request
from incubator.reporting import ledger, showcase
from incubator.reporting.worker import Progress, ProgressCallback, Renderer, ReportFailed
from incubator.settings import Settings

Recipe = Callable[
    [CurrentUser, dict[str, Any], Settings, Renderer, ProgressCallback | None], Awaitable[bytes]
]


async def ledger_pdf(
    user: CurrentUser,
    params: dict[str, Any],
    settings: Settings,
    renderer: Renderer,
    progress: ProgressCallback | None,
) -> bytes:
    sort = sort_request({"sort": params.get("sort")}, activities.SORTS, "held_on")
    try:
        report = await ledger.build(
            user,
            params["filters"],
            sort,
            settings.uploads_dir,
            bool(params.get("photos")),
            settings.report_max_rows,
        )
    except ledger.NotVisible:
        raise ReportFailed(_("筛选条件中的社会组织或社区已无权查看，请重新选择")) from None
    except ledger.TooManyRows as exc:
        raise ReportFailed(str(exc)) from None
    if progress is not None:
        progress(Progress(0, report.rows, 0, report.pages))
    return await renderer.render_sheets(
        report.template, report.context, report.sheets, report.language, report.uploads, progress
    )


async def showcase_pdf(
    user: CurrentUser,
    params: dict[str, Any],
    settings: Settings,
    renderer: Renderer,
    progress: ProgressCallback | None,
) -> bytes:
    built = await showcase.organization_report(
        user, params["organization_id"], params.get("year"), settings.uploads_dir
    )
    if built is None:
        raise ReportFailed(_("该社会组织已无权查看，无法生成展示报表"))
    return await renderer.render(built.html, built.uploads)


async def center_showcase_pdf(
    user: CurrentUser,
    params: dict[str, Any],
    settings: Settings,
    renderer: Renderer,
    progress: ProgressCallback | None,
) -> bytes:
    built = await showcase.center_report(user, params["year"], settings.uploads_dir)
    return await renderer.render(built.html, built.uploads)


RECIPES: dict[str, Recipe] = {
    "ledger": ledger_pdf,
    "showcase": showcase_pdf,
    "center_showcase": center_showcase_pdf,
}
