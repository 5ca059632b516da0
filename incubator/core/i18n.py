"""Translations: Chinese source strings, an English Babel catalog, the language per request.

Source strings in code and templates are the zh-CN text; `translations/en/LC_MESSAGES/messages.po`
maps them to English. The .po is the only copy in the repository: each process compiles it to .mo
in memory once (`translations()`, about 50 ms; `create_app` does it at start-up, so a broken catalog
stops the app there) and reads it through Babel's `Translations`, whose `ngettext` follows the
catalog's Plural-Forms. The current language lives in a ContextVar set by the request middleware.
"""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from incubator.settings import LANGUAGES

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
LANG_COOKIE = "lang"
# The street office works in China Standard Time; stored times are UTC.
LOCAL_TZ = dt.timezone(dt.timedelta(hours=8), "CST")


def local_today() -> dt.date:
    """Today in the street office, whatever the server's clock zone."""
    return dt.datetime.now(LOCAL_TZ).date()


_language: ContextVar[str] = ContextVar("language", default="zh-CN")


def compile_catalog(po_path: Path) -> bytes:
    """The .mo of a .po as `pybabel compile` writes it (no fuzzy or untranslated entries)."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    mo = BytesIO()
    write_mo(mo, catalog)
    return mo.getvalue()


@cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalog of a language; zh-CN is the source language and has none."""
    if lang == "zh-CN":
        return NullTranslations()
    po_path = TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po"
    return Translations(BytesIO(compile_catalog(po_path)), domain="messages")


def set_language(lang: str) -> None:
    _language.set(lang if lang in LANGUAGES else "zh-CN")


def get_language() -> str:
    return _language.get()


def gettext(message: str) -> str:
    if not message:  # a .mo answers "" with its header
        return message
    return translations(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for n under the catalog's Plural-Forms (untranslated: singular when n == 1)."""
    return translations(_language.get()).ngettext(singular, plural, n)


def pick_language(cookie_value: str | None, default: str) -> str:
    return cookie_value if cookie_value in LANGUAGES else default


class Msgid(str):
    """A literal message written in the code, marked with N_(): the only kind of label that
    text() translates. Anything else (a name, a title, any value from the database or a request)
    is data."""

    __slots__ = ()


# `_()` takes literal strings only (a test walks the code and the templates to keep it so).
_ = gettext


def N_(message: str) -> Msgid:
    """Marks a literal for extraction; it is translated by text() where it is shown."""
    return Msgid(message)


def text(value: object) -> str:
    """A label for display: translated when it is a literal marked with N_(), otherwise the value
    itself as data (never looked up in the catalog, never formatted, never trusted as markup)."""
    if value is None:
        return ""
    if isinstance(value, Msgid):
        return gettext(value)
    return str(value)
