"""Deny by default: every route handler of the app declares the roles that may use it."""

from incubator.app import create_app
from incubator.core.roles import ALL_ROLES, PUBLIC, ROLES_KEY
from incubator.settings import load_settings

# Public on purpose; everything else needs a role.
EXPECTED_PUBLIC = {
    "/static/{file_path:path}",
    "/healthz",
    "/login",
    "/language",
    "/register",
    "/schema",
    "/schema/openapi.json",
    "/schema/{path:str}",
}


def handlers(tmp_path):
    app = create_app(load_settings({"INCUBATOR_DATA_DIR": str(tmp_path)}))
    for route in app.routes:
        for handler in route.route_handlers:
            methods = getattr(handler, "http_methods", {"WS"})
            # Litestar's automatic OPTIONS responders are answered by the same guard.
            if methods == {"OPTIONS"} and handler.handler_name == "options_handler":
                continue
            yield route.path, methods, handler


def test_every_route_declares_its_roles(tmp_path):
    undeclared = [
        (path, sorted(methods))
        for path, methods, handler in handlers(tmp_path)
        if handler.opt.get(ROLES_KEY) is None
    ]
    assert undeclared == []


def test_declared_roles_are_known_roles_and_public_routes_are_the_expected_ones(tmp_path):
    public = set()
    for path, methods, handler in handlers(tmp_path):
        declared = handler.opt[ROLES_KEY]
        if declared == PUBLIC:
            if methods != {"POST"} or path == "/language":
                public.add(path)
            continue
        assert set(declared) <= set(ALL_ROLES), path
    assert public == EXPECTED_PUBLIC


def test_a_route_that_declares_nothing_is_refused(tmp_path):
    from litestar import get
    from litestar.testing import TestClient

    @get("/forgotten", sync_to_thread=False)
    def forgotten() -> str:
        return "should never be served"

    settings = load_settings(
        {"INCUBATOR_DATA_DIR": str(tmp_path), "INCUBATOR_ALLOWED_HOSTS": "testserver.local"}
    )
    with TestClient(create_app(settings, extra_routes=[forgotten])) as client:
        response = client.get("/forgotten")
    assert response.status_code == 403
    assert "should never be served" not in response.text


def test_every_import_page_imports_a_book_the_import_job_knows():
    """A module's import pages whose book the job does not know would fail every upload."""
    from incubator import app as app_module
    from incubator.background import BOOKS

    pages = [
        controller.imports
        for module in app_module.MODULES
        for controller in module.ROUTES
        if hasattr(controller, "imports")
    ]
    assert len(pages) >= 3
    assert {book.name for book in pages} <= {book.name for book in BOOKS}
