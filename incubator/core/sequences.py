"""Numbers that must never repeat (receipts, ledger numbers), safe under concurrent writers.

The counter row is created on first use, then bumped with one UPDATE ... RETURNING: PostgreSQL
locks the row until the caller's transaction ends and SQLite's write lock serializes writers, so
two transactions never get the same value. Call it inside the transaction that uses the number.
"""

from __future__ import annotations

from incubator.core.db import write_transaction
from incubator.core.tables import Counter


async def next_value(key: str) -> int:
    async with write_transaction():
        await Counter.insert(Counter(key=key, value=0)).on_conflict(
            target=Counter.key, action="DO NOTHING"
        )
        rows = (
            await Counter.update({Counter.value: Counter.value + 1})
            .where(Counter.key == key)
            .returning(Counter.value)
        )
    return rows[0]["value"]
