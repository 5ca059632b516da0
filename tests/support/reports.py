"""A synthetic ledger for tests and benchmarks of the PDF pipeline: rows as the database gives
them, planned into sheets by the real code, and the whole document's HTML for comparison."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from incubator.reporting import jobs, ledger, sheets, templates


def raw_rows(count: int, long_every: int = 0) -> list[dict]:
    """`count` ledger rows; every `long_every`-th has a title long enough to wrap many lines."""
    return [
        {
            "id": n,
            "ledger_no": f"LHT-01-2017-{n:04d}",
            "held_on": dt.date(2017, 1, 1) + dt.timedelta(days=n % 365),
            "title": "长标题：居民议事与邻里守望" * 8
            if long_every and n % long_every == 0
            else f"社区活动第 {n} 期：邻里守望与文明实践",
            "category": "community",
            "organization_name": "青鸟志愿者服务队",
            "community_name": "祥龙社区",
            "place": "祥龙社区活动室",
            "served_groups": "elderly,children",
            "hours": Decimal("2.5"),
            "participants": 40,
            "beneficiaries": 35,
            "volunteers": 6,
            "status": "verified",
            "reviewer_name": "王中心",
        }
        for n in range(1, count + 1)
    ]


def ledger_report(count: int, long_every: int = 0, owner: str = "祥龙社区") -> ledger.LedgerReport:
    rows = [ledger.printable_row(r) for r in raw_rows(count, long_every)]
    head = {"owner": owner, "period": "2017 年度", "filters_used": [("社区", "祥龙社区")]}
    context = {
        "totals": {
            "hours": Decimal("2.5") * count,
            "participants": 40 * count,
            "beneficiaries": 35 * count,
            "volunteers": 6 * count,
        },
        "count": count,
        "printed_at": dt.datetime(2017, 12, 1, 9, 30),
        "headers": ledger.header_labels(),
        "columns": ledger.COLUMNS,
        **head,
    }
    return ledger.LedgerReport(context, ledger.plan(rows, head, []), {}, count, "zh-CN")


def whole_html(report: ledger.LedgerReport, report_sheets: list | None = None) -> str:
    """The report as one document, numbered by CSS counters: what one process would lay out."""
    return templates.render(
        report.template,
        **report.context,
        sheets=report.sheets if report_sheets is None else report_sheets,
        page_labels=sheets.page_label_css(),
    )


@contextmanager
def render_time_limit(client, seconds: float) -> Iterator[None]:
    """For the block, the app's renderer has one worker and this time limit per task."""
    renderer = client.app.state.renderer
    limits = renderer.limits
    renderer.limits = dataclasses.replace(limits, workers=1, timeout_seconds=seconds)
    try:
        yield
    finally:
        renderer.limits = limits


def render_job(settings, status: str, at: dt.datetime, claimed_by: str) -> int:
    """A report render's job row as another process left it: claimed, beating last at `at`."""
    from tests.conftest import db_time, sql

    return sql(
        settings,
        "INSERT INTO job (kind, status, params, created_at, run_after, started_at, "
        "heartbeat_at, claimed_by, attempts, progress, result, message) "
        "VALUES ($1, $2, '{}', $3, $3, $3, $3, $4, 1, '{}', '{}', '') RETURNING id",
        jobs.RENDER_KIND,
        status,
        db_time(settings, at),
        claimed_by,
    )[0]["id"]


@contextmanager
def turns_taken(client) -> Iterator[None]:
    """For the block, every place of the report renders is taken, as if another process were
    rendering that many reports: a job started now stays queued until the block ends."""
    from tests.conftest import sql

    settings = client.app.state.settings
    now = dt.datetime.now(dt.UTC)
    taken = [
        render_job(settings, "running", now, "another-process") for _n in range(jobs.JOBS_AT_ONCE)
    ]
    try:
        yield
    finally:
        for job_id in taken:
            sql(settings, "UPDATE job SET status = 'done' WHERE id = $1", job_id)


HTML = {"Accept": "text/html"}


def start_job(client, address: str) -> int:
    """Asks for a report as a browser does; it must become a job: its id."""
    response = client.get(address, headers=HTML)
    assert response.status_code == 303, response.text[:300]
    return int(re.fullmatch(r"/reports/jobs/(\d+)", response.headers["location"]).group(1))


def wait_for(client, job_id: int) -> dict:
    """The job's status once it has ended."""
    for _ in range(600):
        status = client.get(f"/reports/jobs/{job_id}/status").json()
        if not status["running"]:
            return status
        time.sleep(0.05)
    raise AssertionError("the job did not end")
