"""Transactions are safe to cancel at any await, on SQLite and PostgreSQL: a writer cancelled
while it waits for the lock, inside its transaction or during its commit leaves no open
transaction, no leaked connection and nothing half-written; the next writer commits within 1 s.

Each write is a pair of rows that must both exist or neither (`pair_is_whole`).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time

import asyncpg
import pytest

from incubator.core import db
from tests.support.databases import run_async

NEXT_WRITER_SECONDS = 1.0
# The cancelled tasks' errors are kept, as a logger or an error page may keep them: their
# tracebacks hold the transactions, so a leaked connection is not quietly closed by the
# garbage collector before the next writer comes.
KEPT: list[BaseException] = []
# A pool this small hangs on the third acquire if a cancelled transaction leaked its slot.
POOL_SIZE = 2


async def _prepare(settings) -> None:
    engine = db.current_engine()
    await engine.run_ddl("CREATE TABLE tx_probe (pair INTEGER, part INTEGER)")
    # Every writer first updates this row, as the gap-free counters do: on PostgreSQL too,
    # writers then wait for each other.
    await engine.run_ddl("CREATE TABLE tx_counter (n INTEGER)")
    await engine.run_ddl("INSERT INTO tx_counter VALUES (0)")


async def _write_pair(pair: int, hold: asyncio.Event | None = None) -> None:
    engine = db.current_engine()
    async with db.write_transaction():
        await engine.run_ddl("UPDATE tx_counter SET n = n + 1")
        await engine.run_ddl(f"INSERT INTO tx_probe VALUES ({pair}, 1)")
        if hold is not None:
            await hold.wait()
        await engine.run_ddl(f"INSERT INTO tx_probe VALUES ({pair}, 2)")


async def _parts(pair: int) -> int:
    rows = await db.current_engine().run_ddl(
        f"SELECT count(*) AS n FROM tx_probe WHERE pair = {pair}"
    )
    return rows[0]["n"]


async def _next_writer_commits_in_time(pair: int) -> float:
    started = time.monotonic()
    await asyncio.wait_for(_write_pair(pair), NEXT_WRITER_SECONDS * 5)
    seconds = time.monotonic() - started
    assert await _parts(pair) == 2
    assert seconds < NEXT_WRITER_SECONDS, f"the next writer waited {seconds:.2f}s"
    return seconds


def _run(settings, scenario) -> None:
    async def main() -> None:
        engine = db.bind_engine(db.engine_from_url(settings.database_url))
        await db.prepare_database(engine)
        await db.open_pool(engine, POOL_SIZE)
        try:
            await _prepare(settings)
            await scenario(engine)
        finally:
            await db.close_pool(engine)

    run_async(main())


def test_a_writer_cancelled_while_it_waits_for_the_lock_leaves_nothing(settings):
    async def scenario(engine) -> None:
        for pair in range(1, 4):  # more times than the pool has connections
            hold = asyncio.Event()
            holder = asyncio.create_task(_write_pair(pair * 10, hold))
            await asyncio.sleep(0.05)
            waiter = asyncio.create_task(_write_pair(pair * 10 + 1))
            await asyncio.sleep(0.05)
            waiter.cancel()
            with pytest.raises(asyncio.CancelledError) as cancelled:
                await waiter
            KEPT.append(cancelled.value)
            hold.set()
            await holder
            # Time for a BEGIN the cancelled writer left queued in SQLite's thread to take the
            # lock, if it could (so that it would hold it against the next writer).
            await asyncio.sleep(0.3)
            await _next_writer_commits_in_time(pair * 10 + 2)
            assert await _parts(pair * 10 + 1) == 0

    _run(settings, scenario)


def test_a_writer_cancelled_inside_its_transaction_leaves_nothing(settings):
    async def scenario(engine) -> None:
        for pair in range(1, 4):
            hold = asyncio.Event()
            writer = asyncio.create_task(_write_pair(pair, hold))
            await asyncio.sleep(0.05)
            writer.cancel()
            with pytest.raises(asyncio.CancelledError) as cancelled:
                await writer
            KEPT.append(cancelled.value)
            assert await _parts(pair) == 0
            await _next_writer_commits_in_time(100 + pair)

    _run(settings, scenario)


def test_a_writer_cancelled_at_any_step_leaves_all_or_nothing(settings):
    """Cancelled after 0, 1, 2 ... turns of the event loop, then after growing delays up to
    longer than a whole write takes: the cancellation sweeps across BEGIN, the inserts, COMMIT
    and the connection's return."""

    async def scenario(engine) -> None:
        started = time.monotonic()
        await _write_pair(999)
        whole = time.monotonic() - started
        waits = [("turns", n) for n in range(30)]
        waits += [("seconds", whole * 1.5 * n / 40) for n in range(41)]
        outcomes = set()
        for step, (unit, amount) in enumerate(waits):
            pair = 1000 + step
            writer = asyncio.create_task(_write_pair(pair))
            if unit == "turns":
                for _ in range(amount):
                    await asyncio.sleep(0)
            else:
                await asyncio.sleep(amount)
            writer.cancel()
            try:
                await writer
                cancelled = False
            except asyncio.CancelledError as error:
                KEPT.append(error)
                cancelled = True
            parts = await _parts(pair)
            assert parts in (0, 2), f"half a pair after {amount} {unit}"
            outcomes.add((cancelled, parts))
            await _next_writer_commits_in_time(5000 + step)
        # The sweep reached cancellations that came in time and some that came too late:
        # both sides of COMMIT were tried.
        assert (True, 0) in outcomes
        assert (False, 2) in outcomes or (True, 2) in outcomes

    _run(settings, scenario)


