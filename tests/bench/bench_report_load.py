"""An ordinary page while four large PDFs render: rendering must never block the event loop.

    .venv/bin/python tests/bench/bench_report_load.py [--rows 1000]

One uvicorn process serves a SQLite database with four years of `--rows` activities each. The
signed-in home page is fetched one at a time, first idle, then while four ledger PDFs (one per
year, each a background job) render; p50 and p95 of both are printed with their ratio, and how
long the four jobs took.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.backends import bench_env  # noqa: E402
from tests.bench.bench_import import home_page_latency, percentiles  # noqa: E402
from tests.bench.bench_pages import prepare, session_cookie, start_server  # noqa: E402
from tests.support.live_server import free_port  # noqa: E402

YEARS = (2018, 2019, 2020, 2021)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--idle-seconds", type=float, default=10)
    args = parser.parse_args()
    with bench_env() as env:
        # One user asks for every year at once: more than the default limit of queued jobs.
        env["INCUBATOR_REPORT_MAX_JOBS"] = str(len(YEARS))
        prepare(env)
        for year in YEARS:
            subprocess.run(
                [sys.executable, "-m", "incubator.cli", "bench-data"]
                + ["--activities", str(args.rows), "--year", str(year)],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        port = free_port()
        server = start_server(env, port)
        base = f"http://127.0.0.1:{port}"
        try:
            cookies = session_cookie(base)
            with httpx.Client(base_url=base, cookies=cookies, timeout=120) as client:
                # One small report first, so the workers are up before anything is measured.
                client.get("/reports/ledger.pdf?year=2017&category=training&status=returned")
                with home_page_latency(base, cookies) as idle:
                    time.sleep(args.idle_seconds)
                with home_page_latency(base, cookies) as busy:
                    started = time.perf_counter()
                    jobs = []
                    for year in YEARS:
                        response = client.get(
                            f"/reports/ledger.pdf?year={year}", headers={"Accept": "text/html"}
                        )
                        location = response.headers.get("location", "")
                        jobs.append(re.fullmatch(r"/reports/jobs/(\d+)", location).group(1))
                    pending = set(jobs)
                    pages = 0
                    while pending:
                        for job in list(pending):
                            status = client.get(f"/reports/jobs/{job}/status").json()
                            if not status["running"]:
                                pending.discard(job)
                                assert status["status"] == "done", status
                                pages += status["fields"]["pages"]
                        time.sleep(0.2)
                    took = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=10)
    idle_p50, idle_p95 = percentiles(idle)
    busy_p50, busy_p95 = percentiles(busy)
    print(f"four ledger PDFs of {args.rows} rows each: {pages} pages in {took:.1f} s")
    print(f"  home page idle:           p50 {idle_p50:6.1f} ms  p95 {idle_p95:6.1f} ms")
    print(f"  home page while rendering: p50 {busy_p50:6.1f} ms  p95 {busy_p95:6.1f} ms")
    print(f"  p95 rendering / idle: {busy_p95 / idle_p95:.2f}x  ({len(busy)} requests; goal <= 2x)")


if __name__ == "__main__":
    main()
