"""Reading an uploaded workbook safely, in the checking process.

The file is checked before openpyxl parses it (size, entries, unpacked size); the XML is parsed by
defusedxml (openpyxl uses it when installed: no entity expansion) within a time limit, in a
process with a memory limit, so a hostile file ends in a refusal there, never in the server. Rows
are then parsed and checked there too, a chunk at a time (a thread would hold the GIL against the
event loop).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import io
import logging
import multiprocessing
import resource
import signal
import threading
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook

from incubator.core.i18n import _, text
from incubator.sheets.rules import Sheet, clean_row, header_positions, is_help_row

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# Sheet rows read at most, blank ones included, and cells per row.
MAX_SHEET_ROWS = MAX_ROWS + 1_000
MAX_COLUMNS = 100
# A zip bomb: a small file that unpacks to gigabytes of sheet XML, or to countless entries.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ENTRIES = 500
# The checking process: reading one file may take this long and this much memory.
READ_SECONDS = 120
WORKER_MEMORY_BYTES = 1024 * 1024 * 1024
log = logging.getLogger("incubator")
_POOL: concurrent.futures.ProcessPoolExecutor | None = None


class ImportRefused(ValueError):
    """The file as a whole cannot be read (not XLSX, too big, columns missing)."""


@dataclass(frozen=True)
class RawRow:
    number: int  # the row's number in the sheet, as Excel shows it
    values: dict[str, Any]  # cell values by column key
    problems: list[str]  # found while reading (formulas)


# --- the checking process ---------------------------------------------------------------------


def _pool() -> concurrent.futures.ProcessPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = concurrent.futures.ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_limit_memory,
        )
    return _POOL


def _limit_memory() -> None:
    with contextlib.suppress(ValueError, OSError):
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = (
            WORKER_MEMORY_BYTES
            if hard == resource.RLIM_INFINITY
            else min(hard, WORKER_MEMORY_BYTES)
        )
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def shutdown() -> None:
    """Stops the checking process (the app's lifespan and the worker call this on shutdown)."""
    global _POOL
    pool, _POOL = _POOL, None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


async def in_worker(function: Any, *args: Any) -> Any:
    pool = _pool()
    try:
        return await asyncio.get_running_loop().run_in_executor(pool, function, *args)
    except concurrent.futures.process.BrokenProcessPool:
        # The checking process died (killed at its memory limit): the next job gets a new one.
        global _POOL
        if _POOL is pool:
            _POOL = None
        pool.shutdown(wait=False, cancel_futures=True)
        raise ImportRefused(_("文件解压后过大，无法导入")) from None


class _TimeUp(BaseException):  # not caught by a library's `except Exception`
    pass


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Stops a read that takes too long (in the checking process, whose main thread reads)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def time_up(_signum: int, _frame: Any) -> None:
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, time_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- reading ----------------------------------------------------------------------------------


def read_book(data: bytes, sheets: tuple[Sheet, ...]) -> list[tuple[str, list[RawRow]]]:
    """(sheet name, its data rows) for each declared sheet found, in the declared order.

    With one sheet declared the file's first worksheet is read whatever its tab is called (people
    rename tabs); with several, worksheets are matched by name and an unknown one is refused.
    Any failure to read is refused with a message; its details go to the log only.
    """
    if len(data) > MAX_BYTES:
        raise ImportRefused(_("文件过大：导入文件最大 {n} MB").format(n=MAX_BYTES // 1024 // 1024))
    if not data:
        raise ImportRefused(_("文件为空"))
    try:
        entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportRefused(_("文件不是 Excel（.xlsx）格式，请使用下载的模板")) from exc
    if len(entries) > MAX_ENTRIES or sum(i.file_size for i in entries) > MAX_UNPACKED_BYTES:
        raise ImportRefused(_("文件解压后过大，无法导入"))
    try:
        with _time_limit(READ_SECONDS):
            return _read(data, sheets)
    except ImportRefused:
        raise
    except _TimeUp as exc:
        raise ImportRefused(_("文件读取超时，请拆分后再导入")) from exc
    except MemoryError as exc:
        raise ImportRefused(_("文件解压后过大，无法导入")) from exc
    except Exception as exc:  # openpyxl and the XML parser raise many kinds for a bad file
        log.warning("import file not readable: %r", exc)
        raise ImportRefused(_("文件内容无法读取，请使用下载的模板")) from exc


def _read(data: bytes, sheets: tuple[Sheet, ...]) -> list[tuple[str, list[RawRow]]]:
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        if len(sheets) == 1:
            pairs = [(sheets[0], book.worksheets[0])]
        else:
            by_title = {text(s.title): s for s in sheets} | {s.title: s for s in sheets}
            unknown = [w.title for w in book.worksheets if w.title not in by_title]
            if unknown:
                raise ImportRefused(
                    _("工作簿中有未知的工作表：{names}").format(names=_("、").join(unknown)[:300])
                )
            found = {by_title[w.title].name: w for w in book.worksheets}
            pairs = [(s, found[s.name]) for s in sheets if s.name in found]
        out = []
        total = 0
        for sheet, worksheet in pairs:
            rows = _read_sheet(sheet, worksheet, prefix=len(sheets) > 1)
            total += len(rows)
            if total > MAX_ROWS:
                raise ImportRefused(_("一次最多导入 {n} 行").format(n=MAX_ROWS))
            out.append((sheet.name, rows))
        return out
    finally:
        book.close()


def _read_sheet(sheet: Sheet, worksheet: Any, prefix: bool) -> list[RawRow]:
    where = _("工作表“{name}”：").format(name=worksheet.title) if prefix else ""
    # The sheet's declared size, before any row is read.
    if (worksheet.max_row or 0) > MAX_SHEET_ROWS or (worksheet.max_column or 0) > MAX_COLUMNS:
        raise ImportRefused(where + _sheet_too_big())
    rows = worksheet.iter_rows()
    header = next(rows, None)
    if header is None:
        if prefix:
            return []
        raise ImportRefused(_("表格是空的"))
    positions, missing, unknown = header_positions(sheet, [c.value for c in header])
    refusals = []
    if missing:
        refusals.append(_("缺少必填列：{columns}").format(columns=_("、").join(missing)))
    if unknown:
        refusals.append(_("未知的列：{columns}").format(columns=_("、").join(unknown)[:300]))
    if refusals:
        raise ImportRefused(where + _("；").join(refusals) + _("。请使用下载的模板"))
    out: list[RawRow] = []
    for number, cells in enumerate(rows, start=2):
        # The declared size may lie: count what is actually there.
        if number > MAX_SHEET_ROWS or len(cells) > MAX_COLUMNS:
            raise ImportRefused(where + _sheet_too_big())
        values: dict[str, Any] = {}
        problems: list[str] = []
        for index, cell in enumerate(cells):
            key = positions.get(index)
            if key is None or cell.value is None:
                continue
            if cell.data_type == "f":
                problems.append(
                    _("“{column}”是公式，请改为数值后再导入").format(column=sheet.header(key))
                )
                continue
            values[key] = cell.value.strip() if isinstance(cell.value, str) else cell.value
        if not any(v not in (None, "") for v in values.values()) and not problems:
            continue  # an empty row
        if number == 2 and cells and is_help_row(sheet, cells[0].value):
            continue
        out.append(RawRow(number, values, problems))
        if len(out) > MAX_ROWS:
            raise ImportRefused(_("一次最多导入 {n} 行").format(n=MAX_ROWS))
    return out


def _sheet_too_big() -> str:
    return _("表格过大：最多 {rows} 行、{columns} 列").format(rows=MAX_ROWS, columns=MAX_COLUMNS)


def clean_chunk(
    sheet: Sheet, chunk: list[RawRow], lookups: Mapping[str, Any]
) -> list[tuple[int, dict[str, Any], list[str]]]:
    """Parses and checks rows in the checking process: (row number, values, problems)."""
    out = []
    for row in chunk:
        values, errors = clean_row(sheet, row.values, lookups)
        out.append((row.number, values, row.problems + errors))
    return out
