"""Jinja as the app uses it, for pages and print templates alike: autoescaped, with the app's
translations and formats. Imports no web framework: the render worker processes use it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from incubator.core import i18n
from incubator.core.i18n import LOCAL_TZ


def format_datetime(value: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(LOCAL_TZ)
        return value.strftime(fmt)
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def format_decimal(value: Any) -> str:
    """Hours and yuan without float noise or trailing zeros: 1.5, 5000, 12.05."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return f"{number.to_integral_value():f}"
    return f"{number.normalize():f}"


def jinja_environment(directory: Path, reload_templates: bool = False) -> Environment:
    """Autoescaped Jinja with the app's translations and formats: pages and print templates."""
    env = Environment(
        loader=FileSystemLoader(str(directory)),
        # Checking every template file's mtime on each render is for development only.
        auto_reload=reload_templates,
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Old-style callables: `_()` returns plain text that autoescape escapes like any other value
    # (newstyle returns Markup and applies `%`, so a `%` or a tag in its argument would break out).
    # `_()` takes literal strings only; labels that may be data go through text().
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=False)  # type: ignore[attr-defined]
    env.globals["text"] = i18n.text
    env.filters["datetime"] = format_datetime
    env.filters["decimal"] = format_decimal
    env.globals["get_language"] = i18n.get_language
    return env
