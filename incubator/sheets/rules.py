"""Sheets people fill in Excel, declared once per module: the columns with what each takes, the
natural key, and the module's own row check. Pure: parsing and checking a row needs no database,
so it runs in the checking process (sheets.reader) a chunk at a time.

The conventions are those of the year workbook (YEAR-WORKBOOK.md): row 1 holds the headers,
columns in any order, a column not listed is refused by name, a help row (its first cell starts
with 说明) is skipped, dates as people type them, 是 / 否, months as 2017-03.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl.utils.datetime import from_excel

from incubator.core.i18n import _, text

HELP_PREFIX = "说明"

# What a column takes; each parser returns the value to store, or raises Bad with the reason.
TEXT, DATE, TIME, COUNT, DECIMAL, CHOICE, CHOICES, YES_NO, MONTH = (
    "text",
    "date",
    "time",
    "count",
    "decimal",
    "choice",
    "choices",
    "yes_no",
    "month",
)


@dataclass(frozen=True)
class Column:
    """One column: `header` and `help` are N_() literals, shown translated and accepted in Chinese
    and in the user's language. `choices` are (code, label) pairs for CHOICE and CHOICES."""

    key: str
    header: str
    help: str
    required: bool = False
    kind: str = TEXT
    max_length: int = 200
    places: int = 0
    maximum: int | None = None
    choices: tuple[tuple[str, str], ...] = ()
    nullable: bool = False  # a blank cell is None (not 0 or "")


@dataclass(frozen=True)
class Sheet:
    """A sheet a module imports. `check(values, lookups)` is the module's own row check, run after
    every column has been parsed: it may fill values (ids from names in `lookups`) and returns
    the row's problems. `key(values)` is the natural key: a re-import of the same row matches it.
    Both must be module-level functions (they travel to the checking process by name)."""

    name: str  # the importer's registry name, e.g. "activities"
    title: str  # the sheet's name in the workbook, an N_() literal
    columns: tuple[Column, ...]
    key: Callable[[Mapping[str, Any]], str]
    check: Callable[[dict[str, Any], Mapping[str, Any]], list[str]] | None = None
    example: Mapping[str, Any] = field(default_factory=dict)

    def header(self, key: str) -> str:
        return text(next(c.header for c in self.columns if c.key == key))


class Bad(ValueError):
    """A cell that cannot be read: the message says why, in the user's language."""


def hashed_key(*parts: Any) -> str:
    """A natural key made of several values, short enough for an indexed column."""
    return hashlib.sha256("\x1f".join(str(p or "") for p in parts).encode()).hexdigest()[:40]


# --- reading one row ------------------------------------------------------------------------


