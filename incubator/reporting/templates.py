"""The print templates in the top-level reports/ folder: autoescaped, with the app's
translations and formats (core.templating). User text is never marked safe here."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment

from incubator.core.templating import jinja_environment

REPORTS_DIR = Path(__file__).resolve().parents[2] / "reports"


@cache
def environment() -> Environment:
    return jinja_environment(REPORTS_DIR)


def render(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)
