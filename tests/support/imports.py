"""Importing a workbook the way a user does: the upload form at `base` (e.g. /activities/import),
then the job's status polled as its page polls it, until it ends."""

from __future__ import annotations

import re
import time

from tests.support.web import csrf_token, run_jobs


def upload(client, base: str, data: bytes, name: str = "台账.xlsx") -> str:
    """Posts the file; returns where the answer sends the user (the import's page, or the
    upload page again when the file was refused at once)."""
    token = csrf_token(client, base)
    response = client.post(
        base,
        data={"_csrf_token": token},
        files={"file": (name, data, "application/octet-stream")},
    )
    assert response.status_code == 303, response.text[:300]
    return response.headers["location"]


def finish(client, location: str, seconds: float = 60) -> tuple[dict, str]:
    """(the final status, the import's page) once its job has ended."""
    number = int(re.search(r"/import/(\d+)$", location).group(1))
    base = location.rsplit("/", 1)[0]
    run_jobs(client)
    deadline = time.monotonic() + seconds
    while (status := client.get(f"{base}/{number}/status").json())["running"]:
        assert time.monotonic() < deadline, f"import {number} still running"
        time.sleep(0.05)
    return status, client.get(location).text


def import_file(client, base: str, data: bytes, name: str = "台账.xlsx") -> tuple[dict, str]:
    return finish(client, upload(client, base, data, name))
