"""Reports as jobs: a report expected to take more than about a second renders as a job of
core.jobs (in whichever process runs jobs) with its progress shown, and the user finds it later
under "my reports" (a `report_job` entry, pointing at its job). Every rendered report is kept as
a file under a key of its kind, parameters, scope, language and data version, and served again
while that key holds (the cache); the same report asked for twice at once renders once."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from incubator.accounts import service as accounts
from incubator.core import audit, jobs
from incubator.core.auth import CurrentUser
from incubator.core.db import lock_rows, write_transaction
from incubator.core.files import write_atomically
from incubator.core.i18n import _, get_language, set_language
from incubator.core.roles import ADMIN
from incubator.core.tables import Job
from incubator.ground.tables import User
from incubator.reporting.recipes import RECIPES
from incubator.reporting.tables import ReportJob
from incubator.reporting.worker import Progress, ProgressCallback, Renderer, ReportFailed
from incubator.settings import Settings

log = logging.getLogger("incubator.reporting")

RENDER_KIND = "report.render"
# Reports rendering at once over all processes; the rest wait their turn (each already uses
# every render worker of its process).
JOBS_AT_ONCE = 2
KEEP_DAYS = 7
RUNNING = ("queued", "running")

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
    """One report to make: what it is, for the list, and the parameters its recipe
    (reporting.recipes) makes it from, in its turn, in any process; `rows` and `pages` are
    estimates until then."""

    kind: str
    title: str
    address: str
    download_name: str
    key: str
    rows: int
    pages: int
    params: dict[str, Any] = field(default_factory=dict)


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
    write_atomically(_path(reports_dir, key), pdf)


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


async def make_now(user: CurrentUser, order: Order, reports_dir: Path, render: Render) -> bytes:
    """Renders (with `render`, the report already built for the caller) while the caller waits;
    stores the file and lists it as done. ReportFailed passes on to the caller."""
    pdf = await render(None)
    await asyncio.to_thread(_store, reports_dir, order.key, pdf)
    await _insert(user, order, "done", size=len(pdf), finished_at=dt.datetime.now(dt.UTC))
    return pdf


async def start(user: CurrentUser, order: Order, reports_dir: Path, max_jobs: int) -> int:
    """The user's entry for this report: their own one already under way with the same key, or
    a new one whose job renders in the background (shared with anyone else's job for the same
    key); TooManyJobs when the user already has `max_jobs` queued or running (counted in the
    tables, so every process counts the same)."""
    async with write_transaction():
        # The user's row, locked: two requests at once cannot both take the last place.
        await lock_rows(User, [user.id])
        entries = await _with_jobs(
            await ReportJob.select()
            .where(ReportJob.created_by == user.id, ReportJob.status.is_in(list(RUNNING)))
            .order_by(ReportJob.id, ascending=False)
        )
        under_way = [e for e in entries if e["status"] in RUNNING]
        for entry in under_way:
            if entry["cache_key"] == order.key:
                return entry["id"]
        if len(under_way) >= max_jobs:
            raise TooManyJobs(max_jobs)
        job_id = await jobs.enqueue(
            RENDER_KIND,
            {
                "report": order.kind,
                "params": order.params,
                "user_id": user.id,
                "language": get_language(),
                "key": order.key,
            },
            owner_id=user.id,
            dedupe_key=f"report:{order.key}",
        )
        return await _insert(user, order, "queued", job_id=job_id)


def render_kind(settings: Settings, renderer: Renderer) -> jobs.Kind:
    """The job that renders a report in its turn, from its parameters, with this process's
    render workers; every entry waiting on it is updated when it ends."""

    async def run(context: jobs.JobContext) -> dict:
        params, reports_dir = context.params, settings.reports_dir
        try:
            path = stored(reports_dir, params["key"])
            if path is None:  # not already made by an earlier job of the same key
                user = await accounts.active_user(params["user_id"])
                if user is None:
                    raise ReportFailed(_("提交报表的账号已停用，报表未生成"))
                set_language(params.get("language") or "zh-CN")

                def progressed(progress: Progress) -> None:
                    context.progress(
                        rows_done=progress.rows_done,
                        rows=progress.rows_total,
                        pages_done=progress.pages_done,
                        pages=progress.pages_total,
                    )

                recipe = RECIPES[params["report"]]
                pdf = await recipe(user, params["params"], settings, renderer, progressed)
                await asyncio.to_thread(_store, reports_dir, params["key"], pdf)
                path = stored(reports_dir, params["key"])
            size = path.stat().st_size if path else 0
            done = {
                "size": size,
                **{k: context.state[k] for k in ("rows", "pages") if k in context.state},
            }
            await _entries_end(context.job_id, "done", **done)
            return done
        except ReportFailed as exc:  # a reason in words for the user (time, memory, rows)
            await _entries_end(context.job_id, "failed", message=str(exc))
            raise jobs.JobFailed(str(exc)) from None
        except Exception:
            log.exception("report job %s failed (reference R%s)", context.job_id, context.job_id)
            message = _(
                "报表生成失败（内部错误，编号 R{id}），"
                "请稍后重试；如仍失败，请把编号告诉系统管理员。"
            ).format(id=context.job_id)
            await _entries_end(context.job_id, "failed", message=message)
            raise jobs.JobFailed(message) from None

    return jobs.Kind(RENDER_KIND, run, at_once=JOBS_AT_ONCE)


async def _entries_end(job_id: int, status: str, **values: Any) -> None:
    columns = {getattr(ReportJob, k): v for k, v in values.items()}
    await ReportJob.update(
        {ReportJob.status: status, ReportJob.finished_at: dt.datetime.now(dt.UTC), **columns}
    ).where((ReportJob.job_id == job_id) & ReportJob.status.is_in(list(RUNNING)))


async def job(user: CurrentUser, job_id: int) -> dict | None:
    """The job as its owner (or an admin) may see it, with live progress while it runs."""
    row = await ReportJob.select().where(ReportJob.id == job_id).first()
    if row is None or (row["created_by"] != user.id and user.role != ADMIN):
        return None
    return (await _with_jobs([row]))[0]


async def _with_jobs(rows: list[dict]) -> list[dict]:
    """Entries as their users should see them: a queued or running entry takes its job's
    status and progress (a job whose process stopped shows as interrupted)."""
    ids = [r["job_id"] for r in rows if r["status"] in RUNNING and r["job_id"]]
    found = await Job.select().where(Job.id.is_in(ids)) if ids else []
    by_id = {j["id"]: jobs.shown(j) for j in found}
    return [_live(row, by_id.get(row["job_id"])) for row in rows]


def _live(row: dict, job: dict | None) -> dict:
    if row["status"] == "done":
        return {**row, "rows_done": row["rows"], "pages_done": row["pages"]}
    if row["status"] not in RUNNING:
        return {"rows_done": 0, "pages_done": 0, **row}
    if job is None or job["status"] in (jobs.INTERRUPTED, jobs.FAILED, jobs.DONE):
        # The job ended without this entry hearing of it: its process stopped.
        message = _("报表生成已中断（服务重启或进程退出），请重新生成")
        return {"rows_done": 0, "pages_done": 0, **row, "status": "failed", "message": message}
    progress = job["progress"]
    return {
        **row,
        "status": job["status"],
        "rows_done": progress.get("rows_done", 0),
        "rows": progress.get("rows") or row["rows"],
        "pages_done": progress.get("pages_done", 0),
        "pages": progress.get("pages") or row["pages"],
    }


async def mine(user: CurrentUser, limit: int = 50) -> list[dict]:
    rows = (
        await ReportJob.select()
        .where(ReportJob.created_by == user.id)
        .order_by(ReportJob.id, ascending=False)
        .limit(limit)
    )
    return await _with_jobs(rows)


def file_of(reports_dir: Path, row: Mapping[str, Any]) -> Path | None:
    return stored(reports_dir, row["cache_key"]) if row["status"] == "done" else None


async def purge(reports_dir: Path, keep_days: int = KEEP_DAYS) -> int:
    """Deletes report files and list entries older than `keep_days`; returns files removed."""
    cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(days=keep_days)
    await ReportJob.delete().where(ReportJob.created_at < cutoff)

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
