"""Fresh, migrated databases for each test, on SQLite and (when configured) PostgreSQL.

The real migrations (and the demo data, which gives every test the same personas) run once per
backend into a template; each test then gets a copy: a file copy on SQLite, `CREATE DATABASE ...
TEMPLATE` on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import shutil
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from incubator.core import db
from incubator.defaults import ensure_defaults
from incubator.demo import seed_demo

PG_URL_ENV = "INCUBATOR_TEST_DATABASE_URL"


def run_async(coroutine):
    """asyncio.run in a thread of its own: works even where a loop already runs (Playwright)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def backends() -> list[str]:
    return ["sqlite", "postgres"] if os.environ.get(PG_URL_ENV) else ["sqlite"]


async def _migrate_and_seed(url: str) -> None:
    engine = db.bind_engine(db.engine_from_url(url))
    try:
        await db.prepare_database(engine)
        await db.run_migrations()
        await ensure_defaults()
        await seed_demo()
    finally:
        await db.close_pool(engine)


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url.replace("postgres://", "postgresql://", 1))
    return urlunsplit(parts._replace(path="/" + name))


class SQLiteTemplate:
    def __init__(self, directory: Path) -> None:
        self.path = directory / "template.sqlite3"
        run_async(_migrate_and_seed(f"sqlite:///{self.path}"))

    def new_database(self, directory: Path) -> str:
        target = directory / "test.sqlite3"
        shutil.copyfile(self.path, target)
        return f"sqlite:///{target}"

    def drop(self, url: str) -> None:
        pass


class PostgresTemplate:
    def __init__(self) -> None:
        self.admin_url = os.environ[PG_URL_ENV]
        self.prefix = f"inc_t{uuid.uuid4().hex[:8]}"
        self.template = f"{self.prefix}_tpl"
        self._execute(f'CREATE DATABASE "{self.template}"')
        run_async(_migrate_and_seed(_with_database(self.admin_url, self.template)))
        self.count = 0

    def _execute(self, *statements: str) -> None:
        async def run() -> None:
            conn = await asyncpg.connect(self.admin_url)
            try:
                for statement in statements:
                    await conn.execute(statement)
            finally:
                await conn.close()

        run_async(run())

    def new_database(self, directory: Path) -> str:
        self.count += 1
        name = f"{self.prefix}_{self.count}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return _with_database(self.admin_url, name)

    def drop(self, url: str) -> None:
        name = urlsplit(url).path.strip("/")
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
