"""Soak: applicants apply online while staff work the pipeline and assessors print ledgers, on a
real server with several processes; optionally killed with SIGKILL again and again.

    python tests/bench/bench_soak.py [--seconds 300] [--applicants 50] [--staff 5] [--assessors 3]
        [--workers 2] [--job-worker] [--kills 0]
    INCUBATOR_BENCH_ONLY=PostgreSQL \\
    INCUBATOR_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/postgres \\
        python tests/bench/bench_soak.py --workers 4 --job-worker

Each applicant registers an organization, saves a draft, uploads the four documents (one to three
of them 100 KB-5 MB, the others 20 KB), submits, and starts again with a new organization. Staff
move submitted organizations to screening and write timeline notes; assessors print ledger PDFs.
A write is acknowledged when its redirect shows the success message. Afterwards every
acknowledged submission must be in the database exactly once with its files (checksums of the
stored files on disk match what was sent), every acknowledged note exactly once; no answer may be
5xx and no log line may say "database is locked". With --kills N the server's process group is
killed with SIGKILL N times; after each kill the database must pass its consistency check before
the server starts again. Every ledger is a background job (each asks for a different date range, so
few come from the cache): the report entries whose job was running at a kill are followed after
the load as their owner sees them: each must show as interrupted once its heartbeat is stale, and
asking for the same report again must complete it (a PDF). Afterwards no job may be left running.

Prints requests, throughput, p50/p95 of the submit step, and the checks; exits 1 when a check
fails. tests/integration/test_soak.py runs a 30-second version in CI.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import hashlib
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from incubator.core.jobs import STALE_SECONDS  # noqa: E402
from incubator.settings import load_settings  # noqa: E402
from tests.bench.backends import prepare, run_each  # noqa: E402
from tests.support.forms import form_on  # noqa: E402
from tests.support.live_server import free_port  # noqa: E402

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
PASSWORD = "longhutang2017"
DOCUMENTS = ("charter", "founders_signatures", "leader_id", "project_proposal")
FLASH_OK = 'class="flash flash-success"'


@dataclass
class Tally:
    requests: int = 0
    server_errors: list[str] = field(default_factory=list)
    locked: int = 0
    submit_seconds: list[float] = field(default_factory=list)
    # organization id -> (tracking number, {document: sha256})
    submissions: dict[int, tuple[str, dict[str, str]]] = field(default_factory=dict)
    notes: set[str] = field(default_factory=set)
    moved: set[int] = field(default_factory=set)
    unavailable: int = 0  # requests refused while the server was down (crash mode)
    # Report entries whose job was running when the server was killed: (entry, owner, address).
    killed_reports: list[tuple[int, str, str]] = field(default_factory=list)
    reports_retried: int = 0  # of those: shown interrupted, then completed when asked again


class Down(Exception):
    """The server did not answer (killed on purpose): the step is not acknowledged."""


class User:
    def __init__(self, base: str, tally: Tally) -> None:
        self.client = httpx.AsyncClient(base_url=base, timeout=120, follow_redirects=False)
        self.tally = tally

    async def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        try:
            response = await self.client.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            self.tally.unavailable += 1
            raise Down() from exc
        self.tally.requests += 1
        if response.status_code >= 500:
            self.tally.server_errors.append(f"{method} {path} {response.status_code}")
        if "database is locked" in response.text:
            self.tally.locked += 1
        return response

    async def token(self, page: str) -> str:
        response = await self.request("GET", page, follow_redirects=True)
        match = CSRF.search(response.text)
        if match is None:
            raise Down()
        return match.group(1)

    async def post(self, path: str, data: dict, page: str, **kwargs) -> httpx.Response:
        return await self.request(
            "POST", path, data={**data, "_csrf_token": await self.token(page)}, **kwargs
        )

    async def acknowledged(self, response: httpx.Response) -> bool:
        """A write counts when it redirected to a page that shows its success message."""
        if response.status_code != 303:
            return False
        page = await self.request("GET", response.headers["location"])
        return FLASH_OK in page.text

    async def login(self, username: str) -> None:
        response = await self.post("/login", {"username": username, "password": PASSWORD}, "/login")
        if response.status_code != 303:
            raise Down()


def pdf_bytes(size: int, rng: random.Random) -> bytes:
    return b"%PDF-1.4\n" + rng.randbytes(max(size - 9, 1))


async def applicant(number: int, base: str, tally: Tally, until: float, rng: random.Random):
    cycle = 0
    while time.monotonic() < until:
        cycle += 1
        user = User(base, tally)
        try:
            await apply_once(user, f"soak{number}x{cycle}x{rng.randrange(10**6)}", tally, rng)
        except Down:
            await asyncio.sleep(0.5)
        finally:
            await user.client.aclose()


async def apply_once(user: User, name: str, tally: Tally, rng: random.Random) -> None:
    registered = await user.post(
        "/register",
        {
            "organization_name": f"压测组织{name}",
            "registration_status": "unregistered",
            "service_field": "culture_sports",
            "community_id": "1",
            "display_name": "压测",
            "phone": "13951234567",
            "username": name,
            "password": "soak-password-2017",
        },
        "/register",
    )
    if registered.status_code != 303:
        return
    oid = int(re.search(r"/organizations/(\d+)/application", registered.headers["location"])[1])
    page = await user.request("GET", f"/organizations/{oid}/application")
    version = VERSION.search(page.text)
    if version is None:
        return
    draft = {
        "project_name": "亲子共读",
        "project_summary": "每周六在社区图书室开展亲子共读",
        "target_group": "3-12 岁儿童及家长",
        "planned_activities": "共读会、绘本剧、读书分享",
        "budget_yuan": "8000",
        "annual_inspection_ok": "1",
        "no_penalties": "1",
        "not_blacklisted": "1",
        "independent_account": "1",
        "version": version[1],
        "action": "save",
    }
    await user.post(f"/organizations/{oid}/application", draft, "/")
    big = set(rng.sample(DOCUMENTS, rng.randint(1, 3)))
    sent: dict[str, str] = {}
    for document in DOCUMENTS:
        size = rng.randint(100 * 1024, 5 * 1024 * 1024) if document in big else 20 * 1024
        content = pdf_bytes(size, rng)
        token = await user.token(f"/organizations/{oid}/application")
        response = await user.request(
            "POST",
            f"/organizations/{oid}/application/files",
            data={"document": document, "_csrf_token": token},
            files={"file": (f"{document}.pdf", content, "application/pdf")},
        )
        if not await user.acknowledged(response):
            return
        sent[document] = hashlib.sha256(content).hexdigest()
    preview = await user.request("GET", f"/organizations/{oid}/application/preview")
    version = VERSION.search(preview.text)
    if version is None:
        return
    started = time.perf_counter()
    submitted = await user.post(
        f"/organizations/{oid}/application/submit", {"version": version[1]}, "/"
    )
    if await user.acknowledged(submitted):
        tally.submit_seconds.append(time.perf_counter() - started)
        receipt = await user.request("GET", submitted.headers["location"])
        number = re.search(r'id="tracking-number">([^<]+)<', receipt.text)
        tally.submissions[oid] = (number[1] if number else "", sent)


async def staff_member(number: int, base: str, tally: Tally, until: float, rng: random.Random):
    user = User(base, tally)
    signed_in = False
    while time.monotonic() < until:
        try:
            if not signed_in:
                await user.login("staff")
                signed_in = True
            waiting = [o for o in tally.submissions if o not in tally.moved]
            if waiting and rng.random() < 0.5:
                oid = rng.choice(waiting)
                # The profile screening needs, as staff complete it from the paper file.
                edit = await user.request("GET", f"/organizations/{oid}/edit")
                try:
                    profile = form_on(edit.text, f"/organizations/{oid}/edit").values()
                except AssertionError:  # no form: the server answered something else
                    raise Down() from None
                profile |= {
                    "legal_representative": "压测负责人",
                    "contact_phone": "13951234567",
                    "address": "龙虎塘街道祥龙社区",
                    "description": "社区读书会，每周活动",
                }
                await user.request("POST", f"/organizations/{oid}/edit", data=profile)
                page = await user.request("GET", f"/organizations/{oid}")
                version = VERSION.search(page.text)
                if version:
                    response = await user.post(
                        f"/organizations/{oid}/transition",
                        {"code": "submit", "version": version[1], "reason": ""},
                        f"/organizations/{oid}",
                    )
                    if await user.acknowledged(response):
                        tally.moved.add(oid)
            else:
                oid = rng.randint(1, 8)
                note = f"soak-note-{number}-{rng.randrange(10**9)}"
                response = await user.post(
                    f"/organizations/{oid}/notes",
                    {"kind": "consultation", "text": note},
                    f"/organizations/{oid}",
                )
                if await user.acknowledged(response):
                    tally.notes.add(note)
        except Down:
            signed_in = False
            user.client.cookies.clear()
            await asyncio.sleep(0.5)
        await asyncio.sleep(rng.uniform(0.1, 0.5))
    await user.client.aclose()


async def assessor(number: int, base: str, tally: Tally, until: float, rng: random.Random):
    user = User(base, tally)
    signed_in = False
    while time.monotonic() < until:
        try:
            if not signed_in:
                await user.login("assessor" if number % 2 == 0 else "assessor2")
                signed_in = True
            # A date range of its own: few ledgers come from the cache, most are rendered.
            start = dt.date(2017, 1, 1) + dt.timedelta(days=rng.randint(0, 300))
            photos = rng.choice(("0", "1"))
            response = await user.request(
                "GET",
                f"/reports/ledger.pdf?year=2017&community={rng.randint(1, 6)}"
                f"&date_from={start}&photos={photos}",
            )
            await follow_report(user, response, 60)
        except Down:
            signed_in = False
            user.client.cookies.clear()
            await asyncio.sleep(0.5)
        await asyncio.sleep(rng.uniform(1, 3))
    await user.client.aclose()


async def follow_report(user: User, response: httpx.Response, seconds: int) -> dict | None:
    """A queued report followed as its page does, until it ends: its last status (None when the
    answer was the PDF itself or something else)."""
    location = response.headers.get("location", "")
    if not location.startswith("/reports/jobs/"):
        return None
    status: dict = {}
    for _ in range(seconds):
        answer = await user.request("GET", location.rstrip("/") + "/status")
        if answer.status_code != 200:
            return None
        status = answer.json() | {"entry": location.rstrip("/")}
        if not status.get("running", False):
            break
        await asyncio.sleep(1)
    return status


async def retry_killed_reports(base: str, tally: Tally, problems: list[str]) -> None:
    """Each report whose job a kill stopped: as its owner, it shows as interrupted (not as
    running forever), and asking for it again completes it."""
    for entry, owner, address in tally.killed_reports:
        user = User(base, tally)
        try:
            await user.login(owner)
            answer = await user.request("GET", f"/reports/jobs/{entry}/status")
            shown = answer.json() if answer.status_code == 200 else {}
            if shown.get("running", True) or shown.get("status") != "failed":
                problems.append(f"report {entry} killed mid-run shows {shown}")
                continue
            again = await user.request("GET", address)
            if again.status_code == 200 and again.content.startswith(b"%PDF"):
                tally.reports_retried += 1  # made meanwhile by another job of the same key
                continue
            ended = await follow_report(user, again, 180)
            if ended is None or ended.get("status") != "done":
                problems.append(f"report {entry} asked again: {again.status_code} {ended}")
                continue
            pdf = await user.request("GET", ended["entry"] + "/file")
            if pdf.status_code != 200 or not pdf.content.startswith(b"%PDF"):
                problems.append(f"report {entry} asked again: no PDF ({pdf.status_code})")
                continue
            tally.reports_retried += 1
        except Down:
            problems.append(f"report {entry}: the server did not answer")
        finally:
            await user.client.aclose()


# --- the servers --------------------------------------------------------------------------------


class Servers:
    """`serve --workers N` (and a `worker` process), each in its own process group."""

    def __init__(self, env: dict[str, str], workers: int, job_worker: bool) -> None:
        self.port = free_port()
        self.env = {
            **env,
            "INCUBATOR_PORT": str(self.port),
            "INCUBATOR_JOBS_IN_WEB": "0" if job_worker else "1",
        }
        self.workers, self.job_worker = workers, job_worker
        self.processes: list[subprocess.Popen] = []
        self.log = Path(env["INCUBATOR_DATA_DIR"]) / "server.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = self.log.open("a")
        commands = [["serve", "--workers", str(self.workers)]]
        if self.job_worker:
            commands.append(["worker"])
        for command in commands:
            self.processes.append(
                subprocess.Popen(  # noqa: S603 - our own CLI
                    [sys.executable, "-m", "incubator.cli", *command],
                    env=self.env,
                    cwd=ROOT,
                    stdout=log,
                    stderr=log,
                    start_new_session=True,
                )
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError("server did not start: " + self.log.read_text()[-2000:])

    def kill(self) -> None:
        """SIGKILL to every process of every group: what a power cut does to the app."""
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        self.processes = []

    def stop(self) -> None:
        for process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes = []

    def locked_lines(self) -> int:
        return self.log.read_text(errors="replace").count("database is locked")


# --- checks ---------------------------------------------------------------------------------


def consistency(env: dict[str, str]) -> str:
    """'ok' when the database is consistent right after a kill."""
    settings = load_settings(env)
    if settings.is_sqlite:
        conn = sqlite3.connect(settings.database_url.removeprefix("sqlite:///"))
        try:
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
            keys = conn.execute("PRAGMA foreign_key_check").fetchall()
        finally:
            conn.close()
        return integrity if not keys else f"foreign keys: {keys[:3]}"
    from tests.conftest import sql

    # Every index readable and every row's keys resolvable: a full scan of the written tables.
    orphans = sql(
        settings,
        "SELECT count(*) AS n FROM application_file f LEFT JOIN stored_file s ON s.id = f.file "
        "WHERE s.id IS NULL",
    )[0]["n"]
    return "ok" if orphans == 0 else f"{orphans} application files without a stored file"


def running_reports(env: dict[str, str]) -> list[tuple[int, str, str]]:
    """Report entries whose job is running (right after a kill: the jobs the kill stopped)."""
    from tests.conftest import sql

    rows = sql(
        load_settings(env),
        "SELECT r.id, u.username, r.address FROM report_job r JOIN job j ON j.id = r.job_id "
        "JOIN app_user u ON u.id = r.created_by WHERE j.status = 'running' AND r.status IN "
        "('queued', 'running')",
    )
    return [(row["id"], row["username"], row["address"]) for row in rows]


def verify(env: dict[str, str], tally: Tally) -> list[str]:
    from incubator.core.files import storage_path
    from tests.conftest import sql

    settings = load_settings(env)
    problems = []
    for oid, (number, sent) in tally.submissions.items():
        applications = sql(
            settings,
            "SELECT id, status, tracking_number FROM application WHERE organization = $1",
            oid,
        )
        if len(applications) != 1 or applications[0]["status"] != "submitted":
            problems.append(f"organization {oid}: applications {applications}")
            continue
        if number and applications[0]["tracking_number"] != number:
            problems.append(f"organization {oid}: receipt {number} not stored")
        files = sql(
            settings,
            "SELECT f.document, s.sha256, s.storage_name FROM application_file f "
            "JOIN stored_file s ON s.id = f.file WHERE f.application = $1 AND f.is_current",
            applications[0]["id"],
        )
        stored = {f["document"]: f for f in files}
        for document, digest in sent.items():
            row = stored.get(document)
            if row is None or row["sha256"] != digest:
                problems.append(f"organization {oid}: {document} missing or altered")
                continue
            path = storage_path(settings.uploads_dir, row["storage_name"])
            if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
                problems.append(f"organization {oid}: {document} file missing or altered")
    for oid in tally.moved:
        stage = sql(settings, "SELECT stage FROM organization WHERE id = $1", oid)[0]["stage"]
        if stage != "screening":
            problems.append(f"organization {oid}: moved to screening, found {stage}")
    for note in tally.notes:
        found = sql(
            settings, "SELECT count(*) AS n FROM organization_event WHERE reason = $1", note
        )
        if found[0]["n"] != 1:
            problems.append(f"note {note}: {found[0]['n']} rows")
    running = sql(
        settings,
        "SELECT count(*) AS n FROM job WHERE status = 'running' AND heartbeat_at < $1",
        dt_now_minus(60),
    )[0]["n"]
    if running:
        problems.append(f"{running} jobs left running without a heartbeat")
    return problems


def dt_now_minus(seconds: int):
    return dt.datetime.now(dt.UTC) - dt.timedelta(seconds=seconds)


# --- one run --------------------------------------------------------------------------------


@dataclass
class Result:
    tally: Tally
    seconds: float
    problems: list[str]
    kills: int
    locked_in_log: int

    def percentile(self, q: float) -> float:
        values = sorted(self.tally.submit_seconds)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(q * len(values)))]


def soak(
    env: dict[str, str],
    *,
    seconds: float,
    applicants: int,
    staff: int,
    assessors: int,
    workers: int,
    job_worker: bool,
    kills: int = 0,
    retry_killed: bool = True,
    seed: int = 2017,
    alongside: Callable[[Servers, Tally, float], Awaitable[None]] | None = None,
) -> Result:
    """Runs the load; `alongside(servers, tally, until)` runs at the same time (a backup).
    With `retry_killed`, reports a kill stopped are checked afterwards (interrupted, then done
    when asked again): up to STALE_SECONDS more."""
    env = {
        **env,
        "INCUBATOR_REGISTER_MAX_PER_ADDRESS": "10000",
        "INCUBATOR_MAX_UPLOAD_MB": "6",
        "INCUBATOR_LOGIN_MAX_FAILURES_PER_ADDRESS": "10000",
        "INCUBATOR_REPORT_INLINE_PAGES": "0",  # every ledger is a job, for the kills to stop
    }
    prepare(env)
    servers = Servers(env, workers, job_worker)
    servers.start()
    tally = Tally()
    problems: list[str] = []
    rng = random.Random(seed)

    async def run() -> None:
        until = time.monotonic() + seconds
        tasks = [
            *(
                applicant(n, servers.base, tally, until, random.Random(rng.random()))
                for n in range(applicants)
            ),
            *(
                staff_member(n, servers.base, tally, until, random.Random(rng.random()))
                for n in range(staff)
            ),
            *(
                assessor(n, servers.base, tally, until, random.Random(rng.random()))
                for n in range(assessors)
            ),
        ]
        if kills:
            tasks.append(killer(until))
        if alongside is not None:
            tasks.append(alongside(servers, tally, until))
        await asyncio.gather(*tasks)
        if tally.killed_reports and retry_killed:
            # Until the last kill's jobs are stale, they still look alive.
            await asyncio.sleep(max(0.0, last_kill[0] + STALE_SECONDS + 2 - time.monotonic()))
            await retry_killed_reports(servers.base, tally, problems)

    last_kill = [0.0]

    async def killer(until: float) -> None:
        gap = seconds / (kills + 1)
        for _ in range(kills):
            await asyncio.sleep(gap * rng.uniform(0.7, 1.3))
            if time.monotonic() > until:
                break
            await asyncio.to_thread(servers.kill)
            last_kill[0] = time.monotonic()
            tally.killed_reports += await asyncio.to_thread(running_reports, env)
            state = await asyncio.to_thread(consistency, env)
            if state != "ok":
                problems.append(f"after a kill: {state}")
            await asyncio.to_thread(servers.start)

    started = time.monotonic()
    try:
        asyncio.run(run())
    finally:
        elapsed = time.monotonic() - started
        servers.stop()
    problems += verify(env, tally)
    return Result(tally, elapsed, problems, kills, servers.locked_lines())


def report(name: str, result: Result) -> bool:
    tally = result.tally
    print(
        f"[{name}] {result.seconds:.0f} s, {tally.requests} requests "
        f"({tally.requests / result.seconds:.1f}/s), submissions acknowledged "
        f"{len(tally.submissions)} ({len(tally.submissions) / result.seconds * 60:.1f}/min), "
        f"submit p50 {result.percentile(0.5) * 1000:.0f} ms "
        f"p95 {result.percentile(0.95) * 1000:.0f} ms, "
        f"notes {len(tally.notes)}, moved {len(tally.moved)}, kills {result.kills}, "
        f"refused while down {tally.unavailable}, reports stopped by a kill "
        f"{len(tally.killed_reports)} (shown interrupted and completed when asked again "
        f"{tally.reports_retried})"
    )
    print(
        f"[{name}] 5xx {len(tally.server_errors)} {tally.server_errors[:5]}, "
        f"'database is locked' in answers {tally.locked}, in the log {result.locked_in_log}, "
        f"problems {len(result.problems)} {result.problems[:5]}"
    )
    return not (tally.server_errors or tally.locked or result.locked_in_log or result.problems)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--applicants", type=int, default=50)
    parser.add_argument("--staff", type=int, default=5)
    parser.add_argument("--assessors", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--job-worker", action="store_true", help="jobs in an `incubator worker`")
    parser.add_argument("--kills", type=int, default=0, help="SIGKILL the server this many times")
    args = parser.parse_args()

    def run(name: str, env: dict[str, str]) -> bool:
        result = soak(
            env,
            seconds=args.seconds,
            applicants=args.applicants,
            staff=args.staff,
            assessors=args.assessors,
            workers=args.workers,
            job_worker=args.job_worker,
            kills=args.kills,
        )
        return report(name, result)

    return run_each(run)


if __name__ == "__main__":
    sys.exit(main())
