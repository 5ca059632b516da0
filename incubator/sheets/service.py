"""The sheet-import engine: one upload of a declared sheet (or of a workbook of sheets) becomes
a job that reads and checks every row in the checking process, lists every bad row with its
reason, and writes nothing unless every row is good; then it writes all rows in one transaction.
A row whose natural key is already stored is updated when its importer can, skipped otherwise,
so importing the same file twice adds nothing.

A module takes part by declaring an `Importer`: its sheet (columns, natural key, row check), the
lookups its row check needs, the natural keys already stored, and how to insert (and update)
rows. The app hands the importers to `import_kind`, and a module's views get their pages from
`sheets.views.import_controller`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from incubator.core import audit, jobs
from incubator.core.auth import CurrentUser
from incubator.core.db import write_transaction
from incubator.core.files import write_atomically
from incubator.core.i18n import _, text
from incubator.core.roles import ADMIN, STAFF
from incubator.sheets import reader
from incubator.sheets.reader import ImportRefused
from incubator.sheets.rules import Sheet
from incubator.sheets.tables import SheetImport

IMPORT_KIND = "sheets.import"
RUNNING = ("queued", "checking", "writing")
CHUNK = 500
# Rows per INSERT: small enough that building one statement never holds the event loop long.
WRITE_BATCH = 50
STAFF_ROLES = (ADMIN, STAFF)
log = logging.getLogger("incubator")


@dataclass
class Row:
    """One good-so-far row on the async side: the module's `check` may add errors."""

    sheet: str
    number: int
    values: dict[str, Any]
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Importer:
    sheet: Sheet
    # Names -> ids and anything else the pure row check needs, as this user may see them; the
    # second argument holds the good rows of the workbook's earlier sheets by sheet name (a code
    # may be defined earlier in the same workbook).
    lookups: Callable[
        [CurrentUser, Mapping[str, list[dict[str, Any]]]], Awaitable[Mapping[str, Any]]
    ]
    # The natural keys among these that are already stored -> the stored record's id.
    existing: Callable[[list[str]], Awaitable[Mapping[str, int]]]
    # Writes one batch of new rows (values as cleaned), inside the import's transaction.
    insert: Callable[[CurrentUser, list[dict[str, Any]]], Awaitable[None]]
    # Updates matched rows ((id, values) pairs); None: a matched row is skipped.
    update: Callable[[CurrentUser, list[tuple[int, dict[str, Any]]]], Awaitable[None]] | None = None
    # Checks that need the database or the user (scope, dates against today); adds row errors.
    check: Callable[[CurrentUser, list[Row]], Awaitable[None]] | None = None
    max_bytes: int = 5 * 1024 * 1024


@dataclass(frozen=True)
class Book:
    """What one upload imports: one importer's sheet, or a workbook of several in order."""

    name: str
    importers: tuple[Importer, ...]
    title: str = ""

    @property
    def sheets(self) -> tuple[Sheet, ...]:
        return tuple(i.sheet for i in self.importers)


def single(importer: Importer) -> Book:
    return Book(importer.sheet.name, (importer,), importer.sheet.title)


# --- starting an import and following it -------------------------------------------------------


async def start(
    actor: CurrentUser, book: Book, file_name: str, data: bytes, imports_dir: Path
) -> int:
    """Records the upload, keeps its file where any process running jobs finds it, and queues
    the job that checks and writes it; returns the import's id."""
    async with write_transaction():
        rows = await SheetImport.insert(
            SheetImport(
                sheet=book.name, created_by=actor.id, file_name=file_name[:255], status="queued"
            )
        ).returning(SheetImport.id)
        import_id = rows[0]["id"]
        await asyncio.to_thread(write_atomically, _file(imports_dir, import_id), data)
        job_id = await jobs.enqueue(IMPORT_KIND, {"import_id": import_id}, owner_id=actor.id)
        await SheetImport.update({SheetImport.job_id: job_id}).where(SheetImport.id == import_id)
    return import_id


def _file(imports_dir: Path, import_id: int) -> Path:
    return imports_dir / f"{import_id}.xlsx"


async def job(actor: CurrentUser, book: Book, import_id: int) -> dict | None:
    """The import as its owner (or staff) may see it, with live progress while it runs."""
    row = (
        await SheetImport.select()
        .where((SheetImport.id == import_id) & (SheetImport.sheet == book.name))
        .first()
    )
    if row is None or (row["created_by"] != actor.id and actor.role not in STAFF_ROLES):
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


async def recent(actor: CurrentUser, book: Book, limit: int = 10) -> list[dict]:
    query = (
        SheetImport.select()
        .where(SheetImport.sheet == book.name)
        .order_by(SheetImport.id, ascending=False)
        .limit(limit)
    )
    if actor.role not in STAFF_ROLES:
        query = query.where(SheetImport.created_by == actor.id)
    return await query


# --- the job ---------------------------------------------------------------------------------


def import_kind(
    imports_dir: Path,
    books: Sequence[Book],
    active_user: Callable[[int], Awaitable[CurrentUser | None]],
) -> jobs.Kind:
    """The one job kind of every import; `books` are those the app knows."""
    by_name = {b.name: b for b in books}

    async def run(context: jobs.JobContext) -> dict:
        import_id = context.params["import_id"]
        row = await SheetImport.select().where(SheetImport.id == import_id).first()
        if row is None:
            return {}
        path = _file(imports_dir, import_id)
        book = by_name.get(row["sheet"])
        actor = await active_user(row["created_by"]) if row["created_by"] else None
        if book is None or actor is None or not path.is_file():
            await _finish(import_id, status="failed", message=_("导入已中断，请重新导入"))
            return {}
        data = await asyncio.to_thread(path.read_bytes)
        context.progress(total=0, checked=0, written=0)
        await _run(import_id, book, actor, data, context.state)
        path.unlink(missing_ok=True)
        return {}

    return jobs.Kind(IMPORT_KIND, run, at_once=2)


