"""Every route of the app x every persona answers as tests/security/route_matrix.py says, and
nothing that is refused changes the database."""

from __future__ import annotations

import pytest

from tests.security import route_matrix as m
from tests.security.conftest import (
    CHECKED,
    ORG_X,
    ORG_Y,
    World,
    app_routes,
)


def classify(response) -> str:
    status = response.status_code
    if status == 401 or (
        status in (302, 303) and response.headers["location"].startswith("/login")
    ):
        return "login"
    if status in (200, 202, 302, 303):
        return "ok"
    if status == 403:
        return "denied"
    if status == 404:
        return "hidden"
    if 400 <= status <= 422:
        return "bad"
    return f"status {status}"


def posts_full_form(row: m.Row, persona: str) -> bool:
    return row.expect[persona] in m.REFUSED or persona in row.full


def changed_tables(before: dict[str, str], after: dict[str, str], method: str) -> list[str]:
    # A report asked for by GET is logged as a job, by design: that table is no record people keep.
    ignored = {"report_job"} if method in ("GET", "HEAD") else set()
    return sorted(
        t
        for t in after.keys() | before.keys()
        if before.get(t) != after.get(t) and t not in ignored
    )


def attempt(world: World, row: m.Row, persona: str) -> tuple[str, list[str], str]:
    """(outcome, the tables that changed where nothing may change, the start of the answer).

    Nothing may change on a GET, nor on a refused or incomplete request."""
    watch = row.expect[persona] != "ok" or row.method in ("GET", "HEAD")
    if row.path == "/logout" and persona != "anon":
        session = world.sign_in(persona)  # signing out ends the session: use one of its own
    else:
        session = world.use(persona)
    before = world.before() if watch else {}
    response = world.send(row, full=posts_full_form(row, persona), token=session.token)
    changed = changed_tables(before, world.fingerprint(), row.method) if watch else []
    if not watch:
        world.forget()
    CHECKED[0] += 1
    outcome = classify(response)
    if row.path == "/logout" and persona != "anon" and outcome == "login":
        outcome = "ok"  # signed out, and sent to the login page
    if outcome in m.REFUSED:
        # A refusal shows nothing of the record it refused.
        for name, owner in ((ORG_X, "appX"), (ORG_Y, "appY")):
            assert persona == owner or name not in response.text, (name, response.text[:300])
    if outcome == "denied" and not row.path.startswith("/api/"):
        assert "没有权限" in response.text and "<html" in response.text, response.text[:300]
    return outcome, changed, response.text[:300]


CASES = [
    pytest.param(
        row,
        persona,
        id=f"{row.key} {persona}",
        marks=[pytest.mark.xfail(strict=True, reason=m.KNOWN_OPEN[(row.key, persona)])]
        if (row.key, persona) in m.KNOWN_OPEN
        else [],
    )
    for row in m.MATRIX
    for persona in m.PERSONAS
]


@pytest.mark.parametrize(("row", "persona"), CASES)
def test_a_route_answers_each_persona_as_the_matrix_says(world, row, persona):
    outcome, changed, text = attempt(world, row, persona)
    assert outcome == row.expect[persona], text
    assert changed == [], "a GET, a refused or an incomplete request changed these tables"


def test_every_route_of_the_app_has_a_row(tmp_path):
    rows = {(row.method, row.path) for row in m.MATRIX}
    assert sorted(app_routes(tmp_path) - rows) == []
    assert sorted(rows - app_routes(tmp_path)) == []


def test_known_open_cases_name_rows_of_the_matrix():
    keys = {row.key for row in m.MATRIX}
    assert {key for key, _persona in m.KNOWN_OPEN} <= keys
    assert {persona for _key, persona in m.KNOWN_OPEN} <= set(m.PERSONAS)
