"""Engine selection, binding and transactions: the one place that knows which database runs.

Piccolo caches an engine on every table (`Table._meta.db`) and the migration runner asks
`piccolo_conf.DB`; `bind_engine` points both at the engine chosen from the settings, so the app,
the CLI and each test can use their own database without import-time side effects.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiosqlite
from piccolo.apps.migrations.tables import Migration
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType, dict_factory

log = logging.getLogger("incubator")

# Make Piccolo's own machinery (migrations) read our config module, wherever the process started.
os.environ.setdefault("PICCOLO_CONF", "incubator.piccolo_conf")

SQLITE_LOCK_TIMEOUT_S = 30

SQLITE_POOL_SIZE = 8

_engine: Engine | None = None


class PooledSQLiteEngine(SQLiteEngine):
    """Reuses aiosqlite connections instead of opening one (and a thread) for every query.

    Piccolo's SQLite engine connects anew for each query outside a transaction and for each
    transaction; on a page that costs more than the queries themselves. Connections go back to a
    small idle list; one still inside a transaction is rolled back first.
    """

    def __init__(self, path: str, pool_size: int = SQLITE_POOL_SIZE, **kwargs: Any) -> None:
        super().__init__(path=path, **kwargs)
        self._idle: list[Any] = []
        self._pool_size = pool_size

    async def get_connection(self) -> Any:
        if self._idle:
            return self._idle.pop()
        pending = aiosqlite.connect(**self.connection_kwargs)
        # An idle pooled connection must never keep the process alive at exit.
        pending._thread.daemon = True
        connection = await pending
        connection.row_factory = dict_factory
        await connection.execute("PRAGMA foreign_keys = 1")
        real_close = connection.close

        async def release() -> None:
            try:
                if connection.in_transaction:
                    await connection.rollback()
            except Exception:
                await real_close()
                raise
            if len(self._idle) < self._pool_size:
                self._idle.append(connection)
            else:
                await real_close()

        connection.close = release
        connection.close_for_real = real_close
        return connection

    async def _run_in_new_connection(
        self, query: str, args: Any = None, query_type: str = "generic", table: Any = None
    ) -> Any:
        connection = await self.get_connection()
        try:
            async with connection.execute(query, args or []) as cursor:
                return await cursor.fetchall()
        finally:
            await connection.close()

    async def _run_in_existing_connection(
        self,
        connection: Any,
        query: str,
        args: Any = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        # Piccolo re-sends "PRAGMA foreign_keys = 1" before every query in a transaction; our
        # connections set it once when opened (and SQLite ignores it inside a transaction).
        async with connection.execute(query, args or []) as cursor:
            return await cursor.fetchall()

    async def close_idle(self) -> None:
        # Each connection owns a non-daemon thread: left open, it would keep the process alive.
        idle, self._idle = self._idle, []
        for connection in idle:
            await connection.close_for_real()


def engine_from_url(url: str) -> Engine:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return PooledSQLiteEngine(
            path=url.removeprefix("sqlite:///"), timeout=SQLITE_LOCK_TIMEOUT_S
        )
    return PostgresEngine(config={"dsn": url.replace("postgres://", "postgresql://", 1)})


def bind_engine(engine: Engine) -> Engine:
    """Make every table of the app, and the migration runner, use this engine."""
    global _engine
    from incubator import piccolo_conf
    from incubator.piccolo_app import APP_CONFIG

    _engine = engine
    piccolo_conf.DB = engine
    for table in [*APP_CONFIG.table_classes, Migration]:
        table._meta.db = engine
    return engine


def current_engine() -> Engine:
    if _engine is None:
        raise RuntimeError("no database engine bound; call bind_engine() first")
    return _engine


def is_sqlite() -> bool:
    return current_engine().engine_type == "sqlite"


def write_transaction():
    """One transaction for all the writes of a service call and their audit rows.

    On SQLite it is IMMEDIATE: the write lock is taken at BEGIN, so concurrent writers wait
    (busy timeout) instead of failing with "database is locked" when a read turns into a write.
    """
    engine = current_engine()
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


def read_transaction():
    """Groups a request's reads: SQLite otherwise opens a connection (and thread) per query."""
    return current_engine().transaction()


async def lock_rows(table: Any, ids: list[int]) -> None:
    """Inside a write transaction: hold these rows until it ends, so a check-then-insert on
    them cannot race. SQLite's IMMEDIATE transaction already holds the whole database."""
    if ids and not is_sqlite():
        await (
            table.select(table._meta.primary_key)
            .where(table._meta.primary_key.is_in(ids))
            .lock_rows()
        )


async def prepare_database(engine: Engine) -> None:
    if isinstance(engine, SQLiteEngine):
        Path(engine.path).parent.mkdir(parents=True, exist_ok=True)
        # WAL persists in the file; readers then never block the writer.
        await engine.run_ddl("PRAGMA journal_mode=WAL")


async def open_pool(engine: Engine, size: int) -> None:
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=1, max_size=size)


POOL_CLOSE_SECONDS = 10


async def close_pool(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine):
        if engine.pool is not None:
            # asyncpg waits for every connection to come back; one leaked by a cancelled task
            # never does, so after a grace period the rest are closed by force: stopping the
            # app must never hang.
            try:
                await asyncio.wait_for(engine.pool.close(), POOL_CLOSE_SECONDS)
            except TimeoutError:
                log.warning("database pool did not close in %ss: terminated", POOL_CLOSE_SECONDS)
                engine.pool.terminate()
            engine.pool = None
    elif isinstance(engine, PooledSQLiteEngine):
        await engine.close_idle()


async def run_migrations() -> None:
    """Apply every pending migration of the `incubator` app to the bound engine."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    result = await run_forwards(app_name="incubator", migration_id="all")
    if not result.success:
        raise RuntimeError(f"migration failed: {result.message}")


async def ping() -> None:
    """Reads a real table: on SQLite "SELECT 1" would succeed without opening the file.

    On SQLite a fresh connection is used, not a pooled one that may answer from its cache.
    """
    engine = current_engine()
    query = "SELECT 1 FROM migration LIMIT 1"
    if isinstance(engine, PooledSQLiteEngine):
        await SQLiteEngine._run_in_new_connection(engine, query)
    else:
        await engine.run_ddl(query)
