"""政社互动 as Excel: the agreements and the two-way evaluations as their year-workbook sheets
(they import again unchanged)."""

from __future__ import annotations

from incubator.cooperation import rules
from incubator.sheets.export import book_xlsx


def agreements_xlsx(rows: list[dict]) -> bytes:
    return book_xlsx([(rules.AGREEMENT_SHEET, rows)])


def evaluations_xlsx(rows: list[dict]) -> bytes:
    return book_xlsx([(rules.EVALUATION_SHEET, rows)])
