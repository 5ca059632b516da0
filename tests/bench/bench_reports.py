"""PDF rendering figures.

    .venv/bin/python tests/bench/bench_reports.py [--runs 5] [--sizes 100,1000,5000]

1. Ledger PDF end to end (query, plan, parallel layout of page ranges, join) against plain
   WeasyPrint rendering the same saved HTML in one warm process, for ledgers of 100, 1,000 and
   5,000 rows from a real SQLite database. Runs alternate (plain, ours, plain, ours...) so both
   see the same machine; the ratio is taken per pair and its median printed. Also: pages per
   second, peak resident memory of the rendering processes, and whether the joined PDF equals
   the plain one in text and page count.
2. Pool memory over 12 renders of the 1,000-row ledger (workers are recycled).
3. A showcase report with 20 photos: time and pages per second.

The 5,000-row plain render takes minutes and well over a gigabyte; it runs once, and only
with --plain-5000.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import datetime as dt
import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from incubator.core import db  # noqa: E402
from incubator.core.auth import CurrentUser  # noqa: E402
from incubator.core.pagination import Sort  # noqa: E402
from incubator.reporting import ledger, templates  # noqa: E402
from incubator.reporting.worker import Limits, Renderer, _write, warm_up  # noqa: E402
from incubator.settings import load_settings  # noqa: E402
from tests.bench.backends import bench_env  # noqa: E402
from tests.bench.bench_pages import prepare  # noqa: E402
from tests.support.images import png  # noqa: E402
from tests.support.reports import whole_html  # noqa: E402

ADMIN = CurrentUser(1, "bench", "压测", "admin", None, None)
YEARS = {100: 2020, 1000: 2019, 5000: 2021}


def pdf_text(pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return subprocess.run(
            ["pdftotext", handle.name, "-"], capture_output=True, text=True, check=True
        ).stdout


def timed_plain(html: str) -> tuple[float, bytes, int]:
    """In the plain process: WeasyPrint on the saved HTML, timed inside the process."""
    started = time.perf_counter()
    pdf, pages = _write(html, {})
    return time.perf_counter() - started, pdf, pages


def rss_mb(pids: list[int]) -> float:
    """Resident memory of these processes together, in MB."""
    total = 0.0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


class PeakMemory:
    """Samples the resident memory of some processes every 20 ms; keeps the peak of their sum."""

    def __init__(self, pids) -> None:
        self._pids = pids
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, rss_mb(self._pids()))
            time.sleep(0.02)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def pool_pids(renderer: Renderer) -> list[int]:
    pool = renderer._pool
    return [p.pid for p in getattr(pool, "_processes", {}).values()] if pool else []


async def ours(
    renderer: Renderer, year: int, uploads_dir: Path
) -> tuple[float, bytes, ledger.LedgerReport]:
    """End to end as the app does it: query and plan, then parallel layout and join."""
    started = time.perf_counter()
    report = await ledger.build(
        ADMIN,
        ledger.clean_filters({"year": str(year)}),
        Sort("held_on", False),
        uploads_dir,
        photos=False,
        max_rows=10_000_000,
    )
    pdf = await renderer.render_sheets(
        report.template, report.context, report.sheets, report.language, report.uploads
    )
    return time.perf_counter() - started, pdf, report


async def bench_ledgers(args, settings) -> None:
    plain_pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=1, mp_context=multiprocessing.get_context("spawn")
    )
    plain_pool.submit(warm_up).result()
    plain_pid = next(iter(plain_pool._processes))
    print(f"ledger PDF (median of {args.runs} alternating runs; times in seconds)")
    print(
        "   rows  pages   plain   ours  ratio   plain p/s  ours p/s   plain MB  ours MB"
        "  same text+pages"
    )
    try:
        for rows in args.sizes:
            year = YEARS.get(rows, 2021)
            renderer = Renderer(Limits(workers=2, timeout_seconds=600, memory_mb=4096))
            renderer.warm_up()
            await asyncio.sleep(3)
            runs = args.runs if rows <= 1000 else 1
            with_plain = rows <= 1000 or args.plain_5000
            plain_times, our_times, ratios = [], [], []
            plain_pdf = our_pdf = b""
            plain_peak = our_peak = 0.0
            for _ in range(runs):
                with PeakMemory(lambda renderer=renderer: pool_pids(renderer)) as memory:
                    took, our_pdf, report = await ours(renderer, year, settings.uploads_dir)
                our_peak = max(our_peak, memory.peak_mb)
                our_times.append(took)
                if with_plain:
                    # The very HTML this run made (same print time), saved and laid out plainly.
                    with PeakMemory(lambda: [plain_pid]) as memory:
                        took, plain_pdf, pages = await asyncio.wrap_future(
                            plain_pool.submit(timed_plain, whole_html(report))
                        )
                    plain_peak = max(plain_peak, memory.peak_mb)
                    plain_times.append(took)
                    ratios.append(our_times[-1] / plain_times[-1])
            found = report.rows
            renderer.close()
            our_text = pdf_text(our_pdf)
            pages = our_text.count("\f")
            ours_median = statistics.median(our_times)
            if with_plain:
                plain_median = statistics.median(plain_times)
                same = our_text == pdf_text(plain_pdf)
                print(
                    f"  {found:5d}  {pages:5d}  {plain_median:6.2f} {ours_median:6.2f}"
                    f"  {statistics.median(ratios):5.2f}   {pages / plain_median:9.1f}"
                    f"  {pages / ours_median:8.1f}   {plain_peak:8.0f}  {our_peak:7.0f}"
                    f"  {'yes' if same else 'NO'}"
                )
            else:
                print(
                    f"  {found:5d}  {pages:5d}       - {ours_median:6.2f}      -           -"
                    f"  {pages / ours_median:8.1f}          -  {our_peak:7.0f}  -"
                )
    finally:
        plain_pool.shutdown()
    print("  goal: ours <= 0.6 x plain for 1,000 rows (ours includes the query and the HTML)")


async def bench_pool_memory(settings) -> None:
    renderer = Renderer(Limits(workers=2, timeout_seconds=600, memory_mb=4096))
    sizes = []
    try:
        for _ in range(12):
            await ours(renderer, YEARS[1000], settings.uploads_dir)
            sizes.append(rss_mb(pool_pids(renderer)))
    finally:
        renderer.close()
    print(
        "pool memory after each of 12 renders of 1,000 rows (MB, both workers;"
        " a worker is replaced after 24 tasks; - = both had just been replaced): "
        + " ".join(f"{s:.0f}" if s else "-" for s in sizes)
    )


def showcase_html(photo_dir: Path, photos: int) -> tuple[str, dict[int, str]]:
    from decimal import Decimal

    from markupsafe import Markup

    from incubator.reporting.charts import bar_chart

    uploads = {}
    for n in range(photos):
        path = photo_dir / f"photo{n}.png"
        path.write_bytes(png(800, 600, (40 + n * 9 % 200, 90, 160)))
        uploads[n + 1] = str(path)
    highlights = [
        {
            "id": n,
            "title": f"亮点活动 {n}：社区邻里节",
            "held_on": dt.date(2017, 5, n + 1),
            "category": "community",
            "place": "文化广场",
            "organization_name": "青鸟志愿者服务队",
            "participants": 120,
            "content": "居民参与热情高，活动有序开展。" * 5,
            "photos": [{"file": n * 4 + k + 1} for k in range(4) if n * 4 + k < photos],
        }
        for n in range(photos // 4)
    ]
    # Charts escape their own labels, so their markup is safe to embed.
    month_chart = Markup(bar_chart([(f"{m}月", 30 + m) for m in range(1, 13)], "各月活动场次"))  # noqa: S704
    community_chart = Markup(bar_chart([("祥龙社区", 80), ("腾龙社区", 86)], "各社区"))  # noqa: S704
    html = templates.render(
        "showcase.html",
        center=True,
        title="社会组织发展中心",
        year=2017,
        figures={
            "count": 448,
            "hours": Decimal("1028.5"),
            "participants": 36993,
            "beneficiaries": 34949,
            "volunteers": 3650,
        },
        chart=month_chart,
        community_chart=community_chart,
        by_community=[],
        board=[{"label": "孵化", "count": 4}],
        highlights=highlights,
        street="龙虎塘街道",
        printed_at=dt.datetime.now(),
        categories={"community": "社区活动"},
        served_groups={},
        label=lambda choices, code: code,
        org_types=(),
        fields=(),
        statuses=(),
    )
    return html, uploads


async def bench_showcase(runs: int) -> None:
    renderer = Renderer(Limits(workers=2, timeout_seconds=600, memory_mb=4096))
    renderer.warm_up()
    await asyncio.sleep(3)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            html, uploads = showcase_html(Path(tmp), 20)
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                pdf = await renderer.render(html, uploads)
                times.append(time.perf_counter() - started)
    finally:
        renderer.close()
    took = statistics.median(times)
    pages = pdf_text(pdf).count("\f")
    print(f"showcase with 20 photos: {took:.2f} s, {pages} pages, {pages / took:.1f} pages/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--plain-5000", action="store_true")
    args = parser.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",")]
    with bench_env() as env:
        prepare(env)
        for rows in args.sizes:
            subprocess.run(
                [sys.executable, "-m", "incubator.cli", "bench-data", "--activities", str(rows)]
                + ["--year", str(YEARS.get(rows, 2021))],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        settings = load_settings({k: v for k, v in env.items() if k.startswith("INCUBATOR_")})

        async def run() -> None:
            engine = db.bind_engine(db.engine_from_url(settings.database_url))
            await db.prepare_database(engine)
            await bench_ledgers(args, settings)
            if 1000 in args.sizes:
                await bench_pool_memory(settings)
            await bench_showcase(args.runs)

        asyncio.run(run())


if __name__ == "__main__":
    main()
