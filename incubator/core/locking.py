"""Optimistic locking: an update names the version it read; a stale one changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from piccolo.table import Table

from incubator.core.errors import ServiceError
from incubator.core.i18n import N_, text

STALE_MESSAGE = N_("该记录已被他人修改，请刷新页面查看最新内容后再保存。")


class StaleVersionError(ServiceError):
    def __init__(self, message: str = STALE_MESSAGE) -> None:
        super().__init__(text(message))


async def update_versioned(
    table: type[Table], record_id: int, expected_version: int, values: dict[str, Any]
) -> int:
    """Apply `values` only if the row still has `expected_version`; return the new version."""
    columns = {table._meta.get_column_by_name(name): value for name, value in values.items()}
    columns[table.version] = expected_version + 1  # type: ignore[attr-defined]
    columns[table.updated_at] = dt.datetime.now(dt.UTC)  # type: ignore[attr-defined]
    updated = (
        await table.update(columns)
        .where((table._meta.primary_key == record_id) & (table.version == expected_version))  # type: ignore[attr-defined]
        .returning(table._meta.primary_key)
    )
    if not updated:
        raise StaleVersionError()
    return expected_version + 1
