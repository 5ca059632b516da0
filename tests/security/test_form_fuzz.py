"""Form fuzzing with hypothesis: every POST handler of the app (enumerated from its routes, so a
new one is fuzzed too) gets generated bodies built from the Field declarations its source names
(`forms.X` in the handler), with keys left out, unknown keys added and garbage values, signed in
as a role that may use the route. No answer is a 5xx, and a refusal (4xx, the form shown
again with 200, or a redirect to a page with an error message) writes nothing (no row of any
table inserted, updated or deleted, counted by triggers).

Examples per handler: INCUBATOR_FUZZ_EXAMPLES (default 1,000, as in CI; `make fuzz` 5,000). SQLite
only: one database per handler, in-process client; the database paths are covered on both
backends by the other suites.
"""

from __future__ import annotations

import inspect
import os
import re
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from incubator.app import create_app
from incubator.core.forms import Field
from incubator.core.roles import ADMIN, APPLICANT, ASSESSOR, COMMUNITY, PUBLIC, ROLES_KEY, STAFF
from incubator.settings import load_settings
from tests.conftest import make_settings, sql
from tests.support.databases import run_async
from tests.support.forms import install_write_counter, write_counts
from tests.support.web import CSRF_RE, login

EXAMPLES = int(os.environ.get("INCUBATOR_FUZZ_EXAMPLES", "1000"))
# CI draws the same inputs every run (a red build is reproducible); `make fuzz` explores anew.
SEEDED = os.environ.get("INCUBATOR_FUZZ_RANDOM") != "1"
# Who signs in for a route, in this order of preference among the roles it allows.
PERSONAS = ((ADMIN, "admin"), (STAFF, "staff"), (ASSESSOR, "assessor"))
PERSONAS += ((COMMUNITY, "xianglong"), (APPLICANT, "qingniao"))
# Nothing to fuzz: it ends the session the other examples need.
SKIPPED = {"/logout"}
# A form shown again with its errors (a 200 may also be a success page, e.g. a new token).
ERROR_MARK = re.compile(r'class="[^"]*(?:\berror\b|has-error|flash-error)')
FLASHED_ERROR = 'class="flash flash-error"'
# Found here and reported, not yet fixed: an empty post to a panel score sheet is refused (400)
# after the sheet has been created (score_sheet and audit_log rows).
KNOWN_WRITES_ON_REFUSAL = {"/evaluations/{evaluation_id:int}/scores"}


def post_handlers() -> list[tuple[str, object]]:
    app = create_app(load_settings({"INCUBATOR_DATA_DIR": "/nonexistent-fuzz"}))
    found = []
    for route in app.routes:
        for handler in route.route_handlers:
            if "POST" in getattr(handler, "http_methods", ()) and route.path not in SKIPPED:
                found.append((route.path, handler))
    return sorted(found, key=lambda item: item[0])


def declared_fields(handler) -> list[Field]:
    """The Field declarations the handler's source names as forms.X (its module's forms)."""
    source = inspect.getsource(handler.fn)
    module = inspect.getmodule(handler.fn)
    forms = getattr(module, "forms", None)
    fields: dict[str, Field] = {}
    for name in re.findall(r"\bforms\.([A-Z_]+)\b", source):
        value = getattr(forms, name, None)
        if isinstance(value, tuple) and all(isinstance(f, Field) for f in value):
            fields.update({f.name: f for f in value})
    return list(fields.values())


