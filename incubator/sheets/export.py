"""A sheet written back as the engine reads it: its headers, and each value as a person would
type it (labels of choices, 是 / 否, months as 2017-03), so an export imports again unchanged and
adds nothing (the year workbook's round trip)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from incubator.core.i18n import _, text
from incubator.core.xlsx import SheetData, workbook_of
from incubator.sheets.rules import CHOICE, CHOICES, MONTH, YES_NO, Column, Sheet


def cell(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.kind == CHOICE:
        return text(dict(column.choices).get(value, value))
    if column.kind == CHOICES:
        labels = dict(column.choices)
        return _("、").join(text(labels.get(v, v)) for v in value)
    if column.kind == YES_NO:
        return _("是") if value else _("否")
    if column.kind == MONTH and isinstance(value, dt.date):
        return f"{value:%Y-%m}"
    return value


def sheet_data(sheet: Sheet, rows: Iterable[Mapping[str, Any]]) -> SheetData:
    """`rows` hold values by column key, as the sheet's importer would store them."""
    return SheetData(
        text(sheet.title),
        [text(c.header) for c in sheet.columns],
        [[cell(c, row.get(c.key)) for c in sheet.columns] for row in rows],
        widths=[max(10, min(30, len(text(c.header)) * 2 + 4)) for c in sheet.columns],
    )


def book_xlsx(parts: Sequence[tuple[Sheet, Iterable[Mapping[str, Any]]]]) -> bytes:
    return workbook_of([sheet_data(sheet, rows) for sheet, rows in parts])
