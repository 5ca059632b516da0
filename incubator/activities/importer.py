"""XLSX import of the activity ledger, as a background job with progress.

Every row is checked first; if any row is bad the job stops with a report of every bad row and
nothing is written. Otherwise all rows are written in one transaction. A row already imported
(same fingerprint) is skipped, so importing the same file twice adds nothing. Reading and
checking run in a worker process, a chunk at a time (a thread would hold the GIL against the
event loop), and rows are written in small batches, so the pages stay responsive meanwhile.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import io
import json
import logging
import multiprocessing
import resource
import signal
import threading
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from incubator.accounts import service as accounts
from incubator.activities import rules
from incubator.activities.tables import Activity, ActivityImport
from incubator.core import audit, jobs, sequences
from incubator.core.auth import CurrentUser
from incubator.core.db import write_transaction
from incubator.core.files import write_atomically
from incubator.core.i18n import _, local_today, text
from incubator.core.roles import COMMUNITY
from incubator.core.scoping import where_all
from incubator.organizations.service import organization_scope
from incubator.organizations.tables import Organization
from incubator.regions.tables import Community, Street

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# Sheet rows read at most, blank ones included, and cells per row: the template has 20 columns.
MAX_SHEET_ROWS = MAX_ROWS + 1_000
MAX_COLUMNS = 100
# A zip bomb: a small file that unpacks to gigabytes of sheet XML, or to countless entries.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ENTRIES = 500
# The checking process: reading one file may take this long and this much memory.
READ_SECONDS = 120
WORKER_MEMORY_BYTES = 1024 * 1024 * 1024
CHUNK = 500
# Rows per INSERT: small enough that building one statement never holds the event loop long.
WRITE_BATCH = 50
IMPORT_KIND = "activities.import"
RUNNING = ("queued", "checking", "writing")
_POOL: concurrent.futures.ProcessPoolExecutor | None = None
log = logging.getLogger("incubator")


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
    """In the checking process: a hostile file ends in MemoryError there, not in the server."""
    with contextlib.suppress(ValueError, OSError):
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = (
            WORKER_MEMORY_BYTES
            if hard == resource.RLIM_INFINITY
            else min(hard, WORKER_MEMORY_BYTES)
        )
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def shutdown() -> None:
    """Stops the checking process (the app's lifespan calls this on shutdown)."""
    global _POOL
    pool, _POOL = _POOL, None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


async def _in_worker(function: Any, *args: Any) -> Any:
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


class ImportRefused(ValueError):
    """The file as a whole cannot be read (not XLSX, too big, columns missing)."""


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


def read_sheet(data: bytes) -> list[tuple[int, dict[str, Any], list[str]]]:
    """(row number, values by column key, problems found while reading) for every data row.

    The file is checked before openpyxl parses it (size, entries, unpacked size); the XML is
    parsed by defusedxml (openpyxl uses it when installed: no entity expansion) within a time
    limit. Any failure to read is refused with a message; its details go to the log only.
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
            return _read_rows(data)
    except ImportRefused:
        raise
    except _TimeUp as exc:
        raise ImportRefused(_("文件读取超时，请拆分后再导入")) from exc
    except MemoryError as exc:
        raise ImportRefused(_("文件解压后过大，无法导入")) from exc
    except Exception as exc:  # openpyxl and the XML parser raise many kinds for a bad file
        log.warning("import file not readable: %r", exc)
        raise ImportRefused(_("文件内容无法读取，请使用下载的模板")) from exc


def _read_rows(data: bytes) -> list[tuple[int, dict[str, Any], list[str]]]:
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        sheet = book.worksheets[0]
        # The sheet's declared size, before any row is read.
        if (sheet.max_row or 0) > MAX_SHEET_ROWS or (sheet.max_column or 0) > MAX_COLUMNS:
            raise ImportRefused(_sheet_too_big())
        rows = sheet.iter_rows()
        header = next(rows, None)
        if header is None:
            raise ImportRefused(_("表格是空的"))
        by_header = {text(c.header): c.key for c in rules.IMPORT_COLUMNS} | {
            c.header: c.key for c in rules.IMPORT_COLUMNS
        }
        positions: dict[int, str] = {}
        for index, cell in enumerate(header):
            key = by_header.get(str(cell.value or "").strip())
            if key:
                positions[index] = key
        missing = [
            text(c.header)
            for c in rules.IMPORT_COLUMNS
            if c.required and c.key not in positions.values()
        ]
        if missing:
            raise ImportRefused(
                _("缺少必填列：{columns}。请使用下载的模板").format(columns=_("、").join(missing))
            )
        helps = {text(c.help) for c in rules.IMPORT_COLUMNS} | {
            c.help for c in rules.IMPORT_COLUMNS
        }
        out = []
        for number, cells in enumerate(rows, start=2):
            # The declared size may lie: count what is actually there.
            if number > MAX_SHEET_ROWS or len(cells) > MAX_COLUMNS:
                raise ImportRefused(_sheet_too_big())
            values: dict[str, Any] = {}
            problems: list[str] = []
            for index, cell in enumerate(cells):
                key = positions.get(index)
                if key is None or cell.value is None:
                    continue
                if cell.data_type == "f":
                    problems.append(
                        _("“{column}”是公式，请改为数值后再导入").format(
                            column=rules.import_header(key)
                        )
                    )
                    continue
                values[key] = cell.value.strip() if isinstance(cell.value, str) else cell.value
            if not any(v not in (None, "") for v in values.values()) and not problems:
                continue  # an empty row
            if number == 2 and str(values.get(positions.get(0, ""), "")) in helps:
                continue  # the template's explanation row
            out.append((number, values, problems))
            if len(out) > MAX_ROWS:
                raise ImportRefused(_("一次最多导入 {n} 行").format(n=MAX_ROWS))
        return out
    finally:
        book.close()


def _sheet_too_big() -> str:
    return _("表格过大：最多 {rows} 行、{columns} 列").format(rows=MAX_ROWS, columns=MAX_COLUMNS)


async def start(actor: CurrentUser, file_name: str, data: bytes, imports_dir: Path) -> int:
    """Records the upload, keeps its file where any process running jobs finds it, and queues
    the job that checks and writes it; returns the import's id."""
    async with write_transaction():
        rows = await ActivityImport.insert(
            ActivityImport(created_by=actor.id, file_name=file_name[:255], status="queued")
        ).returning(ActivityImport.id)
        import_id = rows[0]["id"]
        await asyncio.to_thread(write_atomically, _file(imports_dir, import_id), data)
        job_id = await jobs.enqueue(IMPORT_KIND, {"import_id": import_id}, owner_id=actor.id)
        await ActivityImport.update({ActivityImport.job_id: job_id}).where(
            ActivityImport.id == import_id
        )
    return import_id


def _file(imports_dir: Path, import_id: int) -> Path:
    return imports_dir / f"{import_id}.xlsx"


def import_kind(imports_dir: Path) -> jobs.Kind:
    """The job: the file checked in the checking process, then written, with its progress in
    the job's row (any process shows it)."""

    async def run(context: jobs.JobContext) -> dict:
        import_id = context.params["import_id"]
        row = await ActivityImport.select().where(ActivityImport.id == import_id).first()
        if row is None:
            return {}
        path = _file(imports_dir, import_id)
        actor = await accounts.active_user(row["created_by"]) if row["created_by"] else None
        if actor is None or not path.is_file():
            await _finish(import_id, status="failed", message=_("导入已中断，请重新导入"))
            return {}
        data = await asyncio.to_thread(path.read_bytes)
        context.progress(total=0, checked=0, written=0)
        await _run(import_id, actor, data, context.state)
        path.unlink(missing_ok=True)
        return {}

    return jobs.Kind(IMPORT_KIND, run, at_once=2)


async def _finish(job_id: int, **values: Any) -> None:
    values["finished_at"] = dt.datetime.now(dt.UTC)
    await ActivityImport.update({getattr(ActivityImport, k): v for k, v in values.items()}).where(
        ActivityImport.id == job_id
    )


async def _run(job_id: int, actor: CurrentUser, data: bytes, progress: dict) -> None:
    try:
        progress["status"] = "checking"
        await ActivityImport.update({ActivityImport.status: "checking"}).where(
            ActivityImport.id == job_id
        )
        try:
            rows = await _in_worker(read_sheet, data)
        except ImportRefused as exc:
            await _finish(job_id, status="refused", message=str(exc))
            return
        progress["total"] = len(rows)
        if not rows:
            await _finish(job_id, status="refused", message=_("表格中没有数据行"))
            return
        cleaned, problems = await _check(actor, rows, progress)
        if problems:
            await _finish(
                job_id,
                status="refused",
                total_rows=len(rows),
                checked_rows=len(rows),
                problems=problems,
                message=_("有 {n} 行需要修改，未导入任何记录").format(n=len(problems)),
            )
            return
        progress["status"] = "writing"
        written, skipped = await _write(actor, job_id, cleaned, progress)
        await _finish(
            job_id,
            status="done",
            total_rows=len(rows),
            checked_rows=len(rows),
            written_rows=written,
            skipped_rows=skipped,
            message=_("导入 {n} 条记录").format(n=written)
            + (_("，{n} 条此前已导入，已跳过").format(n=skipped) if skipped else ""),
        )
    except Exception:  # the job must end with a state the user can read; details in the log
        log.exception("import job %s failed", job_id)
        await _finish(job_id, status="failed", message=_("导入失败，请稍后重试或联系管理员"))


async def _lookups(actor: CurrentUser) -> dict[str, dict[str, int]]:
    # Names resolve only to organizations in the actor's scope: another community's is not found.
    organizations = await where_all(
        Organization.select(Organization.id, Organization.name), organization_scope(actor)
    )
    communities = await Community.select(Community.id, Community.name)
    return {
        "organizations": {r["name"]: r["id"] for r in organizations},
        "communities": {r["name"]: r["id"] for r in communities},
    }


async def _check(
    actor: CurrentUser, rows: list[tuple[int, dict, list[str]]], progress: dict
) -> tuple[list[tuple[int, dict]], list[dict]]:
    lookups = await _lookups(actor)
    organization_community = {
        r["id"]: r["community"]
        for r in await Organization.select(Organization.id, Organization.community)
    }
    today = local_today()
    cleaned: list[tuple[int, dict]] = []
    problems: list[dict] = []
    seen: dict[str, int] = {}
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        results = await _in_worker(_clean_chunk, chunk, lookups)
        for number, values, errors, read_problems in results:
            errors = read_problems + errors
            if values["organization_id"] and not values["community_id"]:
                values["community_id"] = organization_community.get(values["organization_id"])
            if actor.role == COMMUNITY:
                if values["community_id"] not in (None, actor.community_id):
                    errors.append(_("只能导入本社区的活动"))
                values["community_id"] = actor.community_id
            if values["held_on"] and values["held_on"] > today:
                errors.append(_("活动日期不能晚于今天"))
            key = rules.row_fingerprint(values)
            if key in seen and not errors:
                errors.append(_("与第 {n} 行重复").format(n=seen[key]))
            seen.setdefault(key, number)
            values["import_key"] = key
            if errors:
                problems.append({"row": number, "errors": errors})
            else:
                cleaned.append((number, values))
        progress["checked"] = min(len(rows), start + CHUNK)
    return cleaned, problems


def _clean_chunk(chunk: list, lookups: dict) -> list[tuple[int, dict, list[str], list[str]]]:
    return [(number, *rules.clean_row(raw, lookups), read) for number, raw, read in chunk]


async def _write(
    actor: CurrentUser, job_id: int, cleaned: list[tuple[int, dict]], progress: dict
) -> tuple[int, int]:
    street = await Street.select(Street.code).order_by(Street.id).first()
    codes = {r["id"]: r["code"] for r in await Community.select(Community.id, Community.code)}
    written = skipped = 0
    async with write_transaction():
        keys = [values["import_key"] for _n, values in cleaned]
        existing: set[str] = set()
        for start in range(0, len(keys), CHUNK):
            rows = await Activity.select(Activity.import_key).where(
                Activity.import_key.is_in(keys[start : start + CHUNK])
            )
            existing |= {r["import_key"] for r in rows}
        fresh = [values for _n, values in cleaned if values["import_key"] not in existing]
        skipped = len(cleaned) - len(fresh)
        # Ledger numbers: one block per community and year, in row order.
        by_prefix: dict[str, list[dict]] = defaultdict(list)
        for values in fresh:
            prefix = rules.ledger_prefix(
                street["code"] if street else "JD",
                codes.get(values["community_id"]),
                values["held_on"].year,
            )
            by_prefix[prefix].append(values)
        for prefix, group in by_prefix.items():
            numbers = await sequences.next_values(f"ledger:{prefix}", len(group))
            for values, seq in zip(group, numbers, strict=True):
                values["ledger_no"] = rules.ledger_number(prefix, seq)
        for start in range(0, len(fresh), WRITE_BATCH):
            batch = fresh[start : start + WRITE_BATCH]
            await Activity.insert(*[_activity(actor, values) for values in batch])
            written += len(batch)
            progress["written"] = written
            await asyncio.sleep(0)
        await audit.record(
            actor, "activity_import", job_id, "import", after={"rows": written, "skipped": skipped}
        )
    return written, skipped


def _activity(actor: CurrentUser, values: dict) -> Activity:
    return Activity(
        ledger_no=values["ledger_no"],
        organization=values["organization_id"],
        community=values["community_id"],
        title=values["title"],
        project=values["project"],
        category=values["category"],
        held_on=values["held_on"],
        start_time=values["start_time"],
        end_time=values["end_time"],
        hours=values["hours"],
        place=values["place"],
        partner_unit=values["partner_unit"],
        served_groups=values["served_groups"],
        participants=values["participants"],
        beneficiaries=values["beneficiaries"],
        volunteers=values["volunteers"],
        content=values["content"],
        budget=values["budget"],
        spending=values["spending"],
        news_link=values["news_link"],
        satisfaction=values["satisfaction"],
        # Imported records are the center's or the community's own ledger: staff imports are
        # taken as verified, a community's wait for the center to verify them.
        status="verified" if actor.role in rules.STAFF_ROLES else "submitted",
        reviewer=actor.id if actor.role in rules.STAFF_ROLES else None,
        recorder=actor.id,
        import_key=values["import_key"],
    )


async def job(actor: CurrentUser, job_id: int) -> dict | None:
    """The job as its owner (or staff) may see it, with live progress while it runs."""
    row = await ActivityImport.select().where(ActivityImport.id == job_id).first()
    if row is None or (row["created_by"] != actor.id and actor.role not in rules.STAFF_ROLES):
        return None
    if isinstance(row["problems"], str):  # SQLite hands JSON back as text
        row["problems"] = json.loads(row["problems"] or "[]")
    if row["status"] not in RUNNING:
        return row
    running = await jobs.get(row["job_id"]) if row["job_id"] else None
    if running is None or running["status"] not in jobs.ACTIVE:
        # Its job ended without the import hearing of it: the process stopped.
        return {
            **row,
            "status": "failed",
            "message": _("导入已中断（服务重启或进程退出），请重新导入"),
        }
    live = running["progress"]
    return {
        **row,
        "status": live.get("status", row["status"]),
        "total_rows": live.get("total", 0),
        "checked_rows": live.get("checked", 0),
        "written_rows": live.get("written", 0),
    }


async def recent_jobs(actor: CurrentUser) -> list[dict]:
    query = ActivityImport.select().order_by(ActivityImport.id, ascending=False).limit(10)
    if actor.role not in rules.STAFF_ROLES:
        query = query.where(ActivityImport.created_by == actor.id)
    return await query
