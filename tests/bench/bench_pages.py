"""Throughput and latency of the signed-in home page against a bare route, on SQLite and PostgreSQL.

    .venv/bin/python tests/bench/bench_pages.py [--seconds 8] [--rounds 3] [--clients 16]

PostgreSQL is included when INCUBATOR_BENCH_DATABASE_URL or INCUBATOR_TEST_DATABASE_URL names a
database in which this script may create another. One uvicorn process serves; the load comes from
this process (asyncio + httpx, 16 concurrent clients). Rounds alternate between the two routes so
machine noise hits both alike; medians are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.backends import for_each_backend, prepare  # noqa: E402,F401 - prepare: for the other benchmarks
from tests.support.live_server import free_port  # noqa: E402

CSRF_RE = re.compile(r'name="_csrf_token" value="([^"]+)"')


def start_server(env: dict[str, str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "tests.bench.bench_app:create_bench_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        # The app allows its hosts with its own port (INCUBATOR_ALLOWED_HOSTS, Litestar's check).
        env={**env, "INCUBATOR_PORT": str(port)},
        cwd=ROOT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start")


def session_cookie(base: str) -> dict[str, str]:
    with httpx.Client(base_url=base) as client:
        token = CSRF_RE.search(client.get("/login").text).group(1)
        response = client.post(
            "/login",
            data={"username": "staff", "password": "longhutang2017", "_csrf_token": token},
        )
        assert response.status_code == 303, response.text[:300]
        return {"incubator_session": client.cookies["incubator_session"]}


async def load(base: str, path: str, cookies: dict, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base, cookies=cookies, limits=limits) as client:

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < stop:
                started = time.perf_counter()
                response = await client.get(path)
                if response.status_code != 200:
                    errors += 1
                latencies.append(time.perf_counter() - started)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50": latencies[len(latencies) // 2] * 1000,
        "p95": latencies[int(len(latencies) * 0.95)] * 1000,
        "errors": errors,
    }


def bench_backend(name: str, env: dict[str, str], args: argparse.Namespace) -> None:
    prepare(env)
    port = free_port()
    server = start_server(env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        cookies = session_cookie(base)
        asyncio.run(load(base, "/", cookies, args.clients, 2))  # warm-up
        asyncio.run(load(base, "/bench/bare", {}, args.clients, 2))
        results: dict[str, list[dict]] = {"bare": [], "home": []}
        for _ in range(args.rounds):
            results["bare"].append(
                asyncio.run(load(base, "/bench/bare", {}, args.clients, args.seconds))
            )
            results["home"].append(
                asyncio.run(load(base, "/", cookies, args.clients, args.seconds))
            )
    finally:
        server.terminate()
        server.wait(timeout=10)

    def median(route: str, key: str) -> float:
        return statistics.median(r[key] for r in results[route])

    print(f"\n[{name}] {args.clients} concurrent clients, {args.rounds} rounds x {args.seconds}s")
    for route, label in (
        ("bare", "bare Litestar route + tiny Jinja template"),
        ("home", "signed-in home page"),
    ):
        errors = sum(r["errors"] for r in results[route])
        print(
            f"  {label:<45} {median(route, 'rps'):8.1f} req/s   "
            f"p50 {median(route, 'p50'):6.1f} ms   p95 {median(route, 'p95'):6.1f} ms   "
            f"errors {errors}"
        )
    ratio = median("home", "rps") / median("bare", "rps")
    print(f"  throughput ratio home / bare: {ratio:.2f} (goal >= 0.30)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()

    for_each_backend(lambda name, env: bench_backend(name, env, args))


if __name__ == "__main__":
    main()
