"""Where the benchmarks run: a temporary data directory with SQLite, then, when a PostgreSQL
server is named, a fresh database there, dropped afterwards."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def bench_env() -> Iterator[dict[str, str]]:
    """The environment of a benchmark's app and CLI: a throwaway data directory, SQLite."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "INCUBATOR_DATA_DIR": tmp,
            "INCUBATOR_SECRET_KEY": "b" * 48,
            "INCUBATOR_ENV": "test",  # production cookies are Secure: not sent over plain http
            "PYTHONPATH": str(ROOT),
        }
        env.pop("INCUBATOR_DATABASE_URL", None)
        yield env


def for_each_backend(run: Callable[[str, dict[str, str]], None]) -> None:
    """`run(name, env)` on SQLite, then on PostgreSQL when INCUBATOR_BENCH_DATABASE_URL (or
    INCUBATOR_TEST_DATABASE_URL) names a database in which another may be created.
    INCUBATOR_BENCH_ONLY=SQLite or =PostgreSQL runs one of them."""
    only = os.environ.get("INCUBATOR_BENCH_ONLY", "").lower()
    with bench_env() as env:
        if only in ("", "sqlite"):
            run("SQLite", env)
        if only == "sqlite":
            return
        server = os.environ.get("INCUBATOR_BENCH_DATABASE_URL") or os.environ.get(
            "INCUBATOR_TEST_DATABASE_URL"
        )
        if not server:
            print("\n[PostgreSQL] skipped: set INCUBATOR_BENCH_DATABASE_URL")
            return
        import asyncpg

        name = f"inc_bench_{uuid.uuid4().hex[:8]}"

        async def execute(sql: str) -> None:
            connection = await asyncpg.connect(server)
            await connection.execute(sql)
            await connection.close()

        asyncio.run(execute(f'CREATE DATABASE "{name}"'))
        try:
            url = server.rsplit("/", 1)[0] + "/" + name
            run("PostgreSQL", {**env, "INCUBATOR_DATABASE_URL": url})
        finally:
            asyncio.run(execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def prepare(env: dict[str, str]) -> None:
    """Migrates the benchmark's database and loads the demo data into it."""
    for command in ("migrate", "seed-demo"):
        subprocess.run(  # noqa: S603 - our own interpreter and CLI
            [sys.executable, "-m", "incubator.cli", command],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def run_each(check: Callable[[str, dict[str, str]], bool]) -> int:
    """`check(name, env)` on each backend; the exit code: 1 when any check failed."""
    failed = []

    def run(name: str, env: dict[str, str]) -> None:
        if not check(name, env):
            failed.append(name)

    for_each_backend(run)
    return 1 if failed else 0
