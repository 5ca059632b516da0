"""A 10,000-row ledger import: how long it checks and writes, and how an ordinary page responds
meanwhile (the import must never block the event loop).

    .venv/bin/python tests/bench/bench_import.py [--rows 10000]

SQLite always; PostgreSQL too when INCUBATOR_BENCH_DATABASE_URL or INCUBATOR_TEST_DATABASE_URL
names a database in which this script may create another. One uvicorn process serves. The
ordinary page is the signed-in home page, fetched one at a time: first idle, then while the
import runs; p50 and p95 of both are printed with their ratio.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from incubator.activities import rules  # noqa: E402
from tests.bench.backends import for_each_backend  # noqa: E402
from tests.bench.bench_pages import CSRF_RE, prepare, session_cookie, start_server  # noqa: E402
from tests.support.live_server import free_port  # noqa: E402


def sheet(rows: int) -> bytes:
    book = Workbook(write_only=True)
    ws = book.create_sheet()
    ws.append([c.header for c in rules.IMPORT_COLUMNS])
    categories = [label for _code, label in rules.CATEGORIES]
    for n in range(rows):
        values = {
            "活动名称": f"导入压测活动 {n}",
            "活动日期": f"2017-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
            "开始时间": "09:00",
            "活动类别": categories[n % len(categories)],
            "社区": "祥龙社区",
            "活动地点": f"活动室 {n % 17}",
            "服务对象": "老人、儿童",
            "服务时长（小时）": 2,
            "参与人次": 20 + n % 50,
            "受益人次": 18 + n % 50,
            "志愿者人数": 3,
        }
        ws.append([values.get(c.header) for c in rules.IMPORT_COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def percentiles(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return samples[len(samples) // 2], samples[int(len(samples) * 0.95)]


def _fetch_home(base: str, cookies: dict, stop: threading.Event, out: list[float]) -> None:
    with httpx.Client(base_url=base, cookies=cookies) as client:
        while not stop.is_set():
            started = time.perf_counter()
            client.get("/")
            out.append((time.perf_counter() - started) * 1000)
            time.sleep(0.02)


@contextmanager
def home_page_latency(base: str, cookies: dict) -> Iterator[list[float]]:
    """Fetches the signed-in home page one request at a time, in a thread, for as long as the
    block runs; yields the list its latencies (ms) go into."""
    samples: list[float] = []
    stop = threading.Event()
    watcher = threading.Thread(target=_fetch_home, args=(base, cookies, stop, samples))
    watcher.start()
    try:
        yield samples
    finally:
        stop.set()
        watcher.join()


def bench_backend(name: str, env: dict[str, str], rows: int) -> None:
    prepare(env)
    data = sheet(rows)
    port = free_port()
    server = start_server(env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        cookies = session_cookie(base)
        with home_page_latency(base, cookies) as idle:
            time.sleep(5)
        with httpx.Client(base_url=base, cookies=cookies, timeout=60) as client:
            token = CSRF_RE.search(client.get("/activities/import").text).group(1)
            started = time.perf_counter()
            response = client.post(
                "/activities/import",
                data={"_csrf_token": token},
                files={"file": ("bench.xlsx", data, "application/octet-stream")},
            )
            job = re.search(r"/activities/import/(\d+)", response.headers["location"]).group(1)
            phases: dict[str, float] = {}
            with home_page_latency(base, cookies) as busy:
                while True:
                    status = client.get(f"/activities/import/{job}/status").json()
                    phases.setdefault(status["status"], time.perf_counter() - started)
                    if not status["running"]:
                        break
                    time.sleep(0.1)
                took = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=10)
    idle_p50, idle_p95 = percentiles(idle)
    busy_p50, busy_p95 = percentiles(busy)
    print(f"\n[{name}] import of {rows} rows: {status['status']} in {took:.1f} s")
    print("  phases began at: " + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items()))
    print(f"  home page idle:        p50 {idle_p50:6.1f} ms  p95 {idle_p95:6.1f} ms")
    print(f"  home page during it:   p50 {busy_p50:6.1f} ms  p95 {busy_p95:6.1f} ms")
    print(f"  p95 during / idle: {busy_p95 / idle_p95:.1f}x  ({len(busy)} requests)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    for_each_backend(lambda name, env: bench_backend(name, env, args.rows))


if __name__ == "__main__":
    main()
