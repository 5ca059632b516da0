"""XLSX and CSV export: Chinese header row, streaming write, no formula injection from user text."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from incubator.core.i18n import LOCAL_TZ, _, text

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Text starting with these would be run as a formula by Excel or WPS ("CSV/formula injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell_value(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        # A sheet has no time zones: the street office's wall-clock time.
        return value.astimezone(LOCAL_TZ).replace(tzinfo=None, microsecond=0)
    return value


@dataclass(frozen=True)
class SheetData:
    """One sheet of a workbook: a bold, frozen header row, then the rows."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = ()


def workbook_bytes(
    title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int] = ()
) -> bytes:
    return workbook_of([SheetData(title, headers, rows, widths)])


def workbook_of(sheets: Sequence[SheetData]) -> bytes:
    book = Workbook(write_only=True)
    for data in sheets:
        sheet = book.create_sheet(title=data.title[:31])
        for index, width in enumerate(data.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        header_cells = []
        for header in data.headers:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="F0F4F8")
            cell.alignment = Alignment(vertical="center")
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in data.rows:
            sheet.append([safe_cell_value(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel and WPS open the Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else safe_cell_value(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- column specs: one declaration per list gives its XLSX and CSV ---------------------------


@dataclass(frozen=True)
class ExportColumn:
    """One exported column: `header` an N_() literal, `value` the cell from a row; `summed`
    columns get their total in the last row."""

    header: str
    width: int
    value: Callable[[Mapping[str, Any]], Any]
    summed: bool = False


def export_xlsx(
    title: str, columns: Sequence[ExportColumn], rows: Sequence[Mapping[str, Any]]
) -> bytes:
    """The rows as a sheet of `columns`; with a totals row when any column is summed."""
    cells = [[c.value(r) for c in columns] for r in rows]
    body: list[list[Any]] = cells
    if any(c.summed for c in columns):
        totals: list[Any] = [""] * len(columns)
        totals[0] = _("合计：{n} 条").format(n=len(rows))
        for index, column in enumerate(columns):
            if column.summed:
                totals[index] = sum((row[index] or 0 for row in cells), Decimal(0))
        body = [*cells, totals]
    return workbook_bytes(
        title, [text(c.header) for c in columns], body, widths=[c.width for c in columns]
    )


def export_csv(columns: Sequence[ExportColumn], rows: Sequence[Mapping[str, Any]]) -> bytes:
    return csv_bytes(
        [text(c.header) for c in columns], [[c.value(r) for c in columns] for r in rows]
    )
