"""Driving the real HTTP stack like a browser: CSRF tokens from the page, sessions in cookies."""

from __future__ import annotations

import re

from litestar.testing import TestClient

from incubator.demo import DEMO_PASSWORD

CSRF_RE = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf_token(client: TestClient, page: str = "/login") -> str:
    response = client.get(page, follow_redirects=True)
    match = CSRF_RE.search(response.text)
    assert match, f"no CSRF token on {page}"
    return match.group(1)


def post_form(client: TestClient, path: str, data: dict, page: str = "/login", **kwargs):
    """Submit a form the way the browser would: with the token the page handed out."""
    return client.post(path, data={**data, "_csrf_token": csrf_token(client, page)}, **kwargs)


def login(client: TestClient, username: str, password: str = DEMO_PASSWORD):
    response = post_form(
        client, "/login", {"username": username, "password": password}, follow_redirects=False
    )
    assert response.status_code == 303, response.text[:500]
    return response


def logout(client: TestClient) -> None:
    post_form(client, "/logout", {}, page="/")


def run_jobs(client: TestClient) -> int:
    """Runs the app's due background jobs now, in the app's own event loop, and returns how
    many ran (the test app runs no job runner of its own: see tests/conftest.py)."""
    from incubator.core import jobs

    return client.blocking_portal.call(jobs.Runner().run_until_idle)
