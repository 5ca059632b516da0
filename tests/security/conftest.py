"""One seeded app per backend for the security suites, with a signed-in session per persona.

Refused requests change nothing, so the personas and suites share one database per backend: a
case that must change nothing asserts that the database's fingerprint is the same before and after.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
import pytest
from litestar import post
from litestar.testing import TestClient

from incubator.app import create_app
from incubator.core.roles import ALL_ROLES, allow
from incubator.demo_pipeline import AGREEMENT_PDF
from incubator.settings import Settings, load_settings
from tests.conftest import TEST_HOST, make_settings
from tests.support.databases import backends
from tests.support.images import png
from tests.support.web import CSRF_RE, login

# Sessions and sign-in throttling change on every request by design, background jobs (the job
# table) on their own time; they are not data.
NOT_DATA = {"user_session", "login_attempt", "job"}

ORG_X = "青鸟志愿者服务队"  # 祥龙社区 (community A); its applicant is qingniao
ORG_Y = "龙虎塘街道夕阳红助老服务中心"  # 腾龙社区 (community B); its applicant is made here
ORG_OTHER = "常州市新北区阳光助残服务社"  # 新龙社区: no persona's
REVIEWED_ORG = "祥龙社区红色讲师团"  # at entry, in community A: a diagnosis review for `assessor`

# persona -> username (None: not signed in)
PERSONAS = {
    "anon": None,
    "admin": "admin",
    "staff": "staff",
    "asr": "assessor",
    "asr2": "assessor2",
    "comA": "xianglong",
    "comB": "tenglong",
    "appX": "qingniao",
    "appY": "sunset",
}

FILE_BODIES = {"png": png(), "pdf": AGREEMENT_PDF}  # what a form that takes a file carries
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

TOKEN_RE = re.compile(r'id="new-token">(inc_[A-Za-z0-9_\-]+)<')  # shown once, on the profile

CHECKED: list[int] = [0]  # (route, persona) cases run in this session, for the summary


def pytest_terminal_summary(terminalreporter) -> None:
    if CHECKED[0]:
        terminalreporter.write_line(f"security suites: {CHECKED[0]} (route, persona) cases checked")


@dataclass
class Session:
    cookies: httpx.Cookies
    token: str


@dataclass
class World:
    settings: Settings
    client: TestClient
    ids: dict[str, int]
    sessions: dict[str, Session] = field(default_factory=dict)
    _pg: asyncpg.Connection | None = None
    _known: dict[str, str] | None = None  # the fingerprint, while no request may have changed it
    # The last digest taken and SQLite's data_version when it was taken (see _data_version).
    _digest: dict[str, str] | None = None
    _digest_version: int | None = None
    _watch: sqlite3.Connection | None = None

    def use(self, persona: str) -> Session:
        """Makes the client act as the persona (its cookies only) and gives its session."""
        session = self.sessions[persona]
        self.client.cookies.clear()
        self.client.cookies.update(session.cookies)
        return session

    def sign_in(self, persona: str) -> Session:
        """A new session of its own for the persona (for cases that end or spoil it)."""
        self._known = None  # signing in writes (last login)
        self.client.cookies.clear()
        username = PERSONAS[persona]
        if username is not None:
            login(self.client, username)
        page = self.client.get("/" if username else "/login")
        match = CSRF_RE.search(page.text)
        assert match, f"no CSRF token for {persona}"
        return Session(httpx.Cookies(self.client.cookies), match.group(1))

    def new_token(self, persona: str) -> tuple[str, int]:
        """(token, id) of a new API token of the persona's, made as a user makes one."""
        from incubator.accounts.tables import ApiToken

        session = self.use(persona)
        response = self.client.post(
            "/profile/tokens", data={"name": "安全测试", "_csrf_token": session.token}
        )
        self.forget()
        match = TOKEN_RE.search(response.text)
        assert match, response.text[:500]
        query = ApiToken.select(ApiToken.id).order_by(ApiToken.id, ascending=False).first()
        return match.group(1), self.client.blocking_portal.call(query.run)["id"]

    def send(self, row, *, full: bool, token: str | None):
        """The row's request as the current persona: the row's complete form (and file) when
        `full`, else an empty one; `token` is the CSRF form field (None: left out)."""
        from tests.security.route_matrix import FILES, FORMS

        path = fill(row.path, row.filled_params(), self.ids)
        if row.method in ("GET", "HEAD"):
            return self.client.request(row.method, path)
        form = FORMS.get(row.form or row.path, {}) if full else {}
        data = {k: v.format(**self.ids) for k, v in form.items()}
        if token is not None:
            data["_csrf_token"] = token
        files = None
        if full and row.path in FILES:
            field_name, kind = FILES[row.path]
            files = {field_name: (f"x.{kind}", FILE_BODIES[kind], f"application/{kind}")}
        return self.client.request(row.method, path, data=data, files=files)

    def before(self) -> dict[str, str]:
        """The fingerprint before a request: the last one taken, unless a request came since."""
        return self._known if self._known is not None else self.fingerprint()

    def forget(self) -> None:
        """A request was made that may have changed the data."""
        self._known = None

    def fingerprint(self) -> dict[str, str]:
        version = self._data_version()
        if version is not None and version == self._digest_version and self._digest:
            digest = self._digest  # nobody committed anything since: nothing changed
        else:
            digest = self._fingerprint()  # (read after the version: a later commit shows)
            self._digest, self._digest_version = digest, version
        self._known = digest
        return digest

    def _data_version(self) -> int | None:
        """SQLite's PRAGMA data_version, read on a connection of our own: it changes whenever
        another connection commits, so an unchanged value proves the data did not change and
        the digest need not be taken again (most GETs write nothing). None on PostgreSQL."""
        if not self.settings.is_sqlite:
            return None
        if self._watch is None:
            path = self.settings.database_url.removeprefix("sqlite:///")
            self._watch = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        return self._watch.execute("PRAGMA data_version").fetchone()[0]

    def _fingerprint(self) -> dict[str, str]:
        """A digest of every data table's rows: any insert, update or delete changes it."""
        if self.settings.is_sqlite:
            path = self.settings.database_url.removeprefix("sqlite:///")
            conn = sqlite3.connect(path, isolation_level=None)
            try:
                tables = [
                    r[0]
                    for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                    if r[0] not in NOT_DATA and not r[0].startswith("sqlite_")
                ]
                return {
                    t: hashlib.sha256(
                        repr(
                            conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall()
                        ).encode()  # noqa: S608
                    ).hexdigest()
                    for t in tables
                }
            finally:
                conn.close()
        portal = self.client.blocking_portal
        if self._pg is None:
            self._pg = portal.call(asyncpg.connect, self.settings.database_url)
        tables = [
            r["tablename"]
            for r in portal.call(
                self._pg.fetch, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
            if r["tablename"] not in NOT_DATA
        ]
        # Each row version carries the transaction that wrote it (xmin): an insert or update
        # raises a table's highest xmin, a delete lowers its count. Comparing those two per
        # table sees any change without sorting and hashing every row (which costs more with
        # every row the suite adds, on every case).
        query = " UNION ALL ".join(
            f"SELECT '{t}' AS t, count(*)::text || ':' || "  # noqa: S608
            f'coalesce(max(xmin::text::bigint), 0)::text AS h FROM "{t}"'
            for t in tables
        )
        return {r["t"]: r["h"] for r in portal.call(self._pg.fetch, query)}

    def close(self) -> None:
        if self._watch is not None:
            self._watch.close()
        if self._pg is not None:
            self.client.blocking_portal.call(self._pg.close)


async def _user(username: str):
    from incubator.accounts import service as accounts

    user_id = await accounts.find_user_id(username)
    assert user_id is not None, username
    return await accounts.session_user(user_id)


async def _seed(uploads_dir: Path) -> dict[str, int]:
    """Gives every object-scoped route something of X's (or community A's) to be tried on."""
    from incubator.accounts import service as accounts
    from incubator.activities import service as activities
    from incubator.core.files import store_upload
    from incubator.demo_evaluations import seed_evaluations_demo
    from incubator.demo_pipeline import person, seed_pipeline_demo
    from incubator.evaluations import service as evaluations
    from incubator.evaluations.tables import Evaluation
    from incubator.organizations.service import organization_id_by_name
    from incubator.reporting.tables import ReportJob
    from incubator.reviews import service as reviews
    from incubator.sheets.tables import SheetImport
    from incubator.workitems import service as workitems
    from incubator.workitems.tables import WorkItem
    from tests.support.images import png

    await seed_pipeline_demo(uploads_dir)
    await seed_evaluations_demo()
    staff = await person("staff", "staff")
    org_x = await organization_id_by_name(ORG_X)
    org_y = await organization_id_by_name(ORG_Y)
    reviewed = await organization_id_by_name(REVIEWED_ORG)
    org_other = await organization_id_by_name(ORG_OTHER)
    assert org_x and org_y and reviewed and org_other
    await accounts.create_user(
        None,
        {
            "username": "sunset",
            "display_name": "孙夕阳",
            "role": "applicant",
            "password": "longhutang2017",
            "organization_id": org_y,
        },
    )
    app_x = await _user("qingniao")
    com_a = await _user("xianglong")
    assessor = await person("assessor", "assessor")
    activity = await activities.create_activity(
        app_x,
        {
            "title": "青鸟敬老探访",
            "category": activities.rules.CATEGORIES[0][0],
            "held_on": dt.date(2017, 5, 6),
            "place": "祥龙社区活动室",
        },
    )
    activity_a = await activities.create_activity(
        com_a,
        {
            "title": "祥龙社区议事会",
            "category": activities.rules.CATEGORIES[0][0],
            "held_on": dt.date(2017, 5, 7),
            "place": "祥龙社区议事厅",
        },
    )
    await reviews.assign(staff, reviewed, [assessor.id], None)
    review_item = (
        await WorkItem.select(WorkItem.id)
        .where((WorkItem.organization == reviewed) & (WorkItem.owner == assessor.id))
        .first()
    )
    follow_up = await workitems.create_item(
        staff,
        kind="follow_up",
        title="青鸟回访",
        owner_id=staff.id,
        organization_id=org_x,
        community_id=com_a.community_id,
    )
    # Y's oldest evaluation, which the demo assigns to nobody: asr scores it, asr2 may not.
    evaluation = (
        await Evaluation.select(Evaluation.id)
        .where(Evaluation.organization == org_y)
        .order_by(Evaluation.evaluated_on)
        .first()
    )
    await evaluations.assign_assessors(staff, evaluation["id"], [assessor.id], None)
    stored = await store_upload(
        uploads_dir=uploads_dir,
        max_bytes=10_000_000,
        data=png(),
        original_name="青鸟.png",
        actor=app_x,
        community_id=com_a.community_id,
        organization_id=org_x,
    )
    report = await ReportJob.insert(
        ReportJob(created_by=app_x.id, kind="ledger", cache_key="0" * 64, status="done")
    ).returning(ReportJob.id)
    imported = await SheetImport.insert(
        SheetImport(created_by=com_a.id, file_name="祥龙.xlsx", status="done")
    ).returning(SheetImport.id)
    regions_imported = await SheetImport.insert(
        SheetImport(sheet="regions", created_by=staff.id, file_name="社区.xlsx", status="done")
    ).returning(SheetImport.id)
    from incubator.applications.tables import RecruitmentRound
    from incubator.center.tables import Desk
    from incubator.facilities import service as facilities

    project_a = await facilities.create_project(
        com_a, {"year": 2017, "name": "祥龙服务大厅", "kind": "service_hall"}
    )
    meal_point_a = await facilities.create_meal_point(
        com_a, {"name": "祥龙长者食堂", "address": "祥龙社区服务中心"}
    )
    from incubator.cooperation import service as cooperation

    agreement_a = await cooperation.draft_agreement(com_a, None, 2017)
    evaluation_a = await cooperation.create_evaluation(
        staff, {"community_id": com_a.community_id, "evaluated_on": dt.date(2017, 6, 20)}
    )
    cooperation_imported = await SheetImport.insert(
        SheetImport(sheet="cooperation", created_by=staff.id, file_name="政社.xlsx", status="done")
    ).returning(SheetImport.id)
    facilities_imported = await SheetImport.insert(
        SheetImport(sheet="facilities", created_by=com_a.id, file_name="阵地.xlsx", status="done")
    ).returning(SheetImport.id)

    round_ = await RecruitmentRound.insert(
        RecruitmentRound(
            name="2017 年第一批", opens_on=dt.date(2017, 3, 1), closes_on=dt.date(2017, 3, 31)
        )
    ).returning(RecruitmentRound.id)
    desk = await Desk.select(Desk.id, Desk.room).first()
    return {
        "org_x": org_x,
        "org_y": org_y,
        "community_a": com_a.community_id,
        "org_other": org_other,
        "activity_x": activity,
        "activity_a": activity_a,
        "review_item": review_item["id"],
        "work_item_x": follow_up,
        "evaluation_y": evaluation["id"],
        "file_x": stored["id"],
        "report_job_x": report[0]["id"],
        "import_job_a": imported[0]["id"],
        "import_regions": regions_imported[0]["id"],
        "import_facilities": facilities_imported[0]["id"],
        "project_a": project_a,
        "agreement_a": agreement_a,
        "evaluation_a": evaluation_a,
        "import_cooperation": cooperation_imported[0]["id"],
        "meal_point_a": meal_point_a,
        "user_x": app_x.id,
        "round": round_[0]["id"],
        "room": desk["room"],
        "desk": desk["id"],
    }


PROBE = "/api/v1/probe"


@post(PROBE, opt=allow(*ALL_ROLES), sync_to_thread=False)
def api_probe() -> dict:
    """A test-only API write (the app has none yet) for the check that API writes need a token;
    one app per process (Piccolo's engine is global), so the shared app carries it."""
    return {"written": True}


@pytest.fixture(scope="package", params=backends())
def world(request, templates, tmp_path_factory) -> Iterator[World]:
    template = templates(request.param)
    directory = tmp_path_factory.mktemp("security")
    url = template.new_database(directory)
    settings = make_settings(directory, url)
    app = create_app(settings, extra_routes=[api_probe])
    with TestClient(app, base_url=f"http://{TEST_HOST}") as client:
        client.follow_redirects = False
        ids = client.blocking_portal.call(_seed, settings.uploads_dir)
        world = World(settings, client, ids)
        for persona in PERSONAS:
            world.sessions[persona] = world.sign_in(persona)
        world.ids["token_x"] = world.new_token("appX")[1]
        yield world
        world.close()
    template.drop(url)


def fill(path: str, params: dict[str, str], ids: dict[str, int]) -> str:
    """/organizations/{organization_id:int} with {"organization_id": "org_x"} -> /organizations/1"""

    def value(match: re.Match) -> str:
        name = match.group(1)
        return params[name].format(**ids)

    return re.sub(r"\{(\w+)(?::\w+)?\}", value, path)


def app_routes(directory) -> set[tuple[str, str]]:
    """(method, path) of every route handler the app registers, as Litestar spells them."""
    app = create_app(load_settings({"INCUBATOR_DATA_DIR": str(directory)}))
    found = set()
    for route in app.routes:
        for handler in route.route_handlers:
            methods = getattr(handler, "http_methods", {"WS"})
            # Litestar's automatic OPTIONS responders are answered by the same guard.
            if methods == {"OPTIONS"} and handler.handler_name == "options_handler":
                continue
            found |= {(method, route.path) for method in methods}
    return found
