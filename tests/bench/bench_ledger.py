"""Latency of one community's ledger page with 100,000 activities in the database.

    .venv/bin/python tests/bench/bench_ledger.py [--activities 100000] [--requests 200]

SQLite always; PostgreSQL too when INCUBATOR_BENCH_DATABASE_URL or INCUBATOR_TEST_DATABASE_URL
names a database in which this script may create another. The data come from the demo seed plus
`incubator bench-data`. Pages are fetched one at a time by a signed-in staff user (the latency a
person sees) and then by 8 concurrent clients; p50 and p95 are printed. Goal: p95 <= 150 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.backends import for_each_backend  # noqa: E402
from tests.bench.bench_pages import load, prepare, session_cookie, start_server  # noqa: E402
from tests.support.live_server import free_port  # noqa: E402

PAGES = (
    ("/activities?community=1", "one community, newest first"),
    ("/activities?community=1&year=2017&category=group", "one community, year and category"),
    ("/activities?community=1&view=month", "one community, totals by month"),
    ("/activities", "the whole street"),
)


def sequential(base: str, path: str, cookies: dict, count: int) -> dict:
    latencies = []
    with httpx.Client(base_url=base, cookies=cookies) as client:
        for _ in range(5):
            client.get(path)
        for _ in range(count):
            started = time.perf_counter()
            response = client.get(path)
            latencies.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
    latencies.sort()
    return {"p50": latencies[len(latencies) // 2], "p95": latencies[int(len(latencies) * 0.95)]}


def bench_backend(name: str, env: dict[str, str], args: argparse.Namespace) -> None:
    prepare(env)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "incubator.cli", "bench-data", "--activities", str(args.activities)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    took = time.perf_counter() - started
    print(f"\n[{name}] {args.activities} activities generated in {took:.0f} s")
    port = free_port()
    server = start_server(env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        cookies = session_cookie(base)
        for path, label in PAGES:
            one = sequential(base, path, cookies, args.requests)
            many = asyncio.run(load(base, path, cookies, 8, 5))
            print(
                f"  {label:<36} 1 client: p50 {one['p50']:6.1f} ms  p95 {one['p95']:6.1f} ms"
                f"   8 clients: p95 {many['p95']:6.1f} ms, {many['rps']:6.1f} req/s"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
    print("  goal: p95 <= 150 ms for one community's ledger page")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    for_each_backend(lambda name, env: bench_backend(name, env, args))


if __name__ == "__main__":
    main()