def test_a_writer_waiting_on_another_process_is_cancelled_cleanly(settings):
    """Another process holds the write lock (on PostgreSQL, the row); the cancelled writer,
    which waits inside BEGIN (or its first write), must not take it later and keep it."""

    async def scenario(engine) -> None:
        if settings.is_sqlite:
            other = sqlite3.connect(settings.database_url.removeprefix("sqlite:///"))
            other.isolation_level = None
            other.execute("BEGIN IMMEDIATE")
        else:
            other = await asyncpg.connect(settings.database_url)
            await other.execute("BEGIN; LOCK TABLE tx_probe IN EXCLUSIVE MODE")
        try:
            waiter = asyncio.create_task(_write_pair(7))
            await asyncio.sleep(0.3)
            waiter.cancel()
            started = time.monotonic()
            with pytest.raises(asyncio.CancelledError) as cancelled:
                await waiter
            KEPT.append(cancelled.value)
            assert time.monotonic() - started < NEXT_WRITER_SECONDS  # cancelling is not waiting
        finally:
            if settings.is_sqlite:
                other.execute("COMMIT")
                other.close()
            else:
                await other.execute("COMMIT")
                await other.close()
        await asyncio.sleep(0.3)  # as above: a left-over BEGIN would have the lock by now
        await _next_writer_commits_in_time(8)
        assert await _parts(7) == 0

    _run(settings, scenario)


def test_shutdown_closes_a_connection_left_inside_a_transaction(settings):
    """A task that never gave its connection back: closing the pool rolls it back, and another
    process can write at once."""

    async def scenario(engine) -> None:
        hold = asyncio.Event()
        asyncio.create_task(_write_pair(9, hold))  # never let go
        await asyncio.sleep(0.1)

    _run(settings, scenario)
    if settings.is_sqlite:
        other = sqlite3.connect(settings.database_url.removeprefix("sqlite:///"), timeout=1)
        other.isolation_level = None
        other.execute("BEGIN IMMEDIATE")
        assert other.execute("SELECT count(*) FROM tx_probe WHERE pair = 9").fetchone()[0] == 0
        other.execute("COMMIT")
        other.close()
