"""Numbers that must never repeat (receipts, ledger numbers), safe under concurrent writers.

The counter row is created on first use, then bumped with one UPDATE ... RETURNING: PostgreSQL
locks the row until the caller's transaction ends and SQLite's write lock serializes writers, so
two transactions never get the same value. Call it inside the transaction that uses the number.
"""

from __future__ import annotations

from incubator.core.db import write_transaction
from incubator.core.tables import Counter


async def next_value(key: str) -> int:
    return (await next_values(key, 1))[0]


async def next_values(key: str, count: int) -> list[int]:
    """`count` consecutive numbers at once (an import numbers thousands of rows)."""
    async with write_transaction():
        await Counter.insert(Counter(key=key, value=0)).on_conflict(
            target=Counter.key, action="DO NOTHING"
        )
        rows = (
            await Counter.update({Counter.value: Counter.value + count})
            .where(Counter.key == key)
            .returning(Counter.value)
        )
    last = rows[0]["value"]
    return list(range(last - count + 1, last + 1))


async def raise_to(key: str, value: int) -> None:
    """The counter is at least `value` afterwards: a number taken from elsewhere (an imported
    record keeps its own) is never given out again."""
    async with write_transaction():
        await Counter.insert(Counter(key=key, value=0)).on_conflict(
            target=Counter.key, action="DO NOTHING"
        )
        await Counter.update({Counter.value: value}).where(
            (Counter.key == key) & (Counter.value < value)
        )