GARBAGE = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(
        ["", " ", "0", "-1", "1e9999", "NaN", "9" * 40, "2017-02-30", "<b>x</b>", "%s%(x)s{0}"]
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


def value_for(f: Field) -> st.SearchStrategy[str]:
    if f.kind == "int":
        low, high = f.low if f.low is not None else -(10**6), f.high or 10**6
        valid = st.integers(min_value=low, max_value=high).map(str)
    elif f.kind == "decimal":
        valid = st.decimals(min_value=f.low or 0, max_value=f.high or 10**6, places=f.places).map(
            str
        )
    elif f.kind == "date":
        valid = st.dates().map(str)
    elif f.kind == "time":
        valid = st.times().map(lambda t: t.strftime("%H:%M"))
    elif f.kind == "choice":
        valid = st.sampled_from([code for code, _label in f.choices] or [""])
    elif f.kind == "bool":
        valid = st.sampled_from(["1", "on", "", "0"])
    else:
        valid = st.text(max_size=f.max_length + 5)
    return st.one_of(valid, valid, GARBAGE)


def bodies(fields: list[Field]) -> st.SearchStrategy[dict[str, str]]:
    known = st.fixed_dictionaries({}, optional={f.name: value_for(f) for f in fields})
    generic = st.dictionaries(
        st.sampled_from(["version", "code", "kind", "text", "reason", "note", "name", "next"]),
        GARBAGE,
        max_size=4,
    )
    extra = st.dictionaries(st.text(min_size=1, max_size=12), GARBAGE, max_size=3)
    return st.tuples(known, generic, extra).map(lambda t: {**t[2], **t[1], **t[0]})


def concrete(path: str, ids: dict[str, int]) -> str:
    return re.sub(r"\{(\w+):int\}", lambda m: str(ids.get(m.group(1), 1)), path)


HANDLERS = post_handlers()


@pytest.fixture(scope="module")
def seeded(templates, tmp_path_factory) -> Path:
    """The test template with the demo pipeline, activities and evaluations, made once."""
    from incubator.core import db
    from incubator.demo_activities import seed_activities_demo
    from incubator.demo_evaluations import seed_evaluations_demo
    from incubator.demo_pipeline import seed_pipeline_demo

    directory = tmp_path_factory.mktemp("fuzz-seeded")
    path = directory / "seeded.sqlite3"
    shutil.copyfile(templates("sqlite").path, path)

    async def demo() -> None:
        engine = db.bind_engine(db.engine_from_url(f"sqlite:///{path}"))
        try:
            await seed_pipeline_demo(directory / "uploads")
            await seed_activities_demo()
            await seed_evaluations_demo()
        finally:
            await db.close_pool(engine)

    run_async(demo())
    install_write_counter(str(path))
    return path


@pytest.fixture
def database_url(request, seeded, tmp_path):
    # Each handler gets its own copy of the seeded database.
    target = tmp_path / "fuzz.sqlite3"
    shutil.copyfile(seeded, target)
    return f"sqlite:///{target}"


@pytest.fixture
def settings(tmp_path, database_url):
    # The registration throttle would make every later /register a refusal.
    return make_settings(tmp_path, database_url, INCUBATOR_REGISTER_MAX_PER_ADDRESS="10000")


@pytest.mark.parametrize(("path", "handler"), HANDLERS, ids=[p for p, _h in HANDLERS])
def test_no_generated_input_makes_a_form_handler_fail_or_write_on_refusal(
    client, settings, path, handler
):
    roles = handler.opt[ROLES_KEY]
    username = None
    if roles != PUBLIC:
        username = next(name for role, name in PERSONAS if role in roles)
        login(client, username)
    # Another user than the one signed in, so the fuzzer cannot switch itself off.
    ids = {
        "user_id": sql(settings, "SELECT id FROM app_user WHERE username = 'assessor2'")[0]["id"]
    }
    url = concrete(path, ids)
    token = CSRF_RE.search(client.get("/login" if username is None else "/").text)
    assert token, "no CSRF token"
    fields = declared_fields(handler)
    counts = {"examples": 0, "wrote": 0}
    database = settings.database_url.removeprefix("sqlite:///")
    state = {"before": write_counts(database)}
    started = time.monotonic()

    @hypothesis_settings(
        max_examples=EXAMPLES,
        derandomize=SEEDED,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(body=bodies(fields))
    def fuzz(body):
        counts["examples"] += 1
        response = client.post(url, data={**body, "_csrf_token": token.group(1)})
        assert response.status_code < 500, (url, body, response.text[-1500:])
        # Every example compares with the one before, failing and shrunk ones too.
        before, state["before"] = state["before"], write_counts(database)
        changed = sorted(t for t in before if before[t] != state["before"][t])
        location = response.headers.get("location", "")
        if username and response.status_code in (302, 303) and "/login" in location:
            login(client, username)  # an accepted change may end the session (a password)
            return
        if not changed:
            return
        counts["wrote"] += 1
        refused = 400 <= response.status_code < 500 or (
            response.status_code == 200 and ERROR_MARK.search(response.text)
        )
        if response.status_code in (302, 303) and location.startswith("/"):
            # A refusal that redirects says so on the next page, as a flash message.
            refused = FLASHED_ERROR in client.get(location).text
            state["before"] = write_counts(database)
        if path not in KNOWN_WRITES_ON_REFUSAL:
            assert not refused, (url, body, response.status_code, changed)

    fuzz()
    seconds = time.monotonic() - started
    print(f"{path}: {counts} in {seconds:.1f}s, {counts['examples'] / seconds:.0f}/s")


def test_the_write_counter_sees_every_kind_of_write(seeded, tmp_path):
    database = str(tmp_path / "counted.sqlite3")
    shutil.copyfile(seeded, database)
    before = write_counts(database)
    conn = sqlite3.connect(database)
    conn.execute(
        "UPDATE community SET name = name || '' WHERE id = (SELECT min(id) FROM community)"
    )
    conn.execute("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
    conn.commit()
    conn.close()
    after = write_counts(database)
    assert {t for t in after if after[t] != before[t]} == {"community", "audit_log"}
