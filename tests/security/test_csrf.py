"""Every state-changing route refuses a form without the CSRF token, with a wrong one and with
another session's, and changes nothing; the JSON API, exempt from the cookie check, refuses
writes authenticated by a session cookie.

The routes come from the app (so a new route is covered as soon as it exists), each posted with
the complete form of tests/security/route_matrix.py by a persona who may use it.
"""

from __future__ import annotations

import pytest

from tests.security import route_matrix as m
from tests.security.conftest import CHECKED, PERSONAS, PROBE, UNSAFE, app_routes, fill

# Who posts: the first of these whom the matrix allows the route.
POSTERS = ("admin", "asr", "comA", "appX", "anon")


def poster(row: m.Row) -> str:
    return next(p for p in POSTERS if row.expect[p] in ("ok", "bad"))


def unsafe_routes(directory) -> list[tuple[str, str]]:
    return sorted((method, path) for method, path in app_routes(directory) if method in UNSAFE)


def first_row(method: str, path: str) -> m.Row:
    row = next((r for r in m.MATRIX if (r.method, r.path) == (method, path)), None)
    assert row is not None, f"{method} {path} has no row in route_matrix.py"
    return row


def forged(token: str) -> str:
    """Well-formed, but not the one the session's cookie vouches for."""
    return token[:-4] + ("aaaa" if token[-4:] != "aaaa" else "bbbb")


@pytest.mark.parametrize("how", ["missing", "wrong", "another session's"])
def test_every_state_changing_route_refuses_a_form_without_its_sessions_token(world, tmp_path, how):
    routes = [r for r in unsafe_routes(tmp_path) if not r[1].startswith("/api/")]
    assert len(routes) > 40  # sanity: the app's forms are all here
    accepted = []
    for method, path in routes:
        row = first_row(method, path)
        session = world.use(persona := poster(row))
        other = world.sessions["appY"]  # never a poster
        token = {"missing": None, "wrong": forged(session.token)}.get(how, other.token)
        before = world.before()
        response = world.send(row, full=True, token=token)
        after = world.fingerprint()
        CHECKED[0] += 1
        if response.status_code != 403 or after != before:
            accepted.append((method, path, persona, response.status_code, after == before))
        # Not even a session: a refused sign-in starts none.
        assert "incubator_session" not in response.headers.get("set-cookie", ""), path
    assert accepted == [], "answered (method, path, persona, status, unchanged)"


def test_the_api_refuses_writes_authenticated_by_a_session_cookie(world, tmp_path):
    """The API takes writes only with a bearer token: a signed-in browser's cookie (with a good
    CSRF token too) is not enough. Tried on every API write route of the app and on the
    test-only probe route of the shared app (the app has no API write yet)."""
    routes = [(method, path) for method, path in unsafe_routes(tmp_path) if path[:5] == "/api/"]
    routes.append(("POST", PROBE))
    for persona in PERSONAS:
        session = world.use(persona)
        for method, path in routes:
            before = world.before()
            response = world.client.request(
                method, fill(path, m.PARAMS, world.ids), data={"_csrf_token": session.token}
            )
            CHECKED[0] += 1
            assert response.status_code == 403, (persona, method, path)
            assert response.json()["message"]
            assert world.fingerprint() == before, (persona, method, path)
    # The probe itself works: with a bearer token (and no cookie), the same write goes through.
    token = world.new_token("staff")[0]
    world.client.cookies.clear()
    answer = world.client.post(PROBE, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201, answer.text
    world.forget()
