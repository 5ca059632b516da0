"""Concurrent writers wait for each other; a stale update changes nothing."""

import asyncio

import pytest

from incubator.core import audit
from incubator.core.db import write_transaction
from incubator.core.locking import StaleVersionError, update_versioned
from incubator.core.tables import AuditLog
from incubator.ground.tables import User


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.anyio
async def test_concurrent_read_then_write_transactions_all_succeed(bound):
    async def writer(n: int) -> None:
        async with write_transaction():
            seen = await AuditLog.count()  # a read that turns into a write
            await audit.record(None, "test", n, "create", after={"seen": seen})

    await asyncio.gather(*(writer(n) for n in range(40)))
    rows = (
        await AuditLog.select(AuditLog.after)
        .where(AuditLog.table_name == "test")
        .output(load_json=True)
    )
    assert len(rows) == 40
    if bound.is_sqlite:
        # IMMEDIATE transactions are serialized: every writer saw a different count.
        assert len({r["after"]["seen"] for r in rows}) == 40


@pytest.mark.anyio
async def test_of_two_updates_from_the_same_version_one_wins(bound):
    row = await User.select(User.id, User.version).where(User.username == "staff").first()

    async def rename(name: str):
        async with write_transaction():
            return await update_versioned(User, row["id"], row["version"], {"display_name": name})

    results = await asyncio.gather(rename("甲"), rename("乙"), return_exceptions=True)
    assert sum(isinstance(r, StaleVersionError) for r in results) == 1
    winner = "甲" if results[0] == row["version"] + 1 else "乙"
    after = await User.select(User.display_name, User.version).where(User.id == row["id"]).first()
    assert after == {"display_name": winner, "version": row["version"] + 1}


@pytest.mark.anyio
async def test_a_failed_service_write_leaves_no_audit_row(bound):
    before = await AuditLog.count()
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await audit.record(None, "test", 1, "create")
            raise RuntimeError("the change failed after its audit row was written")
    assert await AuditLog.count() == before
