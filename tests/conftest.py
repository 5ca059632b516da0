"""Fixtures: a fresh migrated database per test on every configured backend, the real app."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import asyncpg
import pytest
from litestar.testing import TestClient

from incubator.app import create_app
from incubator.core import db
from incubator.settings import Settings, load_settings
from tests.support.databases import PostgresTemplate, SQLiteTemplate, backends, run_async

TEST_HOST = "testserver.local"


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    made: dict = {}

    def get(backend: str):
        if backend not in made:
            if backend == "sqlite":
                made[backend] = SQLiteTemplate(tmp_path_factory.mktemp("sqlite-template"))
            else:
                made[backend] = PostgresTemplate()
        return made[backend]

    yield get  # type: ignore[misc]
    for template in made.values():
        if isinstance(template, PostgresTemplate):
            template.close()


@pytest.fixture(params=backends())
def database_url(request: pytest.FixtureRequest, templates, tmp_path) -> Iterator[str]:
    template = templates(request.param)
    url = template.new_database(tmp_path)
    yield url
    template.drop(url)


def make_settings(tmp_path, database_url: str, **overrides: str) -> Settings:
    env = {
        "INCUBATOR_ENV": "test",
        "INCUBATOR_DATA_DIR": str(tmp_path / "data"),
        "INCUBATOR_DATABASE_URL": database_url,
        "INCUBATOR_SECRET_KEY": "t" * 48,
        "INCUBATOR_ALLOWED_HOSTS": f"{TEST_HOST},localhost,127.0.0.1",
        # No job runner in the test app unless a test is about jobs: a runner polls the database
        # every second, and tests that also call services from their own event loop rebind the
        # one engine under it (a live server, its own process, runs jobs as deployed).
        "INCUBATOR_JOBS_IN_WEB": "0",
        **overrides,
    }
    return load_settings(env)


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    return make_settings(tmp_path, database_url)


@pytest.fixture
def client(settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url=f"http://{TEST_HOST}") as test_client:
        # Like a browser's network log: every redirect is visible to the test.
        test_client.follow_redirects = False
        yield test_client


@pytest.fixture
def bound(settings) -> Iterator[Settings]:
    """For service-level tests: the tables use this test's database."""
    engine = db.bind_engine(db.engine_from_url(settings.database_url))
    yield settings
    run_async(db.close_pool(engine))


def sql(settings: Settings, query: str, *args) -> list[dict]:
    """Reads the database directly, outside the app, for assertions."""
    if settings.is_sqlite:
        conn = sqlite3.connect(
            settings.database_url.removeprefix("sqlite:///"), isolation_level=None
        )
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")  # as the app's connections do
        try:
            return [dict(r) for r in conn.execute(query.replace("$", "?"), args)]
        finally:
            conn.close()

    async def fetch() -> list[dict]:
        conn = await asyncpg.connect(settings.database_url)
        try:
            return [dict(r) for r in await conn.fetch(query, *args)]
        finally:
            await conn.close()

    return run_async(fetch())


def db_time(settings: Settings, value):
    """A timestamp as the app stores it: UTC text on SQLite (Piccolo's format), native on PG."""
    import datetime as dt

    return str(value.astimezone(dt.UTC)) if settings.is_sqlite else value
