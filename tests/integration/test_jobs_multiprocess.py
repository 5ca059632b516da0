"""Report jobs across real processes sharing one database and data directory: started in one
server and polled in another, rendered once when two processes ask for the same report, and run
by a separate `incubator worker` when the web processes run none."""

from __future__ import annotations

import concurrent.futures
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager

import httpx

from tests.conftest import make_settings, sql
from tests.support.live_server import live_server, settings_env
from tests.support.web import CSRF_RE, DEMO_PASSWORD

LEDGER = "/reports/ledger.pdf?year=2017"
HTML = {"Accept": "text/html"}


def signed_in(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
    token = CSRF_RE.search(client.get("/login").text).group(1)
    answer = client.post(
        "/login",
        data={"username": username, "password": DEMO_PASSWORD, "_csrf_token": token},
    )
    assert answer.status_code == 303, answer.text[:300]
    return client


def ask(client: httpx.Client) -> int:
    answer = client.get(LEDGER, headers=HTML)
    assert answer.status_code == 303, answer.text[:300]
    return int(re.fullmatch(r"/reports/jobs/(\d+)", answer.headers["location"]).group(1))


def status_on(base: str, cookies, entry: int) -> dict:
    answer = httpx.get(f"{base}/reports/jobs/{entry}/status", cookies=cookies, timeout=30)
    assert answer.status_code == 200, answer.text[:500]
    return answer.json()


def ended(base: str, cookies, entry: int) -> dict:
    """The entry's status once its job has ended, polled as its page does."""
    for _ in range(600):
        status = status_on(base, cookies, entry)
        if not status["running"]:
            return status
        time.sleep(0.1)
    raise AssertionError(f"report {entry} still running after a minute")


def job_settings(tmp_path, database_url):
    # Every ledger becomes a job.
    return make_settings(tmp_path, database_url, INCUBATOR_REPORT_INLINE_PAGES="0")


def servers_env() -> dict[str, str]:
    return {"INCUBATOR_REPORT_INLINE_PAGES": "0", "INCUBATOR_REPORT_WORKERS": "1"}


def test_a_job_started_in_one_process_is_polled_in_another_and_renders_once(tmp_path, database_url):
    settings = job_settings(tmp_path, database_url)
    with (
        live_server(settings, servers_env()) as first,
        live_server(settings, servers_env()) as second,
    ):
        staff = signed_in(first, "staff")
        entry = ask(staff)
        for n in range(50):  # alternately on both: each answers from the row
            status_on(first if n % 2 else second, staff.cookies, entry)
            time.sleep(0.05)
        status = ended(second, staff.cookies, entry)
        assert status["status"] == "done", status
        pdf = httpx.get(f"{second}/reports/jobs/{entry}/file", cookies=staff.cookies, timeout=30)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

        # Two assessors (the same scope: the same report) ask at once, one on each server.
        clients = [signed_in(first, "assessor"), signed_in(second, "assessor2")]
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            entries = list(pool.map(ask, clients))
        for client, asked in zip(clients, entries, strict=True):
            status = ended(first, client.cookies, asked)
            assert status["status"] == "done", status
    renders = sql(settings, "SELECT job_id FROM report_job WHERE id = $1 OR id = $2", *entries)
    assert renders[0]["job_id"] == renders[1]["job_id"]  # one render for both
    assert len(sql(settings, "SELECT id FROM job WHERE kind = 'report.render'")) == 2


@contextmanager
def worker(settings, extra_env: dict[str, str]):
    env = {**os.environ, **settings_env(settings), **extra_env}
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "incubator.cli", "worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_web_processes_without_jobs_leave_them_to_a_worker_process(tmp_path, database_url):
    settings = job_settings(tmp_path, database_url)
    web_env = {**servers_env(), "INCUBATOR_JOBS_IN_WEB": "0"}
    with ExitStack() as stack:
        base = stack.enter_context(live_server(settings, web_env))
        staff = signed_in(base, "staff")
        entry = ask(staff)
        time.sleep(2)
        assert status_on(base, staff.cookies, entry)["status"] == "queued"  # no one runs it
        process = stack.enter_context(worker(settings, servers_env()))
        status = ended(base, staff.cookies, entry)
        assert status["status"] == "done", status
        claimed = sql(
            settings,
            "SELECT claimed_by FROM job WHERE id = (SELECT job_id FROM report_job WHERE id = $1)",
            entry,
        )[0]["claimed_by"]
        assert f":{process.pid}:" in claimed
    assert process.returncode == 0


def test_an_import_started_in_one_process_is_followed_in_another(tmp_path, database_url):
    """The uploaded file and the progress live where every process finds them: the data
    directory and the job's row."""
    from tests.integration.test_activity_import import good_row, sheet_bytes

    settings = job_settings(tmp_path, database_url)
    with (
        live_server(settings, servers_env()) as first,
        live_server(settings, servers_env()) as second,
    ):
        staff = signed_in(first, "staff")
        token = CSRF_RE.search(staff.get("/activities/import").text).group(1)
        rows = [good_row(n) for n in range(1, 41)]
        answer = staff.post(
            "/activities/import",
            data={"_csrf_token": token},
            files={"file": ("台账.xlsx", sheet_bytes(rows), "application/octet-stream")},
        )
        assert answer.status_code == 303, answer.text[:300]
        location = answer.headers["location"]
        for n in range(600):
            base = first if n % 2 else second
            status = httpx.get(f"{base}{location}/status", cookies=staff.cookies, timeout=30)
            assert status.status_code == 200, status.text[:500]
            if not status.json()["running"]:
                break
            time.sleep(0.05)
        assert status.json()["status"] == "done", status.json()
    assert len(sql(settings, "SELECT id FROM activity WHERE title LIKE '四点半课堂第%'")) == 40
    assert list((settings.imports_dir).glob("*.xlsx")) == []  # the file went with its job
