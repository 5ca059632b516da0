"""Upload storage: random names under the data dir, type decided by content, size limited.

The original file name is kept only as metadata; files leave the server only through an
authorized download route (see core.views_files).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import secrets
import zipfile
from collections.abc import AsyncIterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import anyio.to_thread
from piccolo.query.functions.aggregate import Sum

from incubator.core import audit
from incubator.core.auth import CurrentUser
from incubator.core.db import write_transaction
from incubator.core.i18n import _
from incubator.core.roles import APPLICANT
from incubator.core.tables import StoredFile


@dataclass(frozen=True)
class FileKind:
    code: str
    content_type: str
    extension: str


PDF = FileKind("pdf", "application/pdf", ".pdf")
JPEG = FileKind("jpeg", "image/jpeg", ".jpg")
PNG = FileKind("png", "image/png", ".png")
DOCX = FileKind(
    "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"
)
XLSX = FileKind(
    "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"
)
ALL_KINDS = (PDF, JPEG, PNG, DOCX, XLSX)
IMAGES = (JPEG, PNG)


class UploadError(ValueError):
    """The upload is refused; the message (already translated) is shown to the user."""


def write_atomically(path: Path, data: bytes) -> None:
    """Written under a temporary name beside it and renamed: a reader, in this process or
    another, never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    partial.replace(path)


def detect_kind(data: bytes) -> FileKind | None:
    """The type by its bytes, never by the name or the browser's claim."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    return None


def clean_original_name(name: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?')
    return (name.strip() or "file")[:200]


def download_name(stored: dict) -> str:
    """The original name, but always with the extension of the type found in the content."""
    kind = next((k for k in ALL_KINDS if k.code == stored["kind"]), None)
    name = stored["original_name"]
    if kind is None or name.lower().endswith(kind.extension):
        return name
    return name.rsplit(".", 1)[0] + kind.extension if "." in name else name + kind.extension


def storage_path(uploads_dir: Path, storage_name: str) -> Path:
    return uploads_dir / storage_name[:2] / storage_name


# Files written inside a `discard_on_failure` block, removed again if the block fails.
_WRITTEN: ContextVar[list[Path] | None] = ContextVar("written_uploads", default=None)


@contextlib.asynccontextmanager
async def discard_on_failure() -> AsyncIterator[None]:
    """Wrap a write transaction that stores uploads: if anything in it fails (the commit
    included), the files it wrote are deleted, so no file outlives its rolled-back row."""
    token = _WRITTEN.set([])
    try:
        yield
    except BaseException:
        for path in _WRITTEN.get() or []:
            path.unlink(missing_ok=True)
        raise
    finally:
        _WRITTEN.reset(token)


async def store_upload(
    *,
    uploads_dir: Path,
    max_bytes: int,
    data: bytes,
    original_name: str,
    actor: CurrentUser,
    allowed: tuple[FileKind, ...] = ALL_KINDS,
    community_id: int | None = None,
    organization_id: int | None = None,
    quota_bytes: int | None = None,
) -> dict:
    """Stores one upload. `quota_bytes`: the most an applicant account may have uploaded in
    all (INCUBATOR_APPLICANT_UPLOAD_QUOTA_MB); every route an applicant uploads through
    passes it."""
    if not data:
        raise UploadError(_("文件为空，请重新选择文件。"))
    if len(data) > max_bytes:
        raise UploadError(_("文件过大：最大允许 {mb} MB。").format(mb=max_bytes // (1024 * 1024)))
    if quota_bytes is not None and actor.role == APPLICANT:
        await _check_quota(actor, len(data), quota_bytes)
    kind = detect_kind(data)
    if kind is None or kind not in allowed:
        names = "、".join(k.code.upper() for k in allowed)
        raise UploadError(
            _("不支持的文件类型：只接受 {names} 文件（按文件内容判断）。").format(names=names)
        )

    storage_name = secrets.token_hex(16) + kind.extension
    path = storage_path(uploads_dir, storage_name)

    def write() -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    await anyio.to_thread.run_sync(write)
    if (written := _WRITTEN.get()) is not None:
        written.append(path)
    row = {
        "storage_name": storage_name,
        "original_name": clean_original_name(original_name),
        "content_type": kind.content_type,
        "kind": kind.code,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "uploaded_by": actor.id,
        "community": community_id,
        "organization": organization_id,
    }
    try:
        async with write_transaction():
            inserted = await StoredFile.insert(StoredFile(**row)).returning(StoredFile.id)
            file_id = inserted[0]["id"]
            await audit.record(actor, "stored_file", file_id, "upload", after=row)
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return {"id": file_id, **row}


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


async def _check_quota(actor: CurrentUser, size: int, quota_bytes: int) -> None:
    """Counted from the files stored in the database: what this account ever uploaded."""
    row = (
        await StoredFile.select(Sum(StoredFile.size, alias="used"))
        .where(StoredFile.uploaded_by == actor.id)
        .first()
    )
    used = int((row or {}).get("used") or 0)
    if used + size > quota_bytes:
        raise UploadError(
            _("上传空间不足：您已上传 {used} MB，上限 {quota} MB，请联系中心工作人员。").format(
                used=_mb(used), quota=_mb(quota_bytes)
            )
        )


async def get_file(file_id: int) -> dict | None:
    return await StoredFile.select().where(StoredFile.id == file_id).first()


def may_download(user: CurrentUser, stored: dict) -> bool:
    """Street-wide roles read every file; others their own uploads and their scope's files."""
    if user.street_wide or stored["uploaded_by"] == user.id:
        return True
    if user.community_id is not None and stored["community"] == user.community_id:
        return True
    return user.organization_id is not None and stored["organization"] == user.organization_id


async def list_uploads_of(user_id: int, limit: int = 50) -> list[dict]:
    return (
        await StoredFile.select()
        .where(StoredFile.uploaded_by == user_id)
        .order_by(StoredFile.id, ascending=False)
        .limit(limit)
    )
