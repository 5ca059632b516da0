"""The template a user downloads for a sheet: the header row (required columns in red), a help row
whose first cell starts with 说明 (skipped on import), and each header's help as a comment."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill

from incubator.core.i18n import _, text
from incubator.sheets.rules import HELP_PREFIX, Sheet


def template_xlsx(sheets: tuple[Sheet, ...]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        worksheet = book.create_sheet(text(sheet.title)[:31])
        for index, column in enumerate(sheet.columns, start=1):
            header = worksheet.cell(row=1, column=index, value=text(column.header))
            header.font = Font(bold=True, color="B71C1C" if column.required else "000000")
            header.fill = PatternFill("solid", fgColor="F0F4F8")
            header.comment = Comment(text(column.help), "incubator")
            help_text = text(column.help)
            if index == 1:
                help_text = HELP_PREFIX + _("：") + help_text
            note = worksheet.cell(row=2, column=index, value=help_text)
            note.font = Font(italic=True, color="666666")
            note.alignment = Alignment(wrap_text=True, vertical="top")
            worksheet.column_dimensions[header.column_letter].width = 18
        worksheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
