"""sqlmap (Debian's package) against the query parameters of the list pages, the report addresses
and the JSON API, signed in as the administrator, on SQLite and (when a server is named) on
PostgreSQL. Outside CI: `make sqlmap`; it takes a while and runs niced.

For each backend: a fresh migrated and seeded database, a live server, a session cookie, then one
sqlmap run per address (level 3, risk 2, the backend's DBMS, every technique), with its traffic
logged so the requests can be counted. Prints, per backend and address, the requests sent, the
parameters tried, the techniques and whether anything was found; exits 1 when sqlmap reports an
injection point.

    python tests/bench/sqlmap_scan.py [--level 3] [--risk 2] [--threads 2] [--only /audit]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from incubator.settings import load_settings  # noqa: E402
from tests.bench.backends import ROOT, for_each_backend  # noqa: E402
from tests.support.live_server import live_server  # noqa: E402

# Each address with a plausible value for every query parameter the view reads.
TARGETS = (
    "/organizations?q=青鸟&org_type=community_org&registration_status=filed"
    "&service_field=volunteering&stage=incubation&community=1&archived=0&sort=name&page=1&page_size=20",
    "/activities?q=活动&organization=1&community=1&category=community&status=verified"
    "&date_from=2017-01-01&date_to=2017-12-31&year=2017&highlight=1&sort=-held_on&page=1&view=list",
    "/evaluations?tab=register&community=1&grade=3A&status=valid&year=2017",
    "/work?kind=follow_up&state=open&mine=1&page=1",
    "/admin/users?q=admin&role=staff&active=1&sort=username&page=1",
    "/admin/audit?table=activity&action=create&actor=1&record=1&date_from=2017-01-01"
    "&date_to=2017-12-31&page=1",
    "/communities?q=祥龙&page=1",
    "/reports/ledger.xlsx?q=活动&organization=1&community=1&category=community&status=verified"
    "&date_from=2017-01-01&date_to=2017-12-31&year=2017&sort=held_on",
    # A narrow week, so the PDF is rendered at once rather than queued as a job.
    "/reports/ledger.pdf?q=活动&community=1&date_from=2017-06-01&date_to=2017-06-07&sort=held_on",
    "/api/v1/organizations?page=1&page_size=20&community=1&org_type=community_org"
    "&registration_status=filed&service_field=volunteering&stage=incubation&q=青鸟",
    "/api/v1/activities?page=1&page_size=20&organization=1&community=1&category=community"
    "&status=verified&date_from=2017-01-01&date_to=2017-12-31",
    "/api/v1/evaluations?page=1&page_size=20&community=1&grade=3A&status=valid&year=2017",
)

DBMS = {"SQLite": "SQLite", "PostgreSQL": "PostgreSQL"}
FOUND = re.compile(r"sqlmap identified the following injection point|is vulnerable", re.I)
TESTING = re.compile(r"\[INFO\] testing '([^']+)'")
NOT_INJECTABLE = re.compile(r"all tested parameters do not appear to be injectable")


@dataclass
class Result:
    target: str
    parameters: list[str]
    requests: int = 0
    techniques: set[str] = field(default_factory=set)
    found: bool = False
    finished: bool = False
    seconds: float = 0.0
    lines: list[str] = field(default_factory=list)


def sign_in(base: str, username: str = "admin", password: str = "longhutang2017") -> str:
    """A session cookie header, signed in the way a browser is."""
    with httpx.Client(base_url=base) as client:
        page = client.get("/login").text
        token = re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1)
        response = client.post(
            "/login", data={"username": username, "password": password, "_csrf_token": token}
        )
        assert response.status_code == 303, response.text[:300]
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def scan(base: str, target: str, cookie: str, backend: str, args, work: Path) -> Result:
    parameters = [name for name, _value in parse_qsl(urlsplit(target).query)]
    result = Result(target, parameters)
    traffic = work / f"traffic-{len(list(work.glob('traffic-*')))}.txt"
    command = [
        "nice",
        "-n",
        "15",
        shutil.which("sqlmap") or "sqlmap",
        "-u",
        base + target,
        "--cookie",
        cookie,
        "--drop-set-cookie",
        "--batch",
        f"--level={args.level}",
        f"--risk={args.risk}",
        f"--threads={args.threads}",
        f"--dbms={DBMS[backend]}",
        "--technique=BEUSTQ",
        "-p",
        ",".join(parameters),
        "--timeout=15",
        "--retries=1",
        "--output-dir",
        str(work / "out"),
        "-t",
        str(traffic),
        "--flush-session",
        "--disable-coloring",
    ]
    started = time.monotonic()
    try:
        completed = subprocess.run(  # noqa: S603 - Debian's sqlmap with our arguments
            command, capture_output=True, text=True, timeout=args.timeout
        )
        output = completed.stdout + completed.stderr
        result.finished = True
    except subprocess.TimeoutExpired as exc:
        output = (exc.stdout or b"").decode(errors="replace") if exc.stdout else ""
    result.seconds = time.monotonic() - started
    result.found = bool(FOUND.search(output))
    result.techniques = set(TESTING.findall(output))
    result.lines = [
        line
        for line in output.splitlines()
        if "CRITICAL" in line or "WARNING" in line and "not injectable" not in line
    ][-5:]
    # The status codes sqlmap saw besides 200 (a 5xx among them is a finding of its own).
    result.lines += re.findall(r"^\d{3} \([^)]*\) - \d+ times?$", output, re.M)
    if NOT_INJECTABLE.search(output):
        result.lines.append("all tested parameters do not appear to be injectable")
    if traffic.exists():
        result.requests = traffic.read_text(errors="replace").count("HTTP request [#")
    return result


def run_backend(backend: str, env: dict[str, str], args) -> list[Result]:
    settings = load_settings(env)
    for command in ("migrate", "seed-demo"):
        subprocess.run(  # noqa: S603 - our own interpreter and CLI
            [sys.executable, "-m", "incubator.cli", command],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    results = []
    with live_server(settings) as base, tempfile.TemporaryDirectory() as tmp:
        cookie = sign_in(base)
        for target in TARGETS:
            if args.only and not target.startswith(args.only):
                continue
            result = scan(base, target, cookie, backend, args, Path(tmp))
            results.append(result)
            status = (
                "FOUND"
                if result.found
                else "timeout"
                if not result.finished
                else "clean"
                if result.requests
                else "no-run"
            )
            print(
                f"[{backend}] {target.split('?')[0]:28} {status:7} "
                f"params={len(result.parameters):2} requests={result.requests:6} "
                f"tests={len(result.techniques):3} {result.seconds:6.0f}s",
                flush=True,
            )
            for line in result.lines:
                print("    " + line, flush=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--level", type=int, default=3)
    parser.add_argument("--risk", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per address")
    parser.add_argument("--only", default="", help="only addresses starting with this path")
    args = parser.parse_args()
    if not shutil.which("sqlmap"):
        print("sqlmap is not installed: apt-get install -y sqlmap")
        return 2
    summary: dict[str, list[Result]] = {}

    def run(backend: str, env: dict[str, str]) -> None:
        print(f"\n[{backend}] sqlmap level {args.level}, risk {args.risk}", flush=True)
        summary[backend] = run_backend(backend, env, args)

    for_each_backend(run)
    found = False
    for backend, results in summary.items():
        techniques = set().union(*(r.techniques for r in results)) if results else set()
        print(
            f"\n[{backend}] addresses={len(results)} "
            f"parameters={sum(len(r.parameters) for r in results)} "
            f"requests={sum(r.requests for r in results)} distinct tests={len(techniques)} "
            f"timeouts={sum(not r.finished for r in results)} "
            f"not-run={sum(r.finished and not r.requests for r in results)} "
            f"found={[r.target.split('?')[0] for r in results if r.found]}"
        )
        found = found or any(r.found for r in results)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
