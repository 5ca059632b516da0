"""Form parsing and validation with field-level Chinese messages.

Each module's forms.py declares its fields; views call `bind(FIELDS, data)` and, when the form
has errors, render the page again with `form.values` (the input kept) and `form.errors`.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from incubator.core.i18n import _, text
from incubator.core.scoping import MAX_ID


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    required: bool = False
    kind: str = "text"  # text | password | int | decimal | choice | bool | textarea | date | time
    max_length: int = 200
    min_length: int = 0
    low: int | None = None
    high: int | None = None
    choices: Sequence[tuple[str, str]] = ()
    help: str = ""
    places: int = 2  # decimal places a "decimal" field accepts


@dataclass
class Form:
    fields: Sequence[Field]
    values: dict[str, str] = field(default_factory=dict)
    cleaned: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def empty(fields: Sequence[Field], initial: Mapping[str, Any] | None = None) -> Form:
    values = {
        f.name: "" if (initial or {}).get(f.name) is None else str(initial[f.name]) for f in fields
    }
    return Form(fields=fields, values=values)


def _clean(f: Field, raw: str, form: Form) -> Any:
    label = text(f.label)
    if f.kind == "bool":
        return raw in ("1", "on", "true", "yes")
    if raw == "":
        if f.required:
            message = _("请选择{label}") if f.kind == "choice" else _("请填写{label}")
            form.add_error(f.name, message.format(label=label))
        return None
    if f.kind in ("text", "textarea", "password"):
        if f.kind != "password" and _has_control(raw, multiline=f.kind == "textarea"):
            message = (
                _("{label}不能包含控制字符")
                if f.kind == "textarea"
                else _("{label}不能包含换行或其他控制字符")
            )
            form.add_error(f.name, message.format(label=label))
        elif len(raw) > f.max_length:
            form.add_error(f.name, _("{label}最多 {n} 个字符").format(label=label, n=f.max_length))
        elif len(raw) < f.min_length:
            form.add_error(f.name, _("{label}至少 {n} 个字符").format(label=label, n=f.min_length))
        return raw
    if f.kind == "int":
        try:
            value = int(raw)
        except ValueError:
            form.add_error(f.name, _("{label}必须是整数").format(label=label))
            return None
        # A refused number is not kept as cleaned: services that gather more errors beside the
        # form's must never query with it (beyond 32 bits the database driver fails).
        if (f.low is not None and value < f.low) or (f.high is not None and value > f.high):
            form.add_error(
                f.name,
                _("{label}必须在 {low} 到 {high} 之间").format(label=label, low=f.low, high=f.high),
            )
            return None
        if abs(value) > MAX_ID:
            form.add_error(f.name, _("{label}数值过大").format(label=label))
            return None
        return value
    if f.kind == "decimal":
        return _clean_decimal(f, raw, form, label)
    if f.kind == "time":
        try:
            return dt.time.fromisoformat(raw.replace("：", ":")).replace(second=0, microsecond=0)
        except ValueError:
            form.add_error(f.name, _("{label}不是有效时间（格式：09:30）").format(label=label))
            return None
    if f.kind == "date":
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            form.add_error(f.name, _("{label}不是有效日期（格式：2017-06-30）").format(label=label))
            return None
    if f.kind == "choice":
        if raw not in {code for code, _label in f.choices}:
            form.add_error(f.name, _("请选择有效的{label}").format(label=label))
            return None
        return raw
    raise ValueError(f"unknown field kind {f.kind}")


# A textarea keeps its lines and tabs; nothing else invisible is typed by people.
_MULTILINE_OK = frozenset("\n\r\t")


def _has_control(text: str, multiline: bool) -> bool:
    """Control characters (NUL, CR, LF, ESC ...) and line/paragraph separators. A single-line
    value ends up in e-mail subjects, file names and CSV cells, where they break or inject;
    PostgreSQL refuses NUL outright."""
    return any(
        unicodedata.category(ch) in ("Cc", "Zl", "Zp") and not (multiline and ch in _MULTILINE_OK)
        for ch in text
    )


def _clean_decimal(f: Field, raw: str, form: Form, label: str) -> Decimal | None:
    try:
        value = Decimal(raw.replace(",", ""))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        form.add_error(f.name, _("{label}必须是数字").format(label=label))
        return None
    if -value.as_tuple().exponent > f.places:
        form.add_error(f.name, _("{label}最多保留 {n} 位小数").format(label=label, n=f.places))
        return None
    if (f.low is not None and value < f.low) or (f.high is not None and value > f.high):
        form.add_error(
            f.name,
            _("{label}必须在 {low} 到 {high} 之间").format(label=label, low=f.low, high=f.high),
        )
    return value


def bind(fields: Sequence[Field], data: Mapping[str, Any]) -> Form:
    form = Form(fields=fields)
    for f in fields:
        raw = data.get(f.name, "")
        raw = raw if isinstance(raw, str) else ""
        if f.kind not in ("password", "textarea"):
            raw = raw.strip()
        # Passwords are never echoed back into the page.
        form.values[f.name] = "" if f.kind == "password" else raw
        form.cleaned[f.name] = _clean(f, raw, form)
    return form
