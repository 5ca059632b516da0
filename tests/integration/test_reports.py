"""Printable ledgers: the PDF's fonts and text, escaping, scope, the refused resources, and a
render that runs out of time failing with a message while the app goes on."""

import re
import shutil
import subprocess

import pytest

from tests.integration.test_activities import QINGNIAO, org_id, record
from tests.support.reports import render_time_limit
from tests.support.web import login

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")


def pdf_text(tmp_path, data: bytes) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def pdf_fonts(tmp_path, data: bytes) -> list[list[str]]:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True)
    return [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]


@needs_poppler
def test_the_ledger_pdf_embeds_its_font_and_keeps_the_chinese_text(client, settings, tmp_path):
    login(client, "staff")
    oid = org_id(settings, QINGNIAO)
    record(client, organization_id=str(oid))
    record(client, title="<script>alert('x')</script>夜间巡逻", organization_id=str(oid))
    response = client.get("/reports/ledger.pdf?year=2017&community=1")
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    fonts = pdf_fonts(tmp_path, response.content)
    assert fonts and all("yes" in row[-5:-2] for row in fonts), fonts  # every font embedded
    text = pdf_text(tmp_path, response.content)
    for expected in (
        "祥龙社区服务记录台账",
        "2017 年度",
        "重阳节敬老茶话会",
        "合计 2 条",
        "填报人",
        "审核人",
        "负责人",
    ):
        assert expected in text, expected
    flat = "".join(text.split())  # table cells wrap: compare without the line breaks
    assert "第1页/共1页" in flat
    assert "<script>alert('x')</script>夜间巡逻" in flat  # shown as text, never run or lost


@needs_poppler
def test_the_pdf_shows_only_what_the_caller_may_see(client, settings, tmp_path):
    login(client, "staff")
    record(
        client,
        title="阳光助残康复小组",
        organization_id=str(org_id(settings, "常州市新北区阳光助残服务社")),
    )
    record(client, organization_id=str(org_id(settings, QINGNIAO)))
    client.cookies.clear()
    login(client, "qingniao")
    text = pdf_text(tmp_path, client.get("/reports/ledger.pdf").content)
    assert "重阳节敬老茶话会" in text and "阳光助残康复小组" not in text
    # A filter naming a record outside the caller's scope is refused, not printed.
    assert client.get("/reports/ledger.pdf?community=4").status_code == 404


def test_the_xlsx_beside_it_takes_the_same_parameters(client, settings):
    from io import BytesIO

    from openpyxl import load_workbook

    login(client, "staff")
    record(client, organization_id=str(org_id(settings, QINGNIAO)))
    record(client, category="training", organization_id=str(org_id(settings, QINGNIAO)))
    response = client.get("/reports/ledger.xlsx?category=training")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[1][4] == "培训"


def test_a_render_over_its_time_limit_fails_with_a_message(client, settings):
    login(client, "staff")
    record(client, organization_id=str(org_id(settings, QINGNIAO)))
    with render_time_limit(client, 0.001):
        response = client.get("/reports/ledger.pdf?year=2017")
        assert response.status_code == 303
        assert "报表生成超时" in client.get(response.headers["location"]).text
    assert client.get("/reports/ledger.pdf?year=2017").status_code == 200  # and it goes on


@needs_poppler
def test_the_photo_appendix_embeds_each_photo_once_after_the_table(client, settings, tmp_path):
    from tests.integration.test_showcase import highlighted, images

    login(client, "staff")
    highlighted(client, settings, title="重阳敬老文艺汇演")
    highlighted(client, settings, title="端午节包粽子")
    without = client.get("/reports/ledger.pdf?year=2017")
    assert images(tmp_path, without.content) == 0
    response = client.get("/reports/ledger.pdf?year=2017&photos=1")
    assert images(tmp_path, response.content) == 2
    pages = pdf_text(tmp_path, response.content).split("\f")
    appendix = "".join(pages[-2].split())
    assert "附：活动照片" in appendix and "端午节包粽子" in appendix
    assert "合计2条" not in appendix  # the table and its totals come before


@needs_poppler
def test_a_200_character_name_keeps_the_certificate_on_one_page(tmp_path):
    import datetime as dt

    from incubator.reporting import templates
    from incubator.reporting.worker import render_pdf

    name = ("常州市新北区龙虎塘街道青鸟志愿者服务队" * 12)[:200]  # the longest name allowed
    html = templates.render(
        "certificate.html",
        organization={"name": name},
        since=dt.date(2017, 3, 1),
        issuer="龙虎塘街道社会组织发展中心",
        graduated_at=dt.datetime(2017, 12, 1, tzinfo=dt.UTC),
    )
    pdf = render_pdf(html, {})
    pages = pdf_text(tmp_path, pdf).split("\f")[:-1]
    assert len(pages) == 1
    assert name in "".join(pages[0].split()) and "2017-12-01" in pages[0]
    # The issue date stays inside the frame (15 mm margin + 170 mm frame = 524 pt from the top).
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    words = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    date = re.search(r'yMax="([\d.]+)">2017-12-01<', words)
    assert date and float(date.group(1)) < 524
