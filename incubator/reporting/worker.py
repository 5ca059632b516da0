"""PDF rendering in low-priority worker processes: recycled after a number of tasks (WeasyPrint
does not give memory back), each with a memory limit; a task that runs too long stops its own
worker (pebble), and the other reports' tasks go on. A paginated report (reporting.sheets) is
laid out as runs of pages on every worker at once and joined. The event loop only awaits:
rendering never runs on it."""

from __future__ import annotations

import asyncio
import io
import logging
import multiprocessing
import os
import resource
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pebble

from incubator.core.i18n import _
from incubator.reporting import sheets

log = logging.getLogger("incubator.reporting")
ASSETS_DIR = Path(__file__).resolve().parents[2] / "reports" / "assets"
# Tasks (whole documents or parts of one) before a worker is replaced: parts are small, so
# memory stays bounded by the largest part, not by the report.
TASKS_PER_WORKER = 24
_FONTS = None


class ReportFailed(RuntimeError):
    """A report could not be made; the message says why, in words for the user."""


@dataclass(frozen=True)
class Limits:
    workers: int = 2
    timeout_seconds: float = 120
    memory_mb: int = 1536
    # A part is at most this many pages: it bounds a worker's memory and paces the progress shown.
    part_pages: int = 12

    @classmethod
    def of(cls, settings: Any) -> Limits:
        """From the INCUBATOR_REPORT_* settings."""
        return cls(
            workers=settings.report_workers,
            timeout_seconds=settings.report_timeout_seconds,
            memory_mb=settings.report_memory_mb,
        )


# Rendering is background work: the web process keeps the CPU first when both want it.
WORKER_NICENESS = 10


