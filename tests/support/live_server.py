"""A real uvicorn server in a child process, for browser tests and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from incubator.settings import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def settings_env(settings: Settings) -> dict[str, str]:
    return {
        "INCUBATOR_ENV": settings.env,
        "INCUBATOR_DATA_DIR": str(settings.data_dir),
        "INCUBATOR_DATABASE_URL": settings.database_url,
        "INCUBATOR_SECRET_KEY": settings.secret_key,
        "INCUBATOR_ALLOWED_HOSTS": ",".join(settings.allowed_hosts),
        "INCUBATOR_LANG": settings.lang,
    }


@contextmanager
def live_server(settings: Settings, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, **settings_env(settings), "INCUBATOR_PORT": str(port), **(extra_env or {})}
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "incubator.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"server did not start: {process.stderr.read().decode()[-2000:]}"
                )
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
