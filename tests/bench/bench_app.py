"""The app under benchmark, plus a bare route: a tiny Jinja template, no database."""

from litestar import get
from litestar.response import Template

from incubator.app import create_app
from incubator.core.roles import PUBLIC_ROUTE
from incubator.settings import load_settings


@get("/bench/bare", opt=PUBLIC_ROUTE, sync_to_thread=False)
def bare() -> Template:
    return Template(
        template_str="<!doctype html><p>{{ greeting }}</p>", context={"greeting": "你好"}
    )


def create_bench_app():
    return create_app(load_settings(), extra_routes=[bare])