def clean_row(
    sheet: Sheet, raw: Mapping[str, Any], lookups: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """The values to store and the list of what is wrong with one row."""
    values: dict[str, Any] = {}
    errors: list[str] = []
    for column in sheet.columns:
        cell = raw.get(column.key)
        if is_blank(cell):
            if column.required:
                errors.append(_("“{column}”不能为空").format(column=text(column.header)))
            values[column.key] = blank_value(column)
            continue
        try:
            values[column.key] = parse(column, cell)
        except Bad as exc:
            errors.append(str(exc))
            values[column.key] = blank_value(column)
    if sheet.check is not None:
        errors.extend(sheet.check(values, lookups))
    return values, errors


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def blank_value(column: Column) -> Any:
    if column.nullable:
        return None
    if column.kind == TEXT:
        return ""
    if column.kind == COUNT:
        return 0
    if column.kind == DECIMAL:
        return Decimal(0)
    if column.kind == CHOICES:
        return []
    return None


def parse(column: Column, value: Any) -> Any:
    name = text(column.header)
    if column.kind == TEXT:
        cell = str(value).strip()
        if len(cell) > column.max_length:
            raise Bad(_("“{column}”最多 {n} 个字").format(column=name, n=column.max_length))
        return cell
    if column.kind == DATE:
        if (date := parse_date(value)) is None:
            raise Bad(_("“{column}”不是有效日期").format(column=name))
        return date
    if column.kind == MONTH:
        if (month := parse_month(value)) is None:
            raise Bad(_("“{column}”不是有效月份（如 2017-03）").format(column=name))
        return month
    if column.kind == TIME:
        if not isinstance(parsed := parse_time(value), dt.time):
            raise Bad(_("“{column}”不是有效时间（如 09:00）").format(column=name))
        return parsed
    if column.kind == COUNT:
        count = parse_count(value)
        if count is None or count > (column.maximum if column.maximum is not None else 10**6):
            if column.maximum is not None:
                raise Bad(
                    _("“{column}”必须是 0 到 {n} 的整数").format(column=name, n=column.maximum)
                )
            raise Bad(_("“{column}”必须是非负整数").format(column=name))
        return count
    if column.kind == DECIMAL:
        number = parse_decimal(value, column.places)
        if number is None or number > (column.maximum or Decimal("100000000")):
            raise Bad(_("“{column}”必须是非负数字").format(column=name))
        return number
    if column.kind == CHOICE:
        if (code := choice_code(column.choices, value)) is None:
            raise Bad(_("未知的{column}“{value}”").format(column=name, value=str(value)[:50]))
        return code
    if column.kind == CHOICES:
        codes: list[str] = []
        for part in re.split(r"[、,，;；\s]+", str(value).strip()):
            if not part:
                continue
            if (code := choice_code(column.choices, part)) is None:
                raise Bad(_("未知的{column}“{value}”").format(column=name, value=part[:50]))
            if code not in codes:
                codes.append(code)
        return codes
    if column.kind == YES_NO:
        if (answer := parse_yes_no(value)) is None:
            raise Bad(_("“{column}”只能填“是”或“否”").format(column=name))
        return answer
    raise AssertionError(f"unknown column kind {column.kind!r}")


# --- cell parsers ---------------------------------------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MONTH_PATTERN = re.compile(r"^(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*月?$")


def parse_date(value: Any) -> dt.date | None:
    """A date as people type it in a sheet: a date cell, 2017-06-30, 2017/6/30, 2017.6.30,
    2017年6月30日, 20170630, or an Excel serial number. None when it is not one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # Excel serial days (1900 date system): 1954 to 2119
            return from_excel(value).date()
        value = str(int(value)) if float(value).is_integer() else str(value)
    if not isinstance(value, str):
        return None
    cell = value.strip().split(" ")[0]
    for pattern in _DATE_PATTERNS:
        if match := pattern.match(cell):
            year, month, day = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                return None
    return None


def parse_month(value: Any) -> dt.date | None:
    """A month (its first day) from 2017-03, 2017/3, 2017年3月, or any date in it."""
    if isinstance(value, str) and (match := _MONTH_PATTERN.match(value.strip())):
        year, month = int(match.group(1)), int(match.group(2))
        return dt.date(year, month, 1) if 1 <= month <= 12 else None
    date = parse_date(value)
    return date.replace(day=1) if date else None


def parse_time(value: Any) -> dt.time | None | str:
    """HH:MM from a time cell or text; '' when blank; None when unreadable."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    match = re.match(r"^(\d{1,2})[:：](\d{2})$", str(value).strip())
    if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
        return dt.time(int(match.group(1)), int(match.group(2)))
    return None


def parse_count(value: Any) -> int | None:
    """A whole number of people; blank is 0; None when unreadable or negative."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    cell = str(value).strip().replace(",", "")
    return int(cell) if cell.isdigit() else None


def parse_decimal(value: Any, places: int) -> Decimal | None:
    if value is None or value == "":
        return Decimal(0)
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        return None
    if not number.is_finite() or number < 0:
        return None
    return number.quantize(Decimal(1).scaleb(-places)) if places >= 0 else number


def parse_yes_no(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    cell = str(value).strip().lower()
    if cell in ("是", "yes", "y", "1", "true"):
        return True
    if cell in ("否", "no", "n", "0", "false"):
        return False
    return None


def choice_code(choices: tuple[tuple[str, str], ...], value: Any) -> str | None:
    """The code of a choice given by its Chinese label, its translated label or its code."""
    cell = str(value or "").strip()
    for code, name in choices:
        if cell in (code, name, text(name)):
            return code
    return None


# --- the sheet's header ---------------------------------------------------------------------


def header_positions(
    sheet: Sheet, header: list[Any]
) -> tuple[dict[int, str], list[str], list[str]]:
    """Column position -> key, the required columns missing, and the unknown headers."""
    by_header = {text(c.header): c.key for c in sheet.columns} | {
        c.header: c.key for c in sheet.columns
    }
    positions: dict[int, str] = {}
    unknown: list[str] = []
    for index, cell in enumerate(header):
        name = str(cell if cell is not None else "").strip()
        if not name:
            continue
        if (key := by_header.get(name)) is None:
            unknown.append(name[:50])
        elif key not in positions.values():
            positions[index] = key
    taken = set(positions.values())
    missing = [text(c.header) for c in sheet.columns if c.required and c.key not in taken]
    return positions, missing, unknown


def is_help_row(sheet: Sheet, first_cell: Any) -> bool:
    """The template's explanation row: its first cell starts with 说明 (or is a column's help,
    as templates downloaded before this rule have it)."""
    first = str(first_cell or "").strip()
    if first.startswith(HELP_PREFIX):
        return True
    helps = {c.help for c in sheet.columns} | {text(c.help) for c in sheet.columns}
    return bool(first) and first in helps
