"""Showcase reports: one organization's and the center's year, with figures, charts, and the
highlight activities with their photos; only for those who may see them."""

import re
import subprocess

from tests.conftest import sql
from tests.integration.test_activities import QINGNIAO, activity_id, move, org_id, record
from tests.integration.test_reports import needs_poppler, pdf_text
from tests.support.images import png
from tests.support.web import csrf_token, login


def highlighted(client, settings, **changes):
    """A verified highlight activity with a photo, recorded by staff."""
    aid = activity_id(record(client, organization_id=str(org_id(settings, QINGNIAO)), **changes))
    token = csrf_token(client, f"/activities/{aid}")
    client.post(
        f"/activities/{aid}/files",
        data={"kind": "photo", "_csrf_token": token},
        files={"file": ("合影.png", png(), "image/png")},
    )
    move(client, aid, "submit")
    move(client, aid, "verify")
    page = client.get(f"/activities/{aid}").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    client.post(
        f"/activities/{aid}/highlight",
        data={
            "version": version,
            "on": "1",
            "_csrf_token": csrf_token(client, f"/activities/{aid}"),
        },
    )
    return aid


def images(tmp_path, data: bytes) -> int:
    path = tmp_path / "showcase.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True)
    return len(out.stdout.splitlines()[2:])


@needs_poppler
def test_an_organizations_showcase(client, settings, tmp_path):
    login(client, "staff")
    highlighted(client, settings, title="重阳敬老文艺汇演")
    record(client, title="未核实的活动", organization_id=str(org_id(settings, QINGNIAO)))
    oid = org_id(settings, QINGNIAO)
    response = client.get(f"/reports/showcase/{oid}.pdf?year=2017")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = "".join(pdf_text(tmp_path, response.content).split())
    for expected in (
        "青鸟志愿者服务队",
        "亮点活动展示",
        "2017年度",
        "组织概况",
        "服务成效",
        "2017年各月活动场次",
        "重阳敬老文艺汇演",
    ):
        assert expected in text, expected
    assert "未核实的活动" not in text  # drafts are not in a showcase
    assert images(tmp_path, response.content) == 1  # the highlight's photo


@needs_poppler
def test_the_centers_year(client, settings, tmp_path):
    login(client, "staff")
    highlighted(client, settings, title="社区邻里节")
    response = client.get("/reports/showcase/center/2017.pdf")
    assert response.status_code == 200
    text = "".join(pdf_text(tmp_path, response.content).split())
    assert "社会组织发展中心" in text and "2017年各社区活动场次" in text and "社区邻里节" in text
    assert client.get("/reports/showcase/center/17.pdf").status_code == 404


def test_showcases_follow_the_scope(client, settings):
    other = sql(settings, "SELECT id FROM organization WHERE name = '常州市新北区阳光助残服务社'")
    login(client, "qingniao")
    assert client.get(f"/reports/showcase/{other[0]['id']}.pdf").status_code == 404
    assert client.get("/reports/showcase/center/2017.pdf").status_code == 403
    assert client.get(f"/reports/showcase/{org_id(settings, QINGNIAO)}.pdf").status_code == 200
    client.cookies.clear()
    login(client, "xianglong")
    assert client.get("/reports/showcase/center/2017.pdf").status_code == 403


def test_the_showcases_tables_come_as_xlsx_too(client, settings):
    from io import BytesIO

    from openpyxl import load_workbook

    login(client, "staff")
    highlighted(client, settings, title="重阳敬老文艺汇演")
    oid = org_id(settings, QINGNIAO)
    response = client.get(f"/reports/showcase/{oid}.xlsx?year=2017")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["服务成效", "各月活动场次", "孵化历程", "评估等级", "亮点活动"]
    figures = dict(book["服务成效"].iter_rows(min_row=2, values_only=True))
    assert figures["活动场次"] == 1 and figures["参与人次"] == 40
    months = list(book["各月活动场次"].iter_rows(min_row=2, values_only=True))
    assert ("2017-10月", 1) in months
    highlights = list(book["亮点活动"].iter_rows(min_row=2, values_only=True))
    assert [row[2] for row in highlights] == ["重阳敬老文艺汇演"]
    center = load_workbook(BytesIO(client.get("/reports/showcase/center/2017.xlsx").content))
    assert "各社区" in center.sheetnames and "孵化流程概况" in center.sheetnames
    rows = center["各社区"].iter_rows(min_row=2, values_only=True)
    communities = {row[0]: row[1] for row in rows}
    assert communities.get("祥龙社区") == 1
    login(client, "qingniao")
    other = sql(settings, "SELECT id FROM organization WHERE name = '常州市新北区阳光助残服务社'")
    assert client.get(f"/reports/showcase/{other[0]['id']}.xlsx").status_code == 404
