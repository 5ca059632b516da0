"""PDF rendering in worker processes: recycled after a few reports (WeasyPrint does not give
memory back), each with a memory limit, and abandoned and replaced when a report runs too long.
The event loop only awaits: rendering never runs on it."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import multiprocessing
import resource
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from incubator.core.i18n import _

log = logging.getLogger("incubator.reporting")
ASSETS_DIR = Path(__file__).resolve().parents[2] / "reports" / "assets"
REPORTS_PER_WORKER = 8
_FONTS = None


class ReportFailed(RuntimeError):
    """A report could not be made; the message says why, in words for the user."""


@dataclass(frozen=True)
class Limits:
    workers: int = 2
    timeout_seconds: float = 120
    memory_mb: int = 1536


def _start_worker(memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def render_pdf(html: str, uploads: dict[int, str]) -> bytes:
    """In a worker: HTML (already escaped, from our templates) to PDF bytes."""
    global _FONTS
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from incubator.reporting.fetcher import ReportFetcher

    if _FONTS is None:
        _FONTS = FontConfiguration()  # one per process
    fetcher = ReportFetcher(ASSETS_DIR, {k: Path(v) for k, v in uploads.items()})
    document = HTML(string=html, url_fetcher=fetcher, base_url="report:")
    return document.write_pdf(font_config=_FONTS)


class Renderer:
    """A pool of rendering processes, replaced whole when one of its reports goes wrong."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None

    def _executor(self) -> concurrent.futures.ProcessPoolExecutor:
        if self._pool is None:
            self._pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=self.limits.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(self.limits.memory_mb,),
                max_tasks_per_child=REPORTS_PER_WORKER,
            )
        return self._pool

    def _discard(self) -> None:
        """Kills the pool's processes (a runaway render cannot be cancelled any other way)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    async def render(self, html: str, uploads: dict[int, str] | None = None) -> bytes:
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._executor(), render_pdf, html, uploads or {})
        try:
            return await asyncio.wait_for(future, self.limits.timeout_seconds)
        except TimeoutError:
            self._discard()
            raise ReportFailed(
                _("报表生成超时（超过 {n} 秒），请缩小筛选范围后重试").format(
                    n=int(self.limits.timeout_seconds)
                )
            ) from None
        except MemoryError:
            self._discard()
            raise ReportFailed(_("报表过大，超出内存上限，请缩小筛选范围后重试")) from None
        except BrokenProcessPool:
            self._discard()
            raise ReportFailed(_("报表生成进程意外退出，请缩小筛选范围后重试")) from None

    def close(self) -> None:
        self._discard()
