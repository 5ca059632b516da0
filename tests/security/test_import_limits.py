"""Hostile workbooks are refused before or while openpyxl parses them, with a clear message that
never carries an exception's text, and nothing is written."""

import io
import re
import zipfile

from openpyxl import Workbook

from incubator.activities import rules
from incubator.sheets import reader
from tests.conftest import sql
from tests.support import imports
from tests.support.web import login

ENTITY_BOMB = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    + "]>"
)


def workbook(rows=1) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append([c.header for c in rules.IMPORT_COLUMNS])
    for n in range(rows):
        sheet.append([f"活动{n}", "2017-06-30", None, None, "小组", "青鸟志愿者服务队"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewritten(data: bytes, change) -> bytes:
    """The workbook with each entry passed through change(name, bytes) -> bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, change(info.filename, source.read(info.filename)))
    return out.getvalue()


def sheet_xml(change):
    return lambda name, body: change(body) if name == "xl/worksheets/sheet1.xml" else body


def refused(client, settings, data, message):
    login(client, "staff")
    status, page = imports.import_file(client, "/activities/import", data)
    assert status["status"] == "refused", page[-2000:]
    assert message in page
    for internal in ("Traceback", "Error", "Forbidden", "Exception"):
        assert internal not in page
    assert sql(settings, "SELECT id FROM activity WHERE title LIKE '活动%'") == []


def test_an_xml_entity_bomb_in_a_sheet_is_refused(client, settings):
    def bomb(body: bytes) -> bytes:
        text = re.sub(r"^<\?xml[^>]*\?>\s*", "", body.decode())
        cell = '<row r="99"><c r="A99" t="inlineStr"><is><t>&i;</t></is></c></row>'
        return (ENTITY_BOMB + text.replace("</sheetData>", cell + "</sheetData>")).encode()

    refused(client, settings, rewritten(workbook(), sheet_xml(bomb)), "文件内容无法读取")


def test_a_workbook_of_too_many_zip_entries_is_refused(client, settings):
    data = workbook()
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        for n in range(reader.MAX_ENTRIES):
            archive.writestr(f"customXml/item{n}.xml", "<a/>")
    refused(client, settings, out.getvalue(), "文件解压后过大")


def test_a_sheet_that_declares_a_million_rows_is_refused_before_reading(client, settings):
    def huge(body: bytes) -> bytes:
        return re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:T1000000"', body)

    data = rewritten(workbook(), sheet_xml(huge))
    assert b"A1:T1000000" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    refused(client, settings, data, "表格过大")


def test_a_sheet_of_too_many_columns_is_refused(client, settings):
    book = Workbook()
    sheet = book.active
    sheet.append([c.header for c in rules.IMPORT_COLUMNS])
    sheet.append(["活动0"] + ["x"] * (reader.MAX_COLUMNS + 5))
    buffer = io.BytesIO()
    book.save(buffer)
    refused(client, settings, buffer.getvalue(), "表格过大")


def test_a_damaged_sheet_is_refused_with_a_message_not_the_parsers_error(client, settings):
    def broken(body: bytes) -> bytes:
        return body.replace(b"</sheetData>", b"<row><c r=</sheetData>")

    refused(client, settings, rewritten(workbook(), sheet_xml(broken)), "文件内容无法读取")


def test_the_checking_process_has_a_time_and_memory_limit():
    """read_book runs in the checking process's main thread, where the limits apply."""
    assert 0 < reader.READ_SECONDS <= 300
    assert reader.WORKER_MEMORY_BYTES <= 2 * 1024**3
