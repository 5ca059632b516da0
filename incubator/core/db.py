"""Engine selection, binding and transactions: the one place that knows which database runs.

Piccolo caches an engine on every table (`Table._meta.db`) and the migration runner asks
`piccolo_conf.DB`; `bind_engine` points both at the engine chosen from the settings, so the app,
the CLI and each test can use their own database without import-time side effects.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
import weakref
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiosqlite
from piccolo.apps.migrations.tables import Migration
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory

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
        self._in_use: set[Any] = set()
        self._pool_size = pool_size
        # Writers of this process queue here, in Python, before BEGIN IMMEDIATE: waiting is then
        # cancellable and wakes at once (SQLite's busy handler sleeps in growing steps).
        self._write_locks: weakref.WeakKeyDictionary[Any, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    def write_lock(self) -> asyncio.Lock:
        """This event loop's writer queue (a lock belongs to the loop that first waits on it)."""
        loop = asyncio.get_running_loop()
        lock = self._write_locks.get(loop)
        if lock is None:
            lock = self._write_locks[loop] = asyncio.Lock()
        return lock

    async def get_connection(self) -> Any:
        connection = self._idle.pop() if self._idle else await self._connect()
        self._in_use.add(connection)
        return connection

    async def _connect(self) -> Any:
        pending = aiosqlite.connect(**self.connection_kwargs)
        # An idle pooled connection must never keep the process alive at exit.
        pending._thread.daemon = True
        connection = await pending
        connection.row_factory = dict_factory
        try:
            await connection.execute("PRAGMA foreign_keys = 1")
        except BaseException:
            _close_later(connection.close())
            raise
        real_close = connection.close

        async def release() -> None:
            self._in_use.discard(connection)
            try:
                if connection.in_transaction:
                    await connection.rollback()
            except BaseException:
                # Cancelled or failed: closing for good rolls back whatever is open.
                _close_later(real_close())
                raise
            if len(self._idle) < self._pool_size:
                self._idle.append(connection)
            else:
                await real_close()

        async def discard() -> None:
            self._in_use.discard(connection)
            await real_close()

        connection.close = release
        connection.close_for_real = discard
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

    async def close_all(self) -> None:
        """At shutdown: idle connections, and any still in use (a task that never gave its
        connection back); closing one inside a transaction rolls it back."""
        connections, self._idle = [*self._idle, *self._in_use], []
        for connection in connections:
            with contextlib.suppress(Exception):
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


_closing: set[asyncio.Task] = set()


def _close_later(closing: Any) -> None:
    """Runs a close to its end in a task of its own, so that no cancellation stops it and the
    cancelled caller need not wait (an SQLite close queues behind a BEGIN that may wait for
    another process); `close_pool` waits for any still running."""
    task = asyncio.ensure_future(closing)
    _closing.add(task)
    task.add_done_callback(_closing.discard)


class _CancelSafe:
    """Piccolo's transaction, made safe to cancel at any await.

    A BEGIN, COMMIT or ROLLBACK that fails or is cancelled leaves the connection in a state
    nobody knows (SQLite's worker thread may still finish a BEGIN and hold the write lock; an
    asyncpg query may be half-cancelled), so the connection is closed for good, in a task no
    cancellation reaches, which rolls back whatever it holds; the task's transaction is
    forgotten in any case.
    """

    async def __aenter__(self) -> Any:
        if self._parent is not None:
            return self._parent
        self.connection = await self.get_connection()
        try:
            await self.begin()
        except BaseException:
            _close_later(self.discard())
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent is not None:
            return exception is None
        try:
            if exception is not None:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        except BaseException:
            _close_later(self.discard())
            raise
        else:
            await self.give_back()
        finally:
            self.engine.current_transaction.reset(self.context)
        return exception is None


class SQLiteSafeTransaction(_CancelSafe, SQLiteTransaction):
    def __init__(self, engine: PooledSQLiteEngine, transaction_type: TransactionType) -> None:
        super().__init__(engine, transaction_type)
        self._lock: asyncio.Lock | None = None

    async def __aenter__(self) -> Any:
        if self._parent is not None or self.transaction_type != TransactionType.immediate:
            return await super().__aenter__()
        lock = self.engine.write_lock()
        try:
            async with asyncio.timeout(SQLITE_LOCK_TIMEOUT_S):
                await lock.acquire()
        except TimeoutError:
            raise sqlite3.OperationalError("database is locked") from None
        self._lock = lock
        try:
            return await super().__aenter__()
        except BaseException:
            self._release_lock()
            raise

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        try:
            return await super().__aexit__(exception_type, exception, traceback)
        finally:
            self._release_lock()

    def _release_lock(self) -> None:
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.release()

    async def discard(self) -> None:
        await self.connection.close_for_real()

    async def give_back(self) -> None:
        await self.connection.close()


class PostgresSafeTransaction(_CancelSafe, PostgresTransaction):
    async def begin(self) -> None:
        self.transaction = self.connection.transaction()
        await self.transaction.start()

    async def discard(self) -> None:
        # asyncpg's release is made for this: it waits out a cancelled query, rolls back and
        # resets the connection, and closes it for good when that fails. (Terminating it here
        # ourselves, while asyncpg may still be cancelling the query, races its protocol.)
        await self.give_back()

    async def give_back(self) -> None:
        if self.engine.pool is not None:
            await self.engine.pool.release(self.connection)
        else:
            await self.connection.close(timeout=POOL_CLOSE_SECONDS)


def write_transaction():
    """One transaction for all the writes of a service call and their audit rows.

    On SQLite it is IMMEDIATE: the write lock is taken at BEGIN, so concurrent writers wait
    instead of failing with "database is locked" when a read turns into a write.
    """
    engine = current_engine()
    if isinstance(engine, PooledSQLiteEngine):
        return SQLiteSafeTransaction(engine, TransactionType.immediate)
    return PostgresSafeTransaction(engine)


def read_transaction():
    """Groups a request's reads: SQLite otherwise opens a connection (and thread) per query."""
    engine = current_engine()
    if isinstance(engine, PooledSQLiteEngine):
        return SQLiteSafeTransaction(engine, TransactionType.deferred)
    return PostgresSafeTransaction(engine)


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
        await engine.close_all()
    # Connections being closed for good by cancelled tasks: their rollback ends here.
    loop = asyncio.get_running_loop()
    closing = {task for task in _closing if task.get_loop() is loop}
    if closing:
        await asyncio.wait(closing, timeout=POOL_CLOSE_SECONDS)


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
