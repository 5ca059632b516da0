"""Jobs across processes: two `serve --workers 2` servers and one `incubator worker` on one
database and data directory, every process running jobs.

    python tests/bench/bench_multiprocess.py [--emails 200] [--polls 50]
    (PostgreSQL too when INCUBATOR_BENCH_DATABASE_URL names a server; INCUBATOR_BENCH_ONLY
    picks one)

Prints, per backend: a ledger job started on the first server and polled `--polls` times
alternately on both (answers that were not 200), how long it took; two assessors asking for the
same report at once, one on each server (renders made: must be 1); `--emails` notification
e-mails waiting when the processes start, sent through a loopback SMTP server (messages received,
duplicates: must be 0), and how long they took. Exits 1 when a figure is wrong.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import email
import email.header
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from incubator.settings import load_settings  # noqa: E402
from tests.bench.backends import prepare, run_each  # noqa: E402
from tests.support.live_server import free_port  # noqa: E402
from tests.support.smtp import FakeSMTP  # noqa: E402

LEDGER = "/reports/ledger.pdf?year=2017"
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


@contextmanager
def process(env: dict[str, str], *command: str, port: int | None = None):
    env = {**env, **({"INCUBATOR_PORT": str(port)} if port else {})}
    child = subprocess.Popen(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "incubator.cli", *command],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        if port:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
        yield child
    finally:
        os.killpg(child.pid, signal.SIGTERM)
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)


def _subject(message: str) -> str:
    parsed = email.message_from_string(message)
    return str(email.header.make_header(email.header.decode_header(parsed["Subject"] or "")))


def signed_in(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60, follow_redirects=False)
    token = CSRF.search(client.get("/login").text)[1]
    client.post(
        "/login",
        data={"username": username, "password": "longhutang2017", "_csrf_token": token},
    )
    return client


def ask(client: httpx.Client) -> int:
    answer = client.get(LEDGER, headers={"Accept": "text/html"})
    location = answer.headers.get("location", "")
    assert location.startswith("/reports/jobs/"), (answer.status_code, answer.text[:300])
    return int(re.fullmatch(r"/reports/jobs/(\d+)", location)[1])


def wait_done(client: httpx.Client, entry: int) -> str:
    for _ in range(1200):
        status = client.get(f"/reports/jobs/{entry}/status").json()
        if not status["running"]:
            return status["status"]
        time.sleep(0.1)
    return "still running"


def run(name: str, env: dict[str, str], args) -> bool:
    from tests.conftest import sql

    smtp = FakeSMTP(idle_seconds=None)  # the e-mail job runs once a minute
    smtp.start()
    env = {
        **env,
        "INCUBATOR_REPORT_INLINE_PAGES": "0",  # every ledger is a job
        "INCUBATOR_SMTP_HOST": "127.0.0.1",
        "INCUBATOR_SMTP_PORT": str(smtp.port),
        "INCUBATOR_SMTP_FROM": "incubator@example.org",
        "INCUBATOR_JOBS_IN_WEB": "1",
    }
    prepare(env)
    settings = load_settings(env)
    user = sql(settings, "SELECT id FROM app_user WHERE username = 'qingniao'")[0]["id"]
    sql(settings, "UPDATE app_user SET email = 'qingniao@example.org' WHERE id = $1", user)
    sql(settings, "UPDATE notification SET emailed_at = created_at")  # the demo's: not these
    for n in range(args.emails):
        sql(
            settings,
            'INSERT INTO notification ("user", created_at, title, body, link) '
            "SELECT $1, max(created_at), $2, '', '' FROM app_user",
            user,
            f"压测通知 {n:04d}",
        )
    ports = free_port(), free_port()
    with ExitStack() as stack:
        started = time.monotonic()
        for port in ports:
            stack.enter_context(process(env, "serve", "--workers", "2", port=port))
        stack.enter_context(process(env, "worker"))
        first, second = (f"http://127.0.0.1:{p}" for p in ports)
        staff = signed_in(first, "staff")
        began = time.perf_counter()
        entry = ask(staff)
        bad = []
        for n in range(args.polls):
            base = second if n % 2 else first
            answer = httpx.get(f"{base}/reports/jobs/{entry}/status", cookies=staff.cookies)
            if answer.status_code != 200:
                bad.append(answer.status_code)
            time.sleep(0.05)
        outcome = wait_done(staff, entry)
        job_seconds = time.perf_counter() - began
        clients = [signed_in(first, "assessor"), signed_in(second, "assessor2")]
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            entries = list(pool.map(ask, clients))
        both = [wait_done(c, e) for c, e in zip(clients, entries, strict=True)]
        renders = {
            r["job_id"]
            for r in sql(settings, "SELECT job_id FROM report_job WHERE id IN ($1, $2)", *entries)
        }
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and len(smtp.messages) < args.emails:
            time.sleep(0.5)
        email_seconds = time.monotonic() - started
    smtp.stop()
    subjects = [re.search(r"压测通知 \d{4}", _subject(m)) for m in smtp.messages]
    sent = [s[0] for s in subjects if s]
    duplicates = len(sent) - len(set(sent))
    print(
        f"[{name}] ledger job polled {args.polls} times on two servers: {len(bad)} answers not "
        f"200 {bad[:5]}, ended {outcome} in {job_seconds:.1f} s"
    )
    print(f"[{name}] the same report asked on both servers at once: {both}, renders {len(renders)}")
    print(
        f"[{name}] e-mails: {args.emails} waiting, {len(set(sent))} sent, {duplicates} duplicates,"
        f" all out {email_seconds:.0f} s after start (the e-mail job runs every minute)"
    )
    ok = not bad and outcome == "done" and both == ["done", "done"] and len(renders) == 1
    return ok and duplicates == 0 and len(set(sent)) == args.emails


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=200)
    parser.add_argument("--polls", type=int, default=50)
    args = parser.parse_args()
    return run_each(lambda name, env: run(name, env, args))


if __name__ == "__main__":
    sys.exit(main())
