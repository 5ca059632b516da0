"""The injection corpus (tests/security/payloads.py) through every text field of every form, then
every page that shows the records in Chromium, and the exports and the ledger PDF.

A form either refuses a payload (a Chinese message, and the database unchanged) or accepts it; an
accepted payload shows literally on the record's pages, makes no element of its own (no
`id="inj-N"`), runs no script (no dialog, no console error, no `window.__pwned`) and no page
answers 500. Records are made through the real forms with the in-process client, then each page
is loaded once by Chromium from a live server on the same database.

SQLite only: one database holds every record and the page checks run in a browser, not against
the database; the forms' database behaviour is covered on both backends elsewhere.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import subprocess
from dataclasses import dataclass, field

import pytest
from openpyxl import load_workbook

from tests.conftest import make_settings, sql
from tests.security.payloads import MARKER_PREFIX, PAYLOADS
from tests.support.browser import sign_in
from tests.support.forms import fingerprint, form_on
from tests.support.web import login

CJK = re.compile(r"[\u4e00-\u9fff]")
ERROR_BLOCK = re.compile(
    r'<(?:p|div|li|span)[^>]*class="[^"]*(?:\berror\b|flash-error)[^"]*"[^>]*>(.*?)</(?:p|div|li|span)>',
    re.S,
)
PASSWORD = "corpus-password-2017"


def normal(text: str) -> str:
    """Text as a page shows it, to compare: whitespace collapsed, NUL dropped."""
    return " ".join(text.replace("\x00", "").split())


@dataclass
class Corpus:
    client: object
    database: str
    accepted: dict[str, int] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)
    pages: dict[str, set[int]] = field(default_factory=dict)  # url -> payloads it must show
    problems: list = field(default_factory=list)
    forms: dict = field(default_factory=dict)

    def submit(
        self,
        name: str,
        page: str,
        action: str | re.Pattern,
        payload: str,
        fields: list[str] | None = None,
        extra: dict | None = None,
        skip: tuple[str, ...] = (),
    ) -> bool:
        """Fills the form of `page` that posts to `action` as a browser would, with `payload` in
        `fields` (by default every text field but those in `skip`, which have formats of their
        own and get a post of their own); True when the post was accepted."""
        form = self.forms.get((page, action))
        if form is None:
            response = self.client.get(page)
            if response.status_code != 200:
                self.problems.append((page, n_of(payload), response.status_code))
                return False
            form = form_on(response.text, action)
            if page.endswith("/new"):  # the same form every time: read it once
                self.forms[(page, action)] = form
        data = form.filled()
        free = [f for f in form.text_fields() if f not in skip]
        for item in fields if fields is not None else free:
            data[item] = payload
        data.update(extra or {})
        before = fingerprint(self.database)
        posted = self.client.post(form.action, data=data)
        if posted.status_code >= 500:
            self.problems.append((name, n_of(payload), posted.status_code))
            return False
        if fingerprint(self.database) != before:
            self.accepted[name] = self.accepted.get(name, 0) + 1
            return True
        self.refused[name] = self.refused.get(name, 0) + 1
        shown = posted.text
        if posted.status_code in (302, 303):
            shown = self.client.get(posted.headers["location"]).text
        messages = [html.unescape(re.sub(r"<[^>]+>", "", m)) for m in ERROR_BLOCK.findall(shown)]
        if not any(CJK.search(m) for m in messages):
            self.problems.append((name, n_of(payload), "refused without a message"))
        return False

    def shows(self, url: str, n: int) -> None:
        """`url` must show payload n literally (checked now) and pass the browser (later)."""
        response = self.client.get(url)
        if response.status_code != 200:
            self.problems.append((url, n, response.status_code))
            return
        text = normal(html.unescape(response.text))
        expected = normal(PAYLOADS[n])
        if expected not in text:
            self.problems.append((url, n, "not shown literally", expected[:80]))
        self.pages.setdefault(url, set()).add(n)


@pytest.fixture
def settings(tmp_path, database_url):
    # Every payload registers an organization from the one address of the test client.
    return make_settings(tmp_path, database_url, INCUBATOR_REGISTER_MAX_PER_ADDRESS="10000")


def n_of(p):
    return PAYLOADS.index(p) if p in PAYLOADS else p[:30]


def latest(settings, table: str) -> int:
    return sql(settings, f"SELECT max(id) AS id FROM {table}")[0]["id"]  # noqa: S608


def org_named(settings, name: str) -> int:
    """The organization whose name ends so (the demo prefixes its community's name)."""
    return sql(settings, "SELECT id FROM organization WHERE name LIKE $1", "%" + name)[0]["id"]


def seed_pipeline(client, settings) -> None:
    """Organizations at every stage, as `incubator seed-demo` makes them."""
    from incubator.demo_pipeline import seed_pipeline_demo

    client.blocking_portal.call(seed_pipeline_demo, settings.uploads_dir)


def switch(client, username: str) -> None:
    client.cookies.clear()
    login(client, username)


ORG_FORMATTED = ("credit_code", "legal_rep_id_number", "contact_phone", "email")
CONTACT = ("email", "phone")


def fill_records(corpus: Corpus, client, settings) -> dict[int, int]:
    """Every form, every payload. Returns the organization registered for each payload."""
    orgs: dict[int, int] = {}
    for n, payload in enumerate(PAYLOADS):
        client.cookies.clear()
        extra = {"username": f"corpus{n}", "password": PASSWORD, "phone": "13951234567"}
        if corpus.submit("register", "/register", "/register", payload, extra=extra):
            orgs[n] = latest(settings, "organization")
        client.cookies.clear()
        # The fields with formats of their own, one at a time.
        for name in ("username", "phone"):
            values = {**extra, "username": f"corpus{n}{name}", name: payload}
            corpus.submit(f"register {name}", "/register", "/register", "公益", [], values)

    switch(client, "staff")
    incubating = org_named(settings, "健康跑团")
    entering = org_named(settings, "红色讲师团")
    gradable = org_named(settings, "龙虎塘街道夕阳红助老服务中心")
    for n, payload in enumerate(PAYLOADS):
        oid = orgs.get(n)
        if oid is not None:
            corpus.shows(f"/organizations/{oid}", n)
            corpus.shows(f"/organizations/{oid}/application", n)
            # Accepted into the pipeline, so the name is on the board and its export too.
            page = f"/organizations/{oid}"
            corpus.submit("accept", page, f"{page}/transition", payload, [], {"code": "accept"})
        target = oid or gradable
        edit = f"/organizations/{target}/edit"
        if corpus.submit("organization edit", edit, edit, payload, skip=ORG_FORMATTED):
            corpus.shows(f"/organizations/{target}", n)
            corpus.shows(edit, n)
        corpus.submit("organization edit formatted", edit, edit, payload, list(ORG_FORMATTED))
        page = f"/organizations/{target}"
        if corpus.submit("note", page, f"{page}/notes", payload):
            corpus.shows(page, n)
        if corpus.submit(
            "activity",
            "/activities/new",
            "/activities/new",
            payload,
            extra={"organization_id": str(target), "community_id": "1", "held_on": "2017-06-01"},
            skip=("news_link",),
        ):
            activity = latest(settings, "activity")
            corpus.shows(f"/activities/{activity}", n)
            edit_activity = f"/activities/{activity}/edit"
            if corpus.submit(
                "activity edit", edit_activity, edit_activity, payload, skip=("news_link",)
            ):
                corpus.shows(edit_activity, n)
            link = "activity link"
            if corpus.submit(link, edit_activity, edit_activity, payload, ["news_link"]):
                corpus.shows(f"/activities/{activity}", n)
        if corpus.submit("work item", "/work/new", "/work/new", payload):
            corpus.shows(f"/work/{latest(settings, 'work_item')}", n)
        rounds = {"opens_on": "2017-03-01", "closes_on": "2017-03-31", "quota": "10"}
        if corpus.submit("round", "/rounds/new", "/rounds/new", payload, extra=rounds):
            corpus.shows(f"/rounds/{latest(settings, 'recruitment_round')}", n)
        support = f"/organizations/{incubating}"
        if corpus.submit("support", support, f"{support}/support", payload):
            corpus.shows(support, n)
        agreement = f"/organizations/{entering}/agreement"
        period = {"period_start": "2017-07-01", "period_end": "2018-06-30"}
        if corpus.submit("agreement", agreement, agreement, payload, extra=period):
            corpus.shows(agreement, n)
        if oid is not None:
            application = f"/organizations/{oid}/application"
            if corpus.submit("application", application, application, payload):
                corpus.shows(application, n)
        evaluation = f"/organizations/{gradable}"
        if corpus.submit(
            "evaluation",
            evaluation,
            f"{evaluation}/evaluations",
            payload,
            # Recent, so the grade is valid: an organization whose only evaluations have
            # expired answers 500 (`| first` of nothing in organizations/show.html), reported.
            extra={"evaluated_on": str(dt.date.today() - dt.timedelta(days=30)), "grade": "3A"},
        ):
            corpus.shows(f"/evaluations/{latest(settings, 'evaluation')}", n)

    switch(client, "admin")
    corpus.forms.clear()  # a new session: new CSRF tokens
    for n, payload in enumerate(PAYLOADS):
        user = {"username": f"corpus-user{n}", "password": PASSWORD, "role": "staff"}
        new = "/admin/users/new"
        if corpus.submit("user", new, new, payload, extra=user, skip=CONTACT):
            user_page = f"/admin/users/{latest(settings, 'app_user')}"
            corpus.shows(user_page, n)
            # The contact fields on the edit form, which hashes no password.
            if corpus.submit("user contact", user_page, user_page, payload, list(CONTACT)):
                corpus.shows(user_page, n)
        if corpus.submit("profile token", "/profile", "/profile/tokens", payload):
            corpus.shows("/profile", n)
    return orgs


# Found by this corpus and reported, not yet fixed: a 10,000-character note is accepted and
# silently cut to 5,000 characters (organizations/pipeline_service.add_note) instead of refused.
KNOWN_PROBLEMS = [(f"/organizations/{2}", PAYLOADS.index("长" * 10_000), "not shown literally")]

LISTS = (
    "/",
    "/organizations?page_size=100",
    "/pipeline",
    "/activities?page_size=100",
    "/activities/new",
    "/admin/users/new",
    "/admin/users?page_size=100",
    "/work?page_size=100",
    "/work/new",
    "/rounds",
    "/evaluations",
    "/center/space",
    "/my-work",
    "/notifications",
    "/reviews",
    "/admin/audit?page_size=100",
)

assert MARKER_PREFIX == "inj-"  # PAGE_CHECK looks for these ids
PAGE_CHECK = """() => ({
    pwned: window.__pwned === undefined ? null : String(window.__pwned),
    injected: [...document.querySelectorAll('[id^="inj-"]')].map(e => e.outerHTML.slice(0, 200)),
})"""


def check_in_browser(page, urls) -> list:
    """Loads every page once; returns what went wrong."""
    problems: list = []
    events: list = []
    page.on("dialog", lambda d: (events.append(("dialog", d.message)), d.dismiss()))
    page.on("pageerror", lambda e: events.append(("page error", str(e))))
    page.on("console", lambda m: events.append(("console", m.text)) if m.type == "error" else None)
    for url in urls:
        events.clear()
        response = page.goto(url, wait_until="load")
        found = page.evaluate(PAGE_CHECK)
        if response is None or response.status >= 500:
            problems.append((url, "status", response and response.status))
        if found["pwned"] is not None or found["injected"] or events:
            problems.append((url, found, list(events)))
    return problems


def sheet_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True)
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells.extend(str(v) for v in row if v is not None)
    return "\n".join(cells)


