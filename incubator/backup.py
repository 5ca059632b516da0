"""Consistent backups and restores: SQLite's online backup API, or pg_dump / pg_restore."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from incubator.settings import Settings

REQUIRED_TABLES = {"app_user", "community", "audit_log"}


class BackupError(RuntimeError):
    pass


def _sqlite_path(settings: Settings) -> Path:
    return Path(settings.database_url.removeprefix("sqlite:///"))


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} 未安装 (not installed): apt-get install postgresql-client")
    return path


def _run(command: list[str], failure: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True)  # noqa: S603 - no shell
    if result.returncode != 0:
        raise BackupError(f"{failure} ({command[0]}): {result.stderr.strip()[:500]}")


def backup(settings: Settings, target: Path) -> Path:
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    if settings.is_sqlite:
        source = sqlite3.connect(_sqlite_path(settings))
        dest = sqlite3.connect(target)
        try:
            # Online backup: a consistent snapshot even while the app keeps writing.
            source.backup(dest)
        finally:
            dest.close()
            source.close()
    else:
        subprocess.run(  # noqa: S603 - fixed argument list, no shell
            [
                _pg_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                f"--file={target}",
                settings.database_url,
            ],
            check=True,
        )
    return target


def _check_sqlite_backup(path: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"备份文件已损坏 (integrity check failed): {path}")
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"不是有效的 SQLite 备份文件 (not a SQLite backup): {path}") from exc
    if not tables >= REQUIRED_TABLES:
        raise BackupError(f"不是本系统的备份文件 (not a backup of this system): {path}")


def restore(settings: Settings, source: Path) -> None:
    """Replace the database's content with the backup. Stop the app first."""
    if not source.exists():
        raise BackupError(f"备份文件不存在 (no such file): {source}")
    if settings.is_sqlite:
        _check_sqlite_backup(source)
        src = sqlite3.connect(source)
        dest = sqlite3.connect(_sqlite_path(settings))
        try:
            src.backup(dest)
        finally:
            dest.close()
            src.close()
    else:
        _run([_pg_tool("pg_restore"), "--list", str(source)], "不是有效的 PostgreSQL 备份文件")
        _run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={settings.database_url}",
                str(source),
            ],
            "恢复失败",
        )