async def _finish(import_id: int, **values: Any) -> None:
    values["finished_at"] = dt.datetime.now(dt.UTC)
    await SheetImport.update({getattr(SheetImport, k): v for k, v in values.items()}).where(
        SheetImport.id == import_id
    )


async def _run(import_id: int, book: Book, actor: CurrentUser, data: bytes, progress: dict) -> None:
    try:
        progress["status"] = "checking"
        await SheetImport.update({SheetImport.status: "checking"}).where(
            SheetImport.id == import_id
        )
        try:
            found = await reader.in_worker(reader.read_book, data, book.sheets)
        except ImportRefused as exc:
            await _finish(import_id, status="refused", message=str(exc))
            return
        total = sum(len(rows) for _name, rows in found)
        progress["total"] = total
        if not total:
            await _finish(import_id, status="refused", message=_("表格中没有数据行"))
            return
        importers = {i.sheet.name: i for i in book.importers}
        checked: list[tuple[Importer, list[Row]]] = []
        problems: list[dict] = []
        earlier: dict[str, list[dict[str, Any]]] = {}
        for name, raw_rows in found:
            importer = importers[name]
            rows = await _check(actor, importer, raw_rows, earlier, progress)
            earlier[name] = [r.values for r in rows if not r.errors]
            label = text(importer.sheet.title) if len(book.importers) > 1 else ""
            problems += [
                {"sheet": label, "row": r.number, "errors": r.errors} for r in rows if r.errors
            ]
            checked.append((importer, rows))
        if problems:
            await _finish(
                import_id,
                status="refused",
                total_rows=total,
                checked_rows=total,
                problems=problems,
                message=_("有 {n} 行需要修改，未导入任何记录").format(n=len(problems)),
            )
            return
        progress["status"] = "writing"
        written, updated, skipped = await _write(actor, import_id, checked, progress)
        message = _("导入 {n} 条记录").format(n=written)
        if updated:
            message += _("，更新 {n} 条").format(n=updated)
        if skipped:
            message += _("，{n} 条此前已导入，已跳过").format(n=skipped)
        await _finish(
            import_id,
            status="done",
            total_rows=total,
            checked_rows=total,
            written_rows=written,
            updated_rows=updated,
            skipped_rows=skipped,
            message=message,
        )
    except Exception:  # the job must end with a state the user can read; details in the log
        log.exception("import %s failed", import_id)
        await _finish(import_id, status="failed", message=_("导入失败，请稍后重试或联系管理员"))


async def _check(
    actor: CurrentUser,
    importer: Importer,
    raw_rows: list[reader.RawRow],
    earlier: Mapping[str, list[dict[str, Any]]],
    progress: dict,
) -> list[Row]:
    """Every row parsed and checked: pure checks in the checking process, then the importer's
    own, then duplicates within the file by natural key."""
    lookups = await importer.lookups(actor, earlier)
    rows: list[Row] = []
    done_before = progress.get("checked", 0)
    for start in range(0, len(raw_rows), CHUNK):
        chunk = raw_rows[start : start + CHUNK]
        cleaned = await reader.in_worker(reader.clean_chunk, importer.sheet, chunk, lookups)
        rows += [Row(importer.sheet.name, n, values, errors) for n, values, errors in cleaned]
        progress["checked"] = done_before + min(len(raw_rows), start + CHUNK)
    if importer.check is not None:
        await importer.check(actor, rows)
    seen: dict[str, int] = {}
    for row in rows:
        key = importer.sheet.key(row.values)
        row.values["import_key"] = key
        if key in seen and not row.errors:
            row.errors.append(_("与第 {n} 行重复").format(n=seen[key]))
        seen.setdefault(key, row.number)
    return rows


async def _write(
    actor: CurrentUser, import_id: int, checked: list[tuple[Importer, list[Row]]], progress: dict
) -> tuple[int, int, int]:
    written = updated = skipped = 0
    async with write_transaction():
        for importer, rows in checked:
            keys = [r.values["import_key"] for r in rows]
            existing: dict[str, int] = {}
            for start in range(0, len(keys), CHUNK):
                existing |= dict(await importer.existing(keys[start : start + CHUNK]))
            fresh = [r.values for r in rows if r.values["import_key"] not in existing]
            matched = [
                (existing[r.values["import_key"]], r.values)
                for r in rows
                if r.values["import_key"] in existing
            ]
            for start in range(0, len(fresh), WRITE_BATCH):
                await importer.insert(actor, fresh[start : start + WRITE_BATCH])
                written += len(fresh[start : start + WRITE_BATCH])
                progress["written"] = written + updated
                await asyncio.sleep(0)
            if importer.update is None:
                skipped += len(matched)
                continue
            for start in range(0, len(matched), WRITE_BATCH):
                await importer.update(actor, matched[start : start + WRITE_BATCH])
                updated += len(matched[start : start + WRITE_BATCH])
                progress["written"] = written + updated
                await asyncio.sleep(0)
        await audit.record(
            actor,
            "sheet_import",
            import_id,
            "import",
            after={"written": written, "updated": updated, "skipped": skipped},
        )
    return written, updated, skipped
