"""The job system (core.jobs) on SQLite and PostgreSQL: the row is the truth, each job is
claimed once however many claim at once, a job whose heartbeat stopped is interrupted and can
be retried, periodic work stays scheduled once."""

from __future__ import annotations

import asyncio
import datetime as dt

from incubator.core import db, jobs
from incubator.core.tables import Job
from tests.support.databases import run_async

RAN: list[int] = []


async def _echo(context: jobs.JobContext) -> dict:
    RAN.append(context.job_id)
    context.progress(done=1, total=1)
    return {"echo": context.params.get("value")}


async def _slow(context: jobs.JobContext) -> dict:
    for step in range(1, 4):
        context.progress(done=step, total=3)
        await asyncio.sleep(0.6)
    return {}


async def _refuses(context: jobs.JobContext) -> None:
    raise jobs.JobFailed("数据太多，请缩小范围")


async def _breaks(context: jobs.JobContext) -> None:
    raise RuntimeError("internal detail /srv/secret")


ECHO = jobs.register(jobs.Kind("test.echo", _echo, at_once=100))
SLOW = jobs.register(jobs.Kind("test.slow", _slow, at_once=1))
REFUSES = jobs.register(jobs.Kind("test.refuses", _refuses))
BREAKS = jobs.register(jobs.Kind("test.breaks", _breaks))
HOURLY = jobs.register(jobs.Kind("test.hourly", _echo, every=dt.timedelta(hours=1)))


def _run(settings, scenario) -> None:
    async def main() -> None:
        engine = db.bind_engine(db.engine_from_url(settings.database_url))
        await db.open_pool(engine, 8)
        try:
            await scenario()
        finally:
            await db.close_pool(engine)

    run_async(main())


def test_a_job_runs_once_and_its_row_tells_the_outcome(settings):
    async def scenario() -> None:
        job_id = await jobs.enqueue("test.echo", {"value": "公益 %s <b>"}, owner_id=3)
        assert (await jobs.get(job_id))["status"] == jobs.QUEUED
        assert await jobs.Runner(["test.echo"]).run_until_idle() == 1
        row = await jobs.get(job_id)
        assert row["status"] == jobs.DONE
        assert row["result"] == {"echo": "公益 %s <b>"}
        assert row["progress"] == {"done": 1, "total": 1}
        assert row["attempts"] == 1 and row["owner_id"] == 3
        assert await jobs.Runner(["test.echo"]).run_until_idle() == 0

    _run(settings, scenario)


def test_many_claimers_at_once_take_each_job_exactly_once(settings):
    async def scenario() -> None:
        made = {await jobs.enqueue("test.echo", {"value": n}) for n in range(30)}

        async def claimer(name: str) -> list[int]:
            taken = []
            while (row := await jobs.claim(name, ["test.echo"])) is not None:
                taken.append(row["id"])
            return taken

        results = await asyncio.gather(*(claimer(f"w{n}") for n in range(5)))
        claimed = [job_id for taken in results for job_id in taken]
        assert sorted(claimed) == sorted(made)  # every job, none twice

    _run(settings, scenario)


def test_a_kind_runs_no_more_jobs_at_once_than_it_allows(settings):
    async def scenario() -> None:
        await jobs.enqueue("test.slow")
        await jobs.enqueue("test.slow")
        first = await jobs.claim("a", ["test.slow"])
        assert first is not None
        assert await jobs.claim("b", ["test.slow"]) is None  # at_once=1, over all processes

    _run(settings, scenario)


def test_progress_and_heartbeat_reach_the_row_while_the_job_runs(settings):
    async def scenario() -> None:
        job_id = await jobs.enqueue("test.slow")
        row = await jobs.claim("w", ["test.slow"])
        running = asyncio.create_task(jobs.run_claimed(row, "w"))
        await asyncio.sleep(1.3)
        seen = await jobs.get(job_id)
        assert seen["status"] == jobs.RUNNING
        assert seen["progress"]["done"] >= 2 and seen["progress"]["total"] == 3
        assert seen["heartbeat_at"] > row["heartbeat_at"]
        assert await running == jobs.DONE

    _run(settings, scenario)


