"""Background jobs that live in the database: report renders, imports, e-mails, the periodic
purges. The `job` row is the truth for every process: its status, its progress (written about
once a second), a heartbeat, its result. Any process may run jobs (the web processes by default,
`incubator worker` processes when a deployment wants them): each job is claimed by exactly one
with a conditional update, and a job whose heartbeat stopped (its process died) is shown as
interrupted and can be retried.

Why the database and not a queue library (procrastinate, huey, SAQ, dramatiq): they need Redis
or RabbitMQ (huey, SAQ, dramatiq) or PostgreSQL only (procrastinate), and none runs on the
embedded SQLite, which is how most street offices will run this; the work is a few jobs a minute,
which one indexed table serves well, and the row a user polls is the same one that the runner
writes, so there is no second store to reconcile.

A module declares its kinds with `register(Kind(...))` at import; `enqueue` adds a job,
`Runner` claims and runs them.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from incubator.core import db
from incubator.core.tables import Job

log = logging.getLogger("incubator.jobs")

QUEUED, RUNNING, DONE, FAILED, INTERRUPTED = "queued", "running", "done", "failed", "interrupted"
ACTIVE = (QUEUED, RUNNING)
# How often a running job's row is touched: heartbeat and progress.
HEARTBEAT_SECONDS = 1.0
# A running job not touched for this long belongs to a process that is gone.
STALE_SECONDS = 30
# How often an idle runner looks for work (a job enqueued in its own process wakes it at once).
POLL_SECONDS = 1.0


class JobFailed(Exception):
    """A reason in words for the user (time, memory, too many rows): shown as the job's
    message. Any other exception is logged and shown by reference only."""


@dataclass(frozen=True)
class Kind:
    name: str
    run: Callable[[JobContext], Awaitable[dict[str, Any] | None]]
    # Jobs of this kind running at once, over all processes together.
    at_once: int = 1
    # Periodic work: a job of this kind is kept scheduled this often.
    every: dt.timedelta | None = None


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    _KINDS[kind.name] = kind
    return kind


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class JobContext:
    """What a running job sees: its parameters, and a place to report progress."""

    job_id: int
    params: dict[str, Any]
    owner_id: int | None
    state: dict[str, Any] = field(default_factory=dict)

    def progress(self, **values: Any) -> None:
        """Kept in memory; the runner writes it with the next heartbeat."""
        self.state.update(values)


async def enqueue(
    kind: str,
    params: dict[str, Any] | None = None,
    *,
    owner_id: int | None = None,
    dedupe_key: str | None = None,
    run_after: dt.datetime | None = None,
) -> int:
    """A new queued job; with `dedupe_key`, the job already queued or running under that key
    if there is one (two processes asking at once get the same job)."""
    if kind not in _KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    async with db.write_transaction():
        if dedupe_key is not None:
            # A job under this key whose process died is over: asking again starts a new one
            # at once instead of waiting on the dead one until a runner's chores notice it.
            await _interrupt_stale(Job.dedupe_key == dedupe_key)
            existing = await _active_with_key(dedupe_key)
            if existing is not None:
                return existing
        # DO NOTHING: another process enqueued the same key between our look and our insert
        # (the unique index waits for its commit); its job is then ours too.
        rows = (
            await Job.insert(
                Job(
                    kind=kind,
                    params=params or {},
                    owner_id=owner_id,
                    dedupe_key=dedupe_key,
                    run_after=run_after or _now(),
                )
            )
            .on_conflict(action="DO NOTHING")
            .returning(Job.id)
        )
        if not rows:
            existing = await _active_with_key(dedupe_key) if dedupe_key is not None else None
            if existing is None:
                raise RuntimeError("job insert refused and no job under its key")
            return existing
    _wake_runners()
    return rows[0]["id"]


async def _active_with_key(dedupe_key: str) -> int | None:
    row = (
        await Job.select(Job.id)
        .where(Job.dedupe_key == dedupe_key, Job.status.is_in(list(ACTIVE)))
        .first()
    )
    return row["id"] if row else None


JSON_COLUMNS = ("params", "progress", "result")


def shown(row: dict[str, Any]) -> dict[str, Any]:
    """The job as a user should see it: JSON read, and a running job whose process stopped
    shown as interrupted."""
    row = {**row, **{c: _loaded(row[c]) for c in JSON_COLUMNS if c in row}}
    if row["status"] == RUNNING and _stale(row["heartbeat_at"]):
        row["status"] = INTERRUPTED
    return row


def _loaded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else (value or {})


def _beating_since(now: dt.datetime | None = None) -> dt.datetime:
    """A running job whose heartbeat is older than this belongs to a process that is gone."""
    return (now or _now()) - dt.timedelta(seconds=STALE_SECONDS)


def _stale(heartbeat: dt.datetime | None) -> bool:
    return heartbeat is None or heartbeat < _beating_since()


async def get(job_id: int) -> dict[str, Any] | None:
    row = await Job.select().where(Job.id == job_id).first()
    return shown(row) if row else None


async def retry(job_id: int) -> bool:
    """An interrupted or failed job queued again (its parameters unchanged); False when it is
    running, done, or its key already has another job under way."""
    cutoff = _beating_since()
    async with db.write_transaction():
        row = await Job.select(Job.dedupe_key).where(Job.id == job_id).first()
        if row is None:
            return False
        if row["dedupe_key"] is not None:
            other = await _active_with_key(row["dedupe_key"])
            if other is not None and other != job_id:
                return False
        retried = (
            await Job.update(
                {
                    Job.status: QUEUED,
                    Job.run_after: _now(),
                    Job.message: "",
                    Job.finished_at: None,
                    Job.claimed_by: "",
                }
            )
            .where(
                (Job.id == job_id)
                & (
                    Job.status.is_in([FAILED, INTERRUPTED])
                    | ((Job.status == RUNNING) & (Job.heartbeat_at < cutoff))
                )
            )
            .returning(Job.id)
        )
    if retried:
        _wake_runners()
    return bool(retried)


async def claim(worker: str, kind_names: Iterable[str]) -> dict[str, Any] | None:
    """The oldest due job of these kinds, now running for `worker`; None when there is none
    or each kind already runs its `at_once`. Exactly one process gets each job."""
    names = [name for name in kind_names if name in _KINDS]
    now = _now()
    async with db.write_transaction():
        for name in names:
            if not db.is_sqlite():
                # Claims of one kind queue here, so two processes cannot both take its last
                # free place (SQLite's write transaction already holds the whole database).
                await Job.raw("SELECT pg_advisory_xact_lock(hashtext({}))", f"job:{name}")
            running = await Job.count().where(
                Job.kind == name,
                Job.status == RUNNING,
                Job.heartbeat_at >= _beating_since(now),
            )
            if running >= _KINDS[name].at_once:
                continue
            query = (
                Job.select(Job.id)
                .where(Job.kind == name, Job.status == QUEUED, Job.run_after <= now)
                .order_by(Job.id)
                .limit(1)
            )
            if not db.is_sqlite():
                query = query.lock_rows(skip_locked=True)
            found = await query
            if not found:
                continue
            taken = (
                await Job.update(
                    {
                        Job.status: RUNNING,
                        Job.claimed_by: worker,
                        Job.started_at: now,
                        Job.heartbeat_at: now,
                        Job.attempts: Job.attempts + 1,
                    }
                )
                .where((Job.id == found[0]["id"]) & (Job.status == QUEUED))
                .returning(*Job.all_columns())
            )
            if taken:
                return taken[0]
    return None


async def _touch(job_id: int, worker: str, progress: dict[str, Any]) -> None:
    await Job.update({Job.heartbeat_at: _now(), Job.progress: progress}).where(
        (Job.id == job_id) & (Job.claimed_by == worker) & (Job.status == RUNNING)
    )


async def _finish(job_id: int, worker: str, status: str, **values: Any) -> None:
    columns = {getattr(Job, name): value for name, value in values.items()}
    await Job.update({Job.status: status, Job.finished_at: _now(), **columns}).where(
        (Job.id == job_id) & (Job.claimed_by == worker) & (Job.status == RUNNING)
    )


async def run_claimed(row: dict[str, Any], worker: str) -> str:
    """Runs one claimed job to its end, touching its row every HEARTBEAT_SECONDS; returns the
    status it ended with. Cancelled (the process stops), it is left for the heartbeat to
    show as interrupted."""
    kind = _KINDS[row["kind"]]
    context = JobContext(row["id"], _loaded(row["params"]), row["owner_id"])

    async def beat() -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            with contextlib.suppress(Exception):  # a missed beat is not a failed job
                await _touch(row["id"], worker, dict(context.state))

    beating = asyncio.create_task(beat())
    try:
        result = await kind.run(context)
    except JobFailed as exc:
        status, values = FAILED, {"message": str(exc)}
    except Exception:
        log.exception("job %s (%s) failed (reference J%s)", row["id"], kind.name, row["id"])
        status, values = FAILED, {"message": f"J{row['id']}"}
    else:
        status, values = DONE, {"result": result or {}}
    finally:
        beating.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beating
    await _finish(row["id"], worker, status, progress=dict(context.state), **values)
    return status


async def schedule_periodic(kind_names: Iterable[str] | None = None) -> None:
    """Every periodic kind (of these) has a job waiting: due `every` after the last one
    finished."""
    now = _now()
    names = set(_KINDS if kind_names is None else kind_names)
    for kind in _KINDS.values():
        if kind.every is None or kind.name not in names:
            continue
        key = f"periodic:{kind.name}"
        if await _active_with_key(key) is not None:
            continue
        last = (
            await Job.select(Job.finished_at)
            .where(Job.kind == kind.name, Job.finished_at.is_not_null())
            .order_by(Job.finished_at, ascending=False)
            .first()
        )
        due = last["finished_at"] + kind.every if last else now
        # Another process scheduling it at the same moment: enqueue gives back its job.
        await enqueue(kind.name, dedupe_key=key, run_after=max(due, now))


async def mark_interrupted() -> int:
    """Running jobs whose process stopped: marked interrupted, so their places are free and a
    periodic one is scheduled again."""
    return await _interrupt_stale()


async def _interrupt_stale(*where: Any) -> int:
    condition = (Job.status == RUNNING) & (Job.heartbeat_at < _beating_since())
    for clause in where:
        condition &= clause
    rows = (
        await Job.update({Job.status: INTERRUPTED, Job.finished_at: _now()})
        .where(condition)
        .returning(Job.id)
    )
    return len(rows)


async def purge_finished(older_than: dt.timedelta) -> int:
    """Rows of jobs that ended longer ago than this."""
    cutoff = _now() - older_than
    rows = (
        await Job.delete()
        .where(Job.status.is_in([DONE, FAILED, INTERRUPTED]) & (Job.finished_at < cutoff))
        .returning(Job.id)
    )
    return len(rows)


# Runners of this process, by the event loop each runs in (an Event may be set only from its
# own loop's thread).
_WAKE: dict[asyncio.Event, asyncio.AbstractEventLoop] = {}


def _wake_runners() -> None:
    for event, loop in list(_WAKE.items()):
        with contextlib.suppress(RuntimeError):  # a loop closed meanwhile
            loop.call_soon_threadsafe(event.set)


class Runner:
    """Claims and runs jobs in this process until stopped: at most `slots` at once."""

    def __init__(self, kind_names: Iterable[str] | None = None, slots: int = 4) -> None:
        self.kind_names = list(kind_names) if kind_names is not None else None
        self.slots = slots
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._running: set[asyncio.Task] = set()
        self._loop_task: asyncio.Task | None = None
        self._wake = asyncio.Event()

    def start(self) -> None:
        _WAKE[self._wake] = asyncio.get_running_loop()
        self._loop_task = asyncio.create_task(self._forever())

    async def stop(self) -> None:
        """Cancels the loop and the jobs under way, waits for them to end, and marks its own
        jobs interrupted (they can be retried, here or in another process)."""
        _WAKE.pop(self._wake, None)
        if self._loop_task is None:
            return  # never started (jobs run in other processes)
        tasks = [t for t in (self._loop_task, *self._running) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        # Jobs this runner was running are interrupted now, not in STALE_SECONDS.
        with contextlib.suppress(Exception):
            await Job.update({Job.status: INTERRUPTED, Job.finished_at: _now()}).where(
                (Job.claimed_by == self.worker) & (Job.status == RUNNING)
            )

    async def run_until_idle(self) -> int:
        """Claims and runs jobs one after another until none is due (for tests and the CLI);
        returns how many ran."""
        ran = 0
        while (row := await claim(self.worker, self._names())) is not None:
            await run_claimed(row, self.worker)
            ran += 1
        return ran

    def _names(self) -> list[str]:
        return self.kind_names if self.kind_names is not None else list(_KINDS)

    async def _forever(self) -> None:
        last_chores = 0.0
        loop = asyncio.get_running_loop()
        while True:
            try:
                if loop.time() - last_chores > STALE_SECONDS / 3:
                    last_chores = loop.time()
                    await mark_interrupted()
                    await schedule_periodic(self._names())
                while len(self._running) < self.slots:
                    row = await claim(self.worker, self._names())
                    if row is None:
                        break
                    task = asyncio.create_task(run_claimed(row, self.worker))
                    self._running.add(task)
                    task.add_done_callback(self._done)
            except Exception:  # the runner must outlive a database hiccup
                log.exception("job runner round failed")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)

    def _done(self, task: asyncio.Task) -> None:
        self._running.discard(task)
        self._wake.set()  # a place is free
