"""The app factory: every plugin, middleware, router and template setting is wired here."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from incubator import background
from incubator.accounts import service as accounts
from incubator.accounts import views as account_views
from incubator.activities import views as activity_views
from incubator.api import views as api_views
from incubator.applications import views as application_views
from incubator.center import views as center_views
from incubator.cooperation import views as cooperation_views
from incubator.core import audit_views, db, file_views, i18n, jobs, nav
from incubator.core.auth import role_guard
from incubator.core.roles import PUBLIC_ROUTE
from incubator.core.web import (
    BodySizeMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
    allowed_hosts,
    exception_handlers,
    template_engine,
)
from incubator.evaluations import views as evaluation_views
from incubator.facilities import views as facility_views
from incubator.home import my_work
from incubator.home import views as home_views
from incubator.notifications import views as notification_views
from incubator.organizations import views as organization_views
from incubator.regions import views as region_views
from incubator.reporting import views as report_views
from incubator.reporting.worker import Limits, Renderer
from incubator.reviews import views as review_views
from incubator.scoring import views as scoring_views
from incubator.settings import LANGUAGES, Settings, load_settings
from incubator.sheets import reader as sheet_reader
from incubator.workitems import views as workitem_views

STATIC_DIR = Path(__file__).resolve().parent / "static"
# Multipart bodies are parsed before the CSRF check: allow an upload and a little form around it.
FORM_OVERHEAD_BYTES = 1024 * 1024

log = logging.getLogger("incubator")

# Each module contributes its controllers (ROUTES) and its navigation links (NAV).
MODULES = (
    home_views,
    my_work,
    organization_views,
    application_views,
    review_views,
    center_views,
    activity_views,
    evaluation_views,
    report_views,
    region_views,
    facility_views,
    cooperation_views,
    workitem_views,
    scoring_views,
    account_views,
    notification_views,
    audit_views,
    file_views,
    api_views,
)


def _register_nav() -> None:
    for module in MODULES:
        nav.register(*module.NAV)


@contextlib.asynccontextmanager
async def _database(app: Litestar) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    engine = db.bind_engine(db.engine_from_url(settings.database_url))
    await db.prepare_database(engine)
    await db.open_pool(engine, settings.db_pool_size)
    app.state.renderer = Renderer(Limits.of(settings))
    kinds = background.register_kinds(settings, app.state.renderer)
    runner = jobs.Runner(kinds, slots=settings.job_slots)
    if settings.jobs_in_web:
        runner.start()
    if settings.env != "test":
        # The first report would otherwise wait for the workers to start and load WeasyPrint.
        app.state.renderer.warm_up()
    try:
        yield
    finally:
        await runner.stop()
        app.state.renderer.close()
        sheet_reader.shutdown()
        await db.close_pool(engine)


def create_app(settings: Settings | None = None, extra_routes: Sequence[Any] = ()) -> Litestar:
    settings = settings or load_settings()
    _register_nav()
    for lang in LANGUAGES:  # compile the catalogs now: a broken .po stops start-up, not a page
        i18n.translations(lang)
    static = create_static_files_router(
        path="/static",
        directories=[STATIC_DIR],
        opt=PUBLIC_ROUTE,
        include_in_schema=False,
        name="static",
    )
    # The OpenAPI document describes the JSON API only: pages and form posts are not an API.
    pages = Router(
        path="/",
        route_handlers=[r for m in MODULES if m is not api_views for r in m.ROUTES],
        include_in_schema=False,
    )
    return Litestar(
        route_handlers=[static, pages, *api_views.ROUTES, *extra_routes],
        guards=[role_guard],
        allowed_hosts=allowed_hosts(settings),
        middleware=[
            SecurityHeadersMiddleware(settings),
            RequestContextMiddleware(settings, accounts.USER_LOOKUP),
            BodySizeMiddleware(settings.max_upload_bytes + FORM_OVERHEAD_BYTES),
        ],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name="csrftoken",
            cookie_httponly=True,
            cookie_secure=settings.production,
            cookie_samesite="lax",
            # The API authenticates writes with tokens (see RequestContextMiddleware).
            exclude=["^/api/", "^/static/", "^/healthz$"],
        ),
        template_config=TemplateConfig(
            instance=template_engine(reload_templates=settings.env == "development")
        ),
        exception_handlers=exception_handlers(),
        openapi_config=OpenAPIConfig(
            title="社会组织孵化与社区建设管理系统 API",
            version="1",
            render_plugins=[JsonRenderPlugin()],
            # Personal API tokens from the profile page (the browser session works too).
            security=[{"BearerToken": []}],
            components=Components(
                security_schemes={"BearerToken": SecurityScheme(type="http", scheme="bearer")}
            ),
            openapi_router=Router(
                path="/schema", route_handlers=[], opt=PUBLIC_ROUTE, include_in_schema=False
            ),
        ),
        lifespan=[_database],
        state=State({"settings": settings}),
        # The per-route limits are BodySizeMiddleware's; this is the same ceiling, again.
        request_max_body_size=settings.max_upload_bytes + FORM_OVERHEAD_BYTES,
        debug=False,
    )


def app_from_env() -> Litestar:
    """For `uvicorn --factory incubator.app:app_from_env`."""
    return create_app(load_settings())
