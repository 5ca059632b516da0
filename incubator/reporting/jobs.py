"""Reports as jobs: a report expected to take more than about a second renders in the background
with its progress shown, and the user finds it later under "my reports". Every rendered report is
kept as a file under a key of its kind, parameters, scope, language and data version, and served
again while that key holds (the cache)."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import logging
import os
import weakref
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from incubator.accounts.tables import User
from incubator.core import audit
from incubator.core.auth import CurrentUser
from incubator.core.db import lock_rows, write_transaction
from incubator.core.i18n import _, get_language
from incubator.core.roles import ADMIN
from incubator.reporting.tables import ReportJob
from incubator.reporting.worker import Progress, ProgressCallback, ReportFailed

log = logging.getLogger("incubator.reporting")

# Jobs rendering at once; the rest wait their turn (each already uses every worker).
JOBS_AT_ONCE = 2
KEEP_DAYS = 7
RUNNING = ("queued", "running")
# Jobs still queued or running from before this process started belong to an earlier run.
STARTED_AT = dt.datetime.now(dt.UTC)

PROGRESS: dict[int, Progress | None] = {}
_TASKS: set[asyncio.Task] = set()
_TURNS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)

Render = Callable[[ProgressCallback | None], Awaitable[bytes]]


class TooManyJobs(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(
            _(
                "您已有 {n} 份报表在排队或生成中，请等其中一份完成后再生成新的报表"
                "（进度见“我的报表”）。"
            ).format(n=limit)
        )


@dataclass
class Order:
    """One report to make: what it is, for the list, and how to make it. `make` builds the
    report from its parameters when it is called, so a queued job holds no built report;
    `rows` and `pages` are estimates until then."""

    kind: str
    title: str
    address: str
    download_name: str
    key: str
    rows: int
    pages: int
    make: Render


async def cache_key(
    kind: str, params: Mapping[str, str], user: CurrentUser, tables: Sequence[str]
) -> str:
    """Same key, same PDF: the same report, asked with the same parameters, by someone who sees
    the same records, in the same language, with none of those records changed since."""
    scope = (user.role, user.community_id, user.organization_id)
    version = await audit.data_version(tables)
    material = json.dumps(
        [kind, sorted(params.items()), scope, get_language(), version], default=str
    )
    return hashlib.sha256(material.encode()).hexdigest()


def _path(reports_dir: Path, key: str) -> Path:
    return reports_dir / f"{key}.pdf"


def stored(reports_dir: Path, key: str) -> Path | None:
    """The rendered file of this key, if it is still kept."""
    path = _path(reports_dir, key)
    return path if path.is_file() else None


def _store(reports_dir: Path, key: str, pdf: bytes) -> None:
    """Written under a temporary name and renamed, so a reader never sees half a file."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    partial = reports_dir / f".{key}.{os.getpid()}.part"
    partial.write_bytes(pdf)
    partial.replace(_path(reports_dir, key))


async def _insert(user: CurrentUser, order: Order, status: str, **values: Any) -> int:
    rows = await ReportJob.insert(
        ReportJob(
            created_by=user.id,
            kind=order.kind,
            title=order.title[:300],
            address=order.address[:2000],
            download_name=order.download_name[:255],
            cache_key=order.key,
            status=status,
            rows=order.rows,
            pages=order.pages,
            **values,
        )
    ).returning(ReportJob.id)
    return rows[0]["id"]


async def _finish(job_id: int, **values: Any) -> None:
    values["finished_at"] = dt.datetime.now(dt.UTC)
    await ReportJob.update({getattr(ReportJob, k): v for k, v in values.items()}).where(
        ReportJob.id == job_id
    )


async def make_now(user: CurrentUser, order: Order, reports_dir: Path, render: Render) -> bytes:
    """Renders (with `render`, the report already built for the caller) while the caller waits;
    stores the file and lists it as done. ReportFailed passes on to the caller."""
    pdf = await render(None)
    await asyncio.to_thread(_store, reports_dir, order.key, pdf)
    await _insert(user, order, "done", size=len(pdf), finished_at=dt.datetime.now(dt.UTC))
    return pdf