def _start_worker(memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.nice(WORKER_NICENESS)


def _write(html: str, uploads: dict[int, str]) -> tuple[bytes, int]:
    """HTML (already escaped, from our templates) to PDF bytes and its page count."""
    global _FONTS
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from incubator.reporting.fetcher import ReportFetcher

    if _FONTS is None:
        _FONTS = FontConfiguration()  # one per process
    fetcher = ReportFetcher(ASSETS_DIR, {k: Path(v) for k, v in uploads.items()})
    document = HTML(string=html, url_fetcher=fetcher, base_url="report:").render(font_config=_FONTS)
    return document.write_pdf(), len(document.pages)


def render_pdf(html: str, uploads: dict[int, str]) -> bytes:
    """In a worker: a whole document at once (letters, certificates, showcases)."""
    return _write(html, uploads)[0]


def render_part(part: Part, uploads: dict[int, str]) -> tuple[bytes, int]:
    """In a worker: one run of a paginated report's sheets, numbered from `part.first_page`."""
    from incubator.core.i18n import set_language
    from incubator.reporting import templates

    set_language(part.language)
    html = templates.render(
        part.template,
        **part.context,
        sheets=part.sheets,
        page_labels=sheets.page_label_css(part.first_page, part.total_pages),
    )
    return _write(html, uploads)


def join_pdfs(parts: list[bytes]) -> bytes:
    """In a worker: the parts' pages in order, as one PDF (with the first part's metadata)."""
    import pikepdf

    joined = pikepdf.Pdf.new()
    sources = [pikepdf.Pdf.open(io.BytesIO(data)) for data in parts]
    for source in sources:
        joined.pages.extend(source.pages)
    if sources and "/Info" in sources[0].trailer:
        joined.trailer.Info = joined.copy_foreign(sources[0].trailer.Info)
    out = io.BytesIO()
    joined.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def warm_up() -> None:
    """In a worker: imports WeasyPrint and loads the fonts before the first real report."""
    _write("<p>预热</p>", {})


@dataclass(frozen=True)
class Part:
    """A run of consecutive sheets of one report, for one worker."""

    template: str
    context: dict[str, Any]
    sheets: list[sheets.Sheet]
    language: str
    first_page: int
    total_pages: int


@dataclass(frozen=True)
class Progress:
    rows_done: int
    rows_total: int
    pages_done: int
    pages_total: int


ProgressCallback = Callable[[Progress], None]


class _Layout:
    """The parts of one paginated report, and the progress made on them."""

    def __init__(self, template, context, runs, language, uploads, progress) -> None:
        self.template, self.context, self.runs = template, context, runs
        self.language, self.uploads, self.progress = language, uploads, progress
        self.rows_total = sum(_rows(run) for run in runs)
        self.tally = Progress(0, self.rows_total, 0, 0)

    def calls(self, pages: list[int]) -> list[tuple[Callable, tuple]]:
        total = sum(pages)
        self.tally = Progress(0, self.rows_total, 0, total)
        firsts = [1 + sum(pages[:n]) for n in range(len(pages))]
        return [
            (
                render_part,
                (Part(self.template, self.context, run, self.language, first, total), self.uploads),
            )
            for run, first in zip(self.runs, firsts, strict=True)
        ]

    def finished(self, n: int, result: tuple[bytes, int]) -> None:
        done = self.tally
        self.tally = Progress(
            done.rows_done + _rows(self.runs[n]),
            self.rows_total,
            done.pages_done + result[1],
            done.pages_total,
        )
        if self.progress is not None:
            self.progress(self.tally)


def _rows(run: list[sheets.Sheet]) -> int:
    return sum(len(s.items) for s in run if s.kind == "rows")


class Renderer:
    """A pool of rendering processes; a task past its time limit, or one whose worker dies,
    fails its own report only."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._pool: pebble.ProcessPool | None = None

    def _executor(self) -> pebble.ProcessPool:
        if self._pool is None or not self._pool.active:
            self._pool = pebble.ProcessPool(
                max_workers=self.limits.workers,
                max_tasks=TASKS_PER_WORKER,
                initializer=_start_worker,
                initargs=(self.limits.memory_mb,),
                context=multiprocessing.get_context("spawn"),
            )
        return self._pool

    async def _run(
        self,
        calls: list[tuple[Callable, tuple]],
        done: Callable[[int, Any], None] | None = None,
    ) -> list[Any]:
        """Runs the calls in the pool, at most one per worker at a time so that other reports'
        calls take turns with these; each result goes to `done` as it arrives. The time limit
        is per call: pebble stops that call's worker. The first failure cancels this report's
        other calls (stopping their workers too) and becomes a ReportFailed."""
        executor = self._executor()
        slots = asyncio.Semaphore(self.limits.workers)

        async def one(n: int, fn: Callable, args: tuple) -> Any:
            async with slots:
                future = executor.schedule(fn, args=args, timeout=self.limits.timeout_seconds)
                try:
                    result = await asyncio.wrap_future(future)
                except asyncio.CancelledError:
                    future.cancel()  # a running pebble task: its worker is stopped
                    raise
            if done is not None:
                done(n, result)
            return result

        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(one(n, fn, args)) for n, (fn, args) in enumerate(calls)]
        except BaseExceptionGroup as failed:
            raise self._failure(failed) from None
        return [task.result() for task in tasks]

    def _failure(self, failed: BaseExceptionGroup) -> BaseException:
        """The report's failure in words, from the first of its calls' errors."""
        first = failed.exceptions[0]
        if isinstance(first, BaseExceptionGroup):
            return self._failure(first)
        if isinstance(first, TimeoutError):
            return ReportFailed(
                _("报表生成超时（超过 {n} 秒），请缩小筛选范围后重试").format(
                    n=int(self.limits.timeout_seconds)
                )
            )
        if isinstance(first, MemoryError):
            return ReportFailed(_("报表过大，超出内存上限，请缩小筛选范围后重试"))
        if isinstance(first, pebble.ProcessExpired):
            return ReportFailed(_("报表生成进程意外退出，请缩小筛选范围后重试"))
        return first

    async def render(self, html: str, uploads: dict[int, str] | None = None) -> bytes:
        """A whole document in one worker."""
        [pdf] = await self._run([(render_pdf, (html, uploads or {}))])
        return pdf

    async def render_sheets(
        self,
        template: str,
        context: dict[str, Any],
        report_sheets: list[sheets.Sheet],
        language: str,
        uploads: dict[int, str] | None = None,
        progress: ProgressCallback | None = None,
    ) -> bytes:
        """A paginated report: runs of sheets laid out in parallel and joined. If a sheet took
        more pages than planned, the runs are laid out again with the true page numbers (their
        content does not depend on the numbers, so the pages come out the same)."""
        runs = sheets.parts(report_sheets, self.limits.workers, self.limits.part_pages)
        job = _Layout(template, context, runs, language, uploads or {}, progress)
        planned = [sheets.planned_pages(run) for run in runs]
        results = await self._run(job.calls(planned), job.finished)
        actual = [pages for _pdf, pages in results]
        if actual != planned:
            log.warning("report pages planned %s, laid out %s", planned, actual)
            results = await self._run(job.calls(actual))
        [pdf] = await self._run([(join_pdfs, ([data for data, _pages in results],))])
        return pdf

    def warm_up(self) -> None:
        """Starts the workers and loads WeasyPrint in them, so the first report is not slower."""
        executor = self._executor()
        for _n in range(self.limits.workers):
            executor.schedule(warm_up)

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.stop()
            pool.join(timeout=10)