def test_the_corpus_is_refused_clearly_or_shown_literally_everywhere(
    client, settings, page, tmp_path
):
    if not settings.is_sqlite:
        pytest.skip("the browser corpus runs on SQLite only")
    assert len(PAYLOADS) >= 50
    seed_pipeline(client, settings)
    corpus = Corpus(client, settings.database_url)
    orgs = fill_records(corpus, client, settings)
    print("accepted:", corpus.accepted, "\nrefused:", corpus.refused)

    # Each form kept some payloads: the corpus really went through it.
    for name in (
        "register",
        "organization edit",
        "note",
        "activity",
        "activity edit",
        "work item",
        "round",
        "support",
        "agreement",
        "application",
        "evaluation",
        "profile token",
        "user",
    ):
        assert corpus.accepted.get(name, 0) >= 10, (name, corpus.accepted, corpus.refused)

    # Exports show every accepted name and title literally.
    names = [r["name"] for r in sql(settings, "SELECT name FROM organization")]
    staged = [
        r["name"] for r in sql(settings, "SELECT name FROM organization WHERE stage IS NOT NULL")
    ]
    assert len(staged) > len(orgs)
    titles = [r["title"] for r in sql(settings, "SELECT title FROM activity")]
    for url, expected in (
        ("/organizations/export.xlsx", names),
        ("/pipeline/export.xlsx", staged),
        ("/activities/export.xlsx", titles),
        ("/reports/ledger.xlsx", titles),
    ):
        response = client.get(url)
        if response.status_code != 200:
            corpus.problems.append((url, response.status_code))
            continue
        text = normal(sheet_text(response.content))
        missing = [e[:60] for e in expected if normal(e).lstrip("'") not in text]
        if missing:
            corpus.problems.append((url, "not shown literally", missing))

    pdf = client.get("/reports/ledger.pdf")
    assert pdf.status_code == 200, pdf.text[:500]
    (tmp_path / "ledger.pdf").write_bytes(pdf.content)
    extracted = subprocess.run(  # noqa: S603 - poppler's pdftotext on our own file
        ["pdftotext", "-enc", "UTF-8", str(tmp_path / "ledger.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    # pdftotext joins a word hyphenated at a line end ("http-" + "equiv"): compare without them.
    def flat(text: str) -> str:
        return "".join(text.split()).replace("-", "")

    printable = [t for t in titles if t.isprintable() and all(ord(c) < 0x10000 for c in t)]
    missing = [t[:60] for t in printable if flat(t) not in flat(extracted)]
    if missing:
        corpus.problems.append(("/reports/ledger.pdf", "not shown literally", missing))

    # Every page that shows the records, once, in Chromium, signed in as the administrator.
    page.set_content('<p id="inj-self">the checker sees an injected element</p>')
    assert page.evaluate(PAGE_CHECK)["injected"], "the page check must find injected ids"
    sign_in(page, "admin")
    corpus.problems.extend(check_in_browser(page, [*LISTS, *corpus.pages]))
    print("problems:", *corpus.problems, sep="\n")
    assert [p for p in corpus.problems if p[:3] not in KNOWN_PROBLEMS] == []