async def start(user: CurrentUser, order: Order, reports_dir: Path, max_jobs: int) -> int:
    """The job for this report: the user's own one already under way with the same key, or a
    new one started in the background; TooManyJobs when the user already has `max_jobs`
    queued or running (counted in the table, so every process counts the same)."""
    async with write_transaction():
        # The user's row, locked: two requests at once cannot both take the last place.
        await lock_rows(User, [user.id])
        existing = (
            await ReportJob.select(ReportJob.id)
            .where(
                ReportJob.created_by == user.id,
                ReportJob.cache_key == order.key,
                ReportJob.status.is_in(list(RUNNING)),
            )
            .order_by(ReportJob.id, ascending=False)
            .first()
        )
        if existing and existing["id"] in PROGRESS:
            return existing["id"]
        active = await ReportJob.count().where(
            ReportJob.created_by == user.id, ReportJob.status.is_in(list(RUNNING))
        )
        if active >= max_jobs:
            raise TooManyJobs(max_jobs)
        job_id = await _insert(user, order, "queued")
    PROGRESS[job_id] = None
    task = asyncio.create_task(_run(job_id, order, reports_dir))
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)
    return job_id


async def _run(job_id: int, order: Order, reports_dir: Path) -> None:
    # One semaphore per event loop (each test client runs its own loop).
    turns = _TURNS.setdefault(asyncio.get_running_loop(), asyncio.Semaphore(JOBS_AT_ONCE))
    try:
        async with turns:
            await ReportJob.update({ReportJob.status: "running"}).where(ReportJob.id == job_id)
            PROGRESS[job_id] = Progress(0, order.rows, 0, order.pages)

            def progressed(progress: Progress) -> None:
                PROGRESS[job_id] = progress

            pdf = await order.make(progressed)
            await asyncio.to_thread(_store, reports_dir, order.key, pdf)
            done = PROGRESS.get(job_id)
            rows, pages = (done.rows_total, done.pages_done) if done else (order.rows, order.pages)
            await _finish(job_id, status="done", size=len(pdf), rows=rows, pages=pages)
    except ReportFailed as exc:  # a reason in words for the user (time, memory, too many rows)
        await _finish(job_id, status="failed", message=str(exc))
    except Exception:  # the job must end with a state the user can read, but not our internals
        log.exception("report job %s failed (reference R%s)", job_id, job_id)
        message = _(
            "报表生成失败（内部错误，编号 R{id}），请稍后重试；如仍失败，请把编号告诉系统管理员。"
        )
        await _finish(job_id, status="failed", message=message.format(id=job_id))
    finally:
        PROGRESS.pop(job_id, None)


async def job(user: CurrentUser, job_id: int) -> dict | None:
    """The job as its owner (or an admin) may see it, with live progress while it runs."""
    row = await ReportJob.select().where(ReportJob.id == job_id).first()
    if row is None or (row["created_by"] != user.id and user.role != ADMIN):
        return None
    return _live(row)


def _live(row: dict) -> dict:
    if row["status"] in RUNNING and row["id"] not in PROGRESS:
        # Started before the app restarted: that run is gone.
        message = _("服务重启，报表生成已中断，请重新生成")
        return {"rows_done": 0, "pages_done": 0, **row, "status": "failed", "message": message}
    progress = PROGRESS.get(row["id"])
    if progress is not None:
        row = {
            **row,
            "rows_done": progress.rows_done,
            "pages_done": progress.pages_done,
            "pages": progress.pages_total or row["pages"],
        }
    if row["status"] == "done":
        return {**row, "rows_done": row["rows"], "pages_done": row["pages"]}
    return {"rows_done": 0, "pages_done": 0, **row}


async def mine(user: CurrentUser, limit: int = 50) -> list[dict]:
    rows = (
        await ReportJob.select()
        .where(ReportJob.created_by == user.id)
        .order_by(ReportJob.id, ascending=False)
        .limit(limit)
    )
    return [_live(row) for row in rows]


def file_of(reports_dir: Path, row: Mapping[str, Any]) -> Path | None:
    return stored(reports_dir, row["cache_key"]) if row["status"] == "done" else None


async def purge(reports_dir: Path, keep_days: int = KEEP_DAYS) -> int:
    """Deletes report files and list entries older than `keep_days`; returns files removed."""
    cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(days=keep_days)
    async with write_transaction():
        await ReportJob.delete().where(ReportJob.created_at < cutoff)
        # Jobs an earlier run of the app left queued or running will never end: say so, and
        # free their places under each user's limit.
        await ReportJob.update(
            {
                ReportJob.status: "failed",
                ReportJob.message: _("服务重启，报表生成已中断，请重新生成"),
                ReportJob.finished_at: dt.datetime.now(dt.UTC),
            }
        ).where(ReportJob.status.is_in(list(RUNNING)), ReportJob.created_at < STARTED_AT)

    def remove_old() -> int:
        removed = 0
        if not reports_dir.is_dir():
            return 0
        for path in reports_dir.iterdir():
            if path.stat().st_mtime < cutoff.timestamp():
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    return await asyncio.to_thread(remove_old)


def shutdown() -> None:
    for task in list(_TASKS):
        task.cancel()
