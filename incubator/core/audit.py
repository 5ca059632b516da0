"""The audit log: one row per change, written inside the same transaction as the change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from incubator.core.auth import CurrentUser
from incubator.core.db import read_transaction
from incubator.core.i18n import LOCAL_TZ, N_
from incubator.core.pagination import Page, PageRequest, paginate
from incubator.core.tables import AuditLog

# How the audit page names tables and actions; modules add theirs as they land.
TABLE_LABELS = {
    "app_user": N_("用户"),
    "user_session": N_("登录会话"),
    "api_token": N_("访问令牌"),
    "stored_file": N_("上传文件"),
    "street": N_("街道"),
    "community": N_("社区"),
    "grid": N_("网格"),
    "organization": N_("社会组织"),
    "work_item": N_("待办事项"),
    "rubric": N_("评分表"),
    "score_sheet": N_("评分"),
}
ACTION_LABELS = {
    "create": N_("新建"),
    "update": N_("修改"),
    "login": N_("登录"),
    "logout": N_("退出"),
    "upload": N_("上传"),
    "revoke": N_("撤销"),
    "reset_password": N_("重置密码"),
    "change_password": N_("修改密码"),
    "move": N_("变更状态"),
    "reassign": N_("调整负责人"),
    "submit": N_("提交"),
}


def label_tables(labels: dict[str, str]) -> None:
    """Modules name their own tables for the audit page."""
    TABLE_LABELS.update(labels)


def label_actions(labels: dict[str, str]) -> None:
    """Modules name their own actions for the audit page (e.g. the pipeline's steps)."""
    ACTION_LABELS.update(labels)


# Never copied into the log, whatever table they come from (secrets and citizen ID numbers).
SECRET_FIELDS = frozenset(
    {"password_hash", "token_hash", "key_hash", "legal_rep_id_number", "id_number"}
)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def summary(row: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {k: _plain(v) for k, v in row.items() if k not in SECRET_FIELDS}


def changes(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, before and after."""
    keys = [k for k in after if k not in SECRET_FIELDS and before.get(k) != after[k]]
    return {k: _plain(before.get(k)) for k in keys}, {k: _plain(after[k]) for k in keys}


async def record(
    actor: CurrentUser | None,
    table: str,
    record_id: Any,
    action: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """Call inside the service's write transaction, after the change itself."""
    await AuditLog.insert(
        AuditLog(
            actor_id=actor.id if actor else None,
            actor_name=actor.username if actor else "system",
            table_name=table,
            record_id=str(record_id),
            action=action,
            before=summary(before),
            after=summary(after),
        )
    )


async def search(
    *,
    table: str,
    action: str,
    actor: str,
    record: str,
    date_from: dt.date | None,
    date_to: dt.date | None,
    request: PageRequest,
) -> tuple[Page, list[str], list[str]]:
    where = []
    if table:
        where.append(AuditLog.table_name == table)
    if action:
        where.append(AuditLog.action == action)
    if actor:
        where.append(AuditLog.actor_name.ilike(f"%{actor}%"))
    if record:
        where.append(AuditLog.record_id == record)
    if date_from:
        where.append(AuditLog.at >= dt.datetime.combine(date_from, dt.time(), LOCAL_TZ))
    if date_to:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(), LOCAL_TZ)
        where.append(AuditLog.at < end)
    query = AuditLog.select().order_by(AuditLog.id, ascending=False).output(load_json=True)
    count = AuditLog.count()
    if where:
        query, count = query.where(*where), count.where(*where)
    async with read_transaction():
        page = await paginate(query, count, request)
        tables = [r["table_name"] for r in await AuditLog.select(AuditLog.table_name).distinct()]
        actions = [r["action"] for r in await AuditLog.select(AuditLog.action).distinct()]
    return page, sorted(tables), sorted(actions)


async def data_version(tables: Sequence[str]) -> str:
    """Changes whenever a record of these tables changes: every write is audited in its own
    transaction. The newest id alone could miss a write that committed after a later one;
    with the count beside it, that write still shows."""
    if not tables:
        return ""
    # Only placeholders and numbered aliases go into the text; table names are parameters.
    parts = ", ".join(
        f"(SELECT max(id) FROM audit_log WHERE table_name = {{}}) AS newest{n}, "  # noqa: S608
        f"(SELECT count(*) FROM audit_log WHERE table_name = {{}}) AS counted{n}"
        for n in range(len(tables))
    )
    args = [name for name in tables for _ in range(2)]
    rows = await AuditLog.raw(f"SELECT {parts}", *args)
    return ";".join(str(value) for value in rows[0].values()) if rows else ""
