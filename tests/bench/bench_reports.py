"""PDF rendering figures: ledger PDFs of 100, 1,000 and 5,000 rows (seconds, pages per second,
peak memory of the rendering process), memory over repeated renders in the recycled pool, and a
showcase report with 20 photos.

    .venv/bin/python tests/bench/bench_reports.py [--runs 5]

Each size renders in a fresh process (peak memory is that process's maximum resident size);
medians of --runs are printed. The HTML comes from the real print templates with synthetic rows.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import multiprocessing
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from incubator.reporting import templates  # noqa: E402
from incubator.reporting.worker import Limits, Renderer, render_pdf  # noqa: E402
from tests.support.images import png  # noqa: E402


def ledger_html(rows: int) -> str:
    data = [
        {
            "id": n,
            "ledger_no": f"LHT-01-2017-{n:04d}",
            "held_on": dt.date(2017, 1, 1) + dt.timedelta(days=n % 365),
            "title": f"社区活动第 {n} 期：邻里守望与文明实践",
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
        for n in range(1, rows + 1)
    ]
    return templates.render(
        "ledger.html",
        rows=data,
        totals={
            "hours": Decimal(rows) * Decimal("2.5"),
            "participants": 40 * rows,
            "beneficiaries": 35 * rows,
            "volunteers": 6 * rows,
        },
        photos=[],
        printed_at=dt.datetime.now(),
        categories={"community": "社区活动"},
        statuses={"verified": "已核实"},
        served_groups={"elderly": "老人", "children": "儿童"},
        owner="祥龙社区",
        period="2017 年度",
        filters_used=[("社区", "祥龙社区")],
    )


def page_count(pdf: bytes) -> int:
    """Pages of a PDF, read by poppler's pdfinfo (object streams hide them from a byte search)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    return int(match.group(1)) if match else 0


def _measure(html: str, uploads: dict[int, str], queue: multiprocessing.Queue) -> None:
    started = time.perf_counter()
    pdf = render_pdf(html, uploads)
    took = time.perf_counter() - started
    pages = page_count(pdf)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((took, pages, peak_mb))


def in_fresh_process(html: str, uploads: dict[int, str] | None = None) -> tuple[float, int, float]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_measure, args=(html, uploads or {}, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def showcase_html(photo_dir: Path, photos: int) -> tuple[str, dict[int, str]]:
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
    from markupsafe import Markup

    from incubator.reporting.charts import bar_chart

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


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def repeated(html: str, times: int) -> list[float]:
    """Resident memory of the pool's processes after each render (they are recycled)."""
    renderer = Renderer(Limits(workers=1, timeout_seconds=300, memory_mb=4096))
    sizes = []
    try:
        for _ in range(times):
            await renderer.render(html)
            pool = renderer._pool
            processes = list(getattr(pool, "_processes", {}).values()) if pool else []
            sizes.append(sum(_rss_mb(p.pid) for p in processes if p.is_alive()))
    finally:
        renderer.close()
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"ledger PDF, A4 landscape (median of {args.runs} runs, each in a fresh process)")
    for rows in (100, 1000, 5000):
        html = ledger_html(rows)
        runs = [in_fresh_process(html) for _ in range(args.runs if rows < 5000 else 1)]
        took = statistics.median(r[0] for r in runs)
        pages = runs[0][1]
        peak = statistics.median(r[2] for r in runs)
        print(
            f"  {rows:>5} rows: {took:6.2f} s  {pages:4d} pages  {pages / took:6.1f} pages/s"
            f"  peak {peak:6.0f} MB"
        )
    with tempfile.TemporaryDirectory() as tmp:
        html, uploads = showcase_html(Path(tmp), 20)
        runs = [in_fresh_process(html, uploads) for _ in range(args.runs)]
        took = statistics.median(r[0] for r in runs)
        peak = statistics.median(r[2] for r in runs)
        print(
            f"showcase with 20 photos: {took:.2f} s  {runs[0][1]} pages"
            f"  {runs[0][1] / took:.1f} pages/s  peak {peak:.0f} MB"
        )
    sizes = asyncio.run(repeated(ledger_html(1000), 12))
    print(
        "pool memory after each of 12 renders of 1,000 rows (MB, worker recycled every 8): "
        + " ".join(f"{s:.0f}" for s in sizes)
    )


if __name__ == "__main__":
    main()