def test_a_job_whose_heartbeat_stopped_is_interrupted_and_can_be_retried(settings):
    async def scenario() -> None:
        job_id = await jobs.enqueue("test.echo", {"value": 1})
        assert await jobs.claim("dead-process", ["test.echo"]) is not None
        assert not await jobs.retry(job_id)  # still running: nothing to retry
        old = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=jobs.STALE_SECONDS + 5)
        await Job.update({Job.heartbeat_at: old}).where(Job.id == job_id)
        assert (await jobs.get(job_id))["status"] == jobs.INTERRUPTED
        assert await jobs.retry(job_id)
        assert (await jobs.get(job_id))["status"] == jobs.QUEUED
        assert await jobs.Runner(["test.echo"]).run_until_idle() == 1
        done = await jobs.get(job_id)
        assert done["status"] == jobs.DONE and done["attempts"] == 2

    _run(settings, scenario)


def test_a_stopped_runner_leaves_its_jobs_interrupted(settings):
    async def scenario() -> None:
        job_id = await jobs.enqueue("test.slow")
        runner = jobs.Runner(["test.slow"])
        runner.start()
        for _ in range(50):
            await asyncio.sleep(0.05)
            if (await jobs.get(job_id))["status"] == jobs.RUNNING:
                break
        await runner.stop()
        assert (await jobs.get(job_id))["status"] == jobs.INTERRUPTED
        assert await jobs.retry(job_id)

    _run(settings, scenario)


def test_failures_say_why_in_words_or_by_reference_only(settings):
    async def scenario() -> None:
        refused = await jobs.enqueue("test.refuses")
        broken = await jobs.enqueue("test.breaks")
        await jobs.Runner(["test.refuses", "test.breaks"]).run_until_idle()
        assert (await jobs.get(refused))["message"] == "数据太多，请缩小范围"
        shown = await jobs.get(broken)
        assert shown["status"] == jobs.FAILED
        assert shown["message"] == f"J{broken}"  # the detail is in the log, not on the page

    _run(settings, scenario)


def test_one_job_per_key_while_one_is_under_way(settings):
    async def scenario() -> None:
        ids = await asyncio.gather(
            *(jobs.enqueue("test.echo", dedupe_key="same") for _ in range(6))
        )
        assert len(set(ids)) == 1
        await jobs.Runner(["test.echo"]).run_until_idle()
        again = await jobs.enqueue("test.echo", dedupe_key="same")
        assert again != ids[0]

    _run(settings, scenario)


def test_asking_again_after_the_process_died_starts_a_new_job_at_once(settings):
    async def scenario() -> None:
        dead = await jobs.enqueue("test.echo", dedupe_key="report:same")
        assert await jobs.claim("dead-process", ["test.echo"]) is not None
        # Alive (within the heartbeat): asking again joins the job under way.
        assert await jobs.enqueue("test.echo", dedupe_key="report:same") == dead
        old = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=jobs.STALE_SECONDS + 5)
        await Job.update({Job.heartbeat_at: old}).where(Job.id == dead)
        # Dead, and no runner's chores have noticed yet: a new job, the dead one interrupted.
        fresh = await jobs.enqueue("test.echo", dedupe_key="report:same")
        assert fresh != dead
        assert (await Job.select(Job.status).where(Job.id == dead).first())["status"] == (
            jobs.INTERRUPTED
        )
        assert await jobs.Runner(["test.echo"]).run_until_idle() == 1
        assert (await jobs.get(fresh))["status"] == jobs.DONE

    _run(settings, scenario)


def test_periodic_work_is_scheduled_once_and_again_after_it_ran(settings):
    async def scenario() -> None:
        await asyncio.gather(*(jobs.schedule_periodic() for _ in range(4)))
        scheduled = await Job.select().where(Job.kind == "test.hourly")
        assert len(scheduled) == 1
        await jobs.Runner(["test.hourly"]).run_until_idle()
        await jobs.schedule_periodic()
        rows = await Job.select().where(Job.kind == "test.hourly").order_by(Job.id)
        assert [r["status"] for r in rows] == [jobs.DONE, jobs.QUEUED]
        assert rows[1]["run_after"] >= rows[0]["finished_at"] + dt.timedelta(minutes=59)
        assert await jobs.Runner(["test.hourly"]).run_until_idle() == 0  # not due yet

    _run(settings, scenario)
