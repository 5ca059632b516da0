"""Backup drill: back up under load, restore into a fresh data directory, compare.

    python tests/bench/bench_backup.py [--seconds 60] [--applicants 10]
    (PostgreSQL too when INCUBATOR_BENCH_DATABASE_URL names a server; INCUBATOR_BENCH_ONLY
    picks one)

The soak's applicants submit applications with files while, half-way, the README's procedure runs:
`incubator backup FILE`, then a copy of the uploads folder (after the database: the files are
written once under new names, so the copy holds every file the backup refers to). The backup is
then restored with `incubator restore FILE` into a fresh data directory (a fresh database on
PostgreSQL) and the uploads copy put in place. Checked: the restored database has the same
number of rows as the backup in every table, every submission acknowledged before the backup
started is there with its files, and every stored file's checksum matches its row. Prints the
figures; exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from incubator.settings import load_settings  # noqa: E402
from tests.bench.backends import run_each  # noqa: E402
from tests.bench.bench_soak import Servers, Tally, report, soak  # noqa: E402

TABLES = (
    "app_user",
    "organization",
    "application",
    "application_file",
    "stored_file",
    "organization_event",
    "activity",
    "audit_log",
    "job",
)


def cli(env: dict[str, str], *args: str) -> None:
    subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "incubator.cli", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def counts(env: dict[str, str]) -> dict[str, int]:
    from tests.conftest import sql

    settings = load_settings(env)
    return {t: sql(settings, f"SELECT count(*) AS n FROM {t}")[0]["n"] for t in TABLES}  # noqa: S608


def fresh_env(env: dict[str, str], data_dir: str) -> tuple[dict[str, str], str | None]:
    """The environment of the restored installation, and the PostgreSQL database it made."""
    restored = {**env, "INCUBATOR_DATA_DIR": data_dir}
    url = env.get("INCUBATOR_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        restored.pop("INCUBATOR_DATABASE_URL", None)
        return restored, None
    import asyncpg

    name = f"inc_restore_{uuid.uuid4().hex[:8]}"

    async def create() -> None:
        connection = await asyncpg.connect(url)
        await connection.execute(f'CREATE DATABASE "{name}"')
        await connection.close()

    asyncio.run(create())
    restored["INCUBATOR_DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
    return restored, name


def drop(env: dict[str, str], name: str | None) -> None:
    if name is None:
        return
    import asyncpg

    async def run() -> None:
        connection = await asyncpg.connect(env["INCUBATOR_DATABASE_URL"])
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()

    asyncio.run(run())


def drill(name: str, env: dict[str, str], args) -> bool:
    work = Path(tempfile.mkdtemp(prefix="incubator-backup-"))
    backup_file = work / "incubator.backup"
    uploads_copy = work / "uploads"
    before: dict[int, tuple[str, dict[str, str]]] = {}
    timing: dict[str, float] = {}

    async def back_up_half_way(servers: Servers, tally: Tally, until: float) -> None:
        await asyncio.sleep(max(0.0, (until - time.monotonic()) / 2))
        before.update(tally.submissions)
        started = time.perf_counter()
        await asyncio.to_thread(cli, env, "backup", str(backup_file))
        timing["database"] = time.perf_counter() - started
        uploads = load_settings(env).uploads_dir
        started = time.perf_counter()
        await asyncio.to_thread(shutil.copytree, uploads, uploads_copy)
        timing["uploads"] = time.perf_counter() - started

    result = soak(
        env,
        seconds=args.seconds,
        applicants=args.applicants,
        staff=1,
        assessors=0,
        workers=2,
        job_worker=False,
        alongside=back_up_half_way,
    )
    report(name, result)
    restored_dir = tempfile.mkdtemp(prefix="incubator-restored-")
    restored, database = fresh_env(env, restored_dir)
    problems = []
    try:
        if load_settings(restored).is_sqlite:
            Path(restored_dir, "incubator.sqlite3").parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        cli(restored, "restore", str(backup_file))
        shutil.copytree(uploads_copy, load_settings(restored).uploads_dir, dirs_exist_ok=True)
        timing["restore"] = time.perf_counter() - started
        restored_counts = counts(restored)
        backup_counts = backup_file_counts(env, backup_file, restored_counts)
        if backup_counts != restored_counts:
            problems.append(f"counts differ: backup {backup_counts} restored {restored_counts}")
        problems += check_files(restored, before)
    finally:
        drop(env, database)
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(restored_dir, ignore_errors=True)
    print(
        f"[{name}] backup under load: database {timing.get('database', 0):.1f} s, uploads "
        f"{timing.get('uploads', 0):.1f} s, restore {timing.get('restore', 0):.1f} s; "
        f"{len(before)} submissions acknowledged before the backup, rows restored "
        f"{restored_counts}"
    )
    print(f"[{name}] drill problems {len(problems)} {problems[:5]}")
    return not problems and not result.problems and not result.tally.server_errors


def backup_file_counts(env: dict[str, str], backup_file: Path, fallback: dict) -> dict[str, int]:
    """The rows in the backup itself: SQLite reads the file; a pg_dump is what was restored."""
    if not load_settings(env).is_sqlite:
        return fallback  # pg_restore --single-transaction: all of the dump or nothing
    import sqlite3

    conn = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # noqa: S608
    finally:
        conn.close()


def check_files(env: dict[str, str], before: dict[int, tuple[str, dict[str, str]]]) -> list[str]:
    from incubator.core.files import storage_path
    from tests.conftest import sql

    settings = load_settings(env)
    problems = []
    for row in sql(settings, "SELECT storage_name, sha256 FROM stored_file"):
        path = storage_path(settings.uploads_dir, row["storage_name"])
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != row["sha256"]:
            problems.append(f"stored file {row['storage_name']} missing or altered")
    for oid, (_number, sent) in before.items():
        files = sql(
            settings,
            "SELECT s.sha256 FROM application a JOIN application_file f ON f.application = a.id "
            "JOIN stored_file s ON s.id = f.file WHERE a.organization = $1 AND a.status = "
            "'submitted' AND f.is_current",
            oid,
        )
        if sorted(r["sha256"] for r in files) != sorted(sent.values()):
            problems.append(f"organization {oid}: submitted before the backup, not restored whole")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--applicants", type=int, default=10)
    args = parser.parse_args()
    return run_each(lambda name, env: drill(name, env, args))


if __name__ == "__main__":
    os.environ.setdefault("INCUBATOR_ENV", "test")
    sys.exit(main())
