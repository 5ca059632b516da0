"""The forms of a page as a browser sees them: each field with its kind and the value the page
gives it, so a test can fill a real form (the edit forms' versions included) and change only what
it means to; and a fingerprint of the database, to prove that a refused post wrote nothing."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from dataclasses import dataclass, field
from html.parser import HTMLParser

import asyncpg

from tests.support.databases import run_async

# Tables that change on every request or sign-in, or by the app's background jobs (the job
# table: housekeeping runs as the app starts), not because a form was accepted.
VOLATILE_TABLES = {"user_session", "login_attempt", "migration", "job"}
# Rows are only ever added (the audit log is the largest table): their count and last id suffice.
APPEND_ONLY_TABLES = {"audit_log"}


@dataclass
class Input:
    name: str
    kind: str  # text | textarea | select | hidden | password | number | date | time | checkbox ...
    value: str = ""
    options: list[str] = field(default_factory=list)
    maxlength: int | None = None
    required: bool = False


TEXT_KINDS = ("text", "textarea", "search", "email", "tel", "url")
FILL_BY_KIND = {"date": "2017-06-01", "time": "09:00", "number": "1", "decimal": "1"}


@dataclass
class PageForm:
    action: str
    method: str
    multipart: bool
    inputs: dict[str, Input] = field(default_factory=dict)

    def values(self) -> dict[str, str]:
        """What a browser would post untouched: checked boxes, selected (or first) options."""
        posted = {}
        for item in self.inputs.values():
            if item.kind == "checkbox":
                if item.value:
                    posted[item.name] = item.value
            elif item.kind == "select":
                posted[item.name] = item.value or (item.options or [""])[0]
            elif item.kind not in ("submit", "button", "file"):
                posted[item.name] = item.value
        return posted

    def filled(self) -> dict[str, str]:
        """`values()`, with what a person must fill in chosen: the first real option of a
        required list, a date, a number, one box of a group of boxes."""
        posted = self.values()
        for item in self.inputs.values():
            if item.kind == "checkbox" and not posted.get(item.name) and item.options:
                posted[item.name] = item.options[0]
            elif item.required and not posted.get(item.name):
                if item.kind == "select":
                    posted[item.name] = next((o for o in item.options if o), "")
                else:
                    posted[item.name] = FILL_BY_KIND.get(item.kind, "1")
        return posted

    def text_fields(self) -> list[str]:
        return [i.name for i in self.inputs.values() if i.kind in TEXT_KINDS]


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self._select: Input | None = None
        self._textarea: Input | None = None
        self._option: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.forms.append(
                PageForm(
                    a.get("action", ""),
                    a.get("method", "get").lower(),
                    "multipart" in a.get("enctype", ""),
                )
            )
            return
        if not self.forms or "name" not in a:
            if tag == "option" and self._select is not None:
                self._option_start(a)
            return
        form = self.forms[-1]
        maxlength = int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None
        required = "required" in a
        if tag == "input":
            kind = a.get("type", "text").lower()
            if a.get("inputmode") in ("decimal", "numeric"):
                kind = "decimal"
            if kind == "checkbox":
                self._checkbox(form, a)
                return
            form.inputs[a["name"]] = Input(
                a["name"], kind, a.get("value", ""), [], maxlength, required
            )
        elif tag == "textarea":
            self._textarea = Input(a["name"], "textarea", "", [], maxlength, required)
            form.inputs[a["name"]] = self._textarea
        elif tag == "select":
            self._select = Input(a["name"], "select", "", [], None, required)
            form.inputs[a["name"]] = self._select

    @staticmethod
    def _checkbox(form: PageForm, a: dict) -> None:
        """Boxes of one name are one input: its options, and the value of the first checked."""
        box = form.inputs.setdefault(a["name"], Input(a["name"], "checkbox"))
        value = a.get("value", "on")
        box.options.append(value)
        if "checked" in a and not box.value:
            box.value = value

    def _option_start(self, a):
        value = a.get("value", "")
        self._select.options.append(value)
        if "selected" in a:
            self._select.value = value

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data


def forms_of(html: str) -> list[PageForm]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def form_on(html: str, action: str | re.Pattern) -> PageForm:
    """The form of the page that posts to `action` (a path or a pattern of paths)."""
    for form in forms_of(html):
        if form.method != "post":
            continue
        if action == form.action if isinstance(action, str) else action.fullmatch(form.action):
            return form
    raise AssertionError(f"no form posting to {action}")


def fingerprint(database_url: str) -> dict[str, str]:
    """A hash of the rows of each table but the volatile ones, on SQLite or PostgreSQL."""
    if database_url.startswith("sqlite"):
        conn = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        try:
            names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
            return {
                t: _digest(conn.execute(_rows_query(t)).fetchall())
                for (t,) in names
                if t not in VOLATILE_TABLES and not t.startswith("sqlite_")
            }
        finally:
            conn.close()

    async def fetch() -> dict[str, str]:
        conn = await asyncpg.connect(database_url)
        try:
            names = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            return {
                r[0]: _digest([tuple(row) for row in await conn.fetch(_rows_query(r[0]))])
                for r in names
                if r[0] not in VOLATILE_TABLES
            }
        finally:
            await conn.close()

    return run_async(fetch())


def _rows_query(table: str) -> str:
    if table in APPEND_ONLY_TABLES:
        return f'SELECT count(*), max(id) FROM "{table}"'  # noqa: S608
    return f'SELECT * FROM "{table}" ORDER BY 1'  # noqa: S608


def _digest(rows: list) -> str:
    return hashlib.sha256(repr(rows).encode()).hexdigest()


# A cheaper proof than the fingerprint for a loop of thousands of posts (the form fuzzing): an
# SQLite copy gets triggers that count every row inserted, updated or deleted, per table.
WRITE_COUNT_TABLE = "test_write_count"


def install_write_counter(path: str) -> None:
    conn = sqlite3.connect(path)
    try:
        names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        tables = [t for (t,) in names if t not in VOLATILE_TABLES and not t.startswith("sqlite_")]
        conn.execute(f"CREATE TABLE {WRITE_COUNT_TABLE} (tbl TEXT PRIMARY KEY, n INTEGER)")
        for table in tables:
            conn.execute(f"INSERT INTO {WRITE_COUNT_TABLE} VALUES (?, 0)", (table,))
            for operation in ("INSERT", "UPDATE", "DELETE"):
                conn.execute(
                    f'CREATE TRIGGER "count_{table}_{operation}" AFTER {operation} ON "{table}" '
                    f"BEGIN UPDATE {WRITE_COUNT_TABLE} SET n = n + 1 WHERE tbl = '{table}'; END"
                )
        conn.commit()
    finally:
        conn.close()


def write_counts(path: str) -> dict[str, int]:
    """Rows written so far, per table (after `install_write_counter`)."""
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute(f"SELECT tbl, n FROM {WRITE_COUNT_TABLE}").fetchall())  # noqa: S608
    finally:
        conn.close()
