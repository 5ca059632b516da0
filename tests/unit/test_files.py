import io
import zipfile

import pytest

from incubator.core.files import DOCX, JPEG, PDF, PNG, XLSX, clean_original_name, detect_kind

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def office(kind_path: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(kind_path, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n...", PDF),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, JPEG),
        (PNG_BYTES, PNG),
        (office("word/document.xml"), DOCX),
        (office("xl/workbook.xml"), XLSX),
    ],
)
def test_it_recognises_each_accepted_type_by_its_content(data, kind):
    assert detect_kind(data) is kind


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",
        b"MZ\x90\x00 an executable",
        b"PK\x03\x04 not really a zip",
        office("content.xml"),  # an OpenDocument-like zip is not DOCX/XLSX
        b"",
    ],
)
def test_it_refuses_anything_else(data):
    assert detect_kind(data) is None


def test_original_names_lose_paths_and_dangerous_characters():
    assert clean_original_name("../../etc/passwd") == "passwd"
    assert clean_original_name('C:\\docs\\章程"<>.pdf') == "章程.pdf"
    assert clean_original_name("   ") == "file"


def test_downloads_carry_the_extension_of_the_detected_type():
    from incubator.core.files import download_name

    assert download_name({"kind": "pdf", "original_name": "章程.html"}) == "章程.pdf"
    assert download_name({"kind": "png", "original_name": "照片"}) == "照片.png"
    assert download_name({"kind": "jpeg", "original_name": "a.JPG"}) == "a.JPG"
