"""The pipeline board as XLSX: the board's roles, scope and filters, every organization on it."""

import datetime as dt
import io
import re

from openpyxl import load_workbook

from incubator.organizations import pipeline_service
from tests.conftest import db_time, sql
from tests.support.web import login

QINGNIAO = "青鸟志愿者服务队"  # 祥龙社区, volunteering
XIYANGHONG = "龙虎塘街道夕阳红助老服务中心"  # 腾龙社区, elderly
YANGGUANG = "常州市新北区阳光助残服务社"  # 新龙社区, disability
LIANHEHUI = "龙虎塘街道社会组织联合会"  # no community
HEADERS = ("阶段", "组织名称", "服务社区", "服务领域", "孵化方式", "进入本阶段时间")


def put_on_board(settings, name, stage, since, track=None):
    sql(
        settings,
        "UPDATE organization SET stage = $1, stage_since = $2, incubation_track = $3 "
        "WHERE name = $4",
        stage,
        db_time(settings, since),
        track,
        name,
    )


def seed_board(settings):
    utc = dt.UTC
    put_on_board(settings, QINGNIAO, "screening", dt.datetime(2017, 3, 1, 2, 30, tzinfo=utc))
    put_on_board(
        settings,
        XIYANGHONG,
        "incubation",
        dt.datetime(2017, 4, 1, 16, 30, tzinfo=utc),  # 2017-04-02 00:30 in 常州
        "in_park_12",
    )
    put_on_board(settings, YANGGUANG, "application", dt.datetime(2016, 5, 1, tzinfo=utc))
    put_on_board(settings, LIANHEHUI, "screening", dt.datetime(2017, 5, 1, tzinfo=utc))


def export(client, query=""):
    response = client.get(f"/pipeline/export.xlsx{query}")
    assert response.status_code == 200, response.text[:300]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return response, list(sheet.iter_rows(values_only=True))


def test_the_export_lists_every_organization_on_the_board_in_column_order(client, settings):
    seed_board(settings)
    login(client, "staff")
    response, rows = export(client)
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    assert rows[0] == HEADERS
    at = dt.datetime
    assert rows[1:] == [
        ("接受申请", YANGGUANG, "新龙社区", "助残", None, at(2016, 5, 1, 8, 0)),
        # Within a column the most recently moved comes first, as on the board.
        ("筛选评估", LIANHEHUI, "全街道", "社区事务", None, at(2017, 5, 1, 8, 0)),
        ("筛选评估", QINGNIAO, "祥龙社区", "志愿服务", None, at(2017, 3, 1, 10, 30)),
        ("孵化", XIYANGHONG, "腾龙社区", "养老", "园内孵化 12 个月", at(2017, 4, 2, 0, 30)),
    ]  # fmt: skip


def test_the_export_follows_the_filters(client, settings):
    seed_board(settings)
    login(client, "staff")
    _response, rows = export(client, "?service_field=elderly")
    assert [r[1] for r in rows[1:]] == [XIYANGHONG]
    _response, rows = export(client, "?year=2017")
    assert {r[1] for r in rows[1:]} == {QINGNIAO, XIYANGHONG, LIANHEHUI}
    community = sql(settings, "SELECT id FROM community WHERE name = '祥龙社区'")[0]["id"]
    _response, rows = export(client, f"?community={community}&year=2017")
    assert [r[1] for r in rows[1:]] == [QINGNIAO]
    _response, rows = export(client, "?service_field=elderly&year=2016")
    assert rows == [HEADERS]


def test_the_board_links_to_the_export_with_its_filters(client, settings):
    seed_board(settings)
    login(client, "staff")
    page = client.get("/pipeline?service_field=elderly").text
    assert 'href="/pipeline/export.xlsx?service_field=elderly"' in page
    assert 'href="/pipeline/export.xlsx?"' in client.get("/pipeline").text


def board_counts(page):
    return {
        label: int(count)
        for label, count in re.findall(r'<h2>([^<]+?) <span class="count">(\d+)</span>', page)
    }


def test_the_export_counts_what_the_board_counts(client, settings):
    seed_board(settings)
    login(client, "assessor")
    for query in ("", "?year=2017", "?service_field=volunteering", "?year=1999"):
        counts = board_counts(client.get(f"/pipeline{query}").text)
        _response, rows = export(client, query)
        exported = {label: 0 for label in counts}
        for row in rows[1:]:
            exported[row[0]] += 1
        assert exported == counts, query


def test_the_export_is_not_cut_where_the_board_stops_showing_cards(client, settings, monkeypatch):
    seed_board(settings)
    monkeypatch.setattr(pipeline_service, "BOARD_CARDS_PER_STAGE", 1)
    login(client, "staff")
    assert "另有 1 个未显示" in client.get("/pipeline").text
    _response, rows = export(client)
    assert [r[1] for r in rows[1:] if r[0] == "筛选评估"] == [LIANHEHUI, QINGNIAO]


def test_a_community_officer_exports_only_their_community(client, settings):
    seed_board(settings)
    login(client, "xianglong")
    _response, rows = export(client)
    assert [r[1] for r in rows[1:]] == [QINGNIAO]


def test_roles_that_cannot_see_the_board_cannot_export_it(client, settings):
    seed_board(settings)
    login(client, "qingniao")
    response = client.get("/pipeline/export.xlsx")
    assert response.status_code == 403
    assert not response.headers["content-type"].startswith("application/vnd.openxmlformats")
    client.cookies.clear()
    anonymous = client.get("/pipeline/export.xlsx")
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["location"]


def test_a_name_that_looks_like_a_formula_stays_text(client, settings):
    seed_board(settings)
    formula = '=HYPERLINK("http://example.invalid","点击")'
    sql(settings, "UPDATE organization SET name = $1 WHERE name = $2", formula, QINGNIAO)
    login(client, "staff")
    response = client.get("/pipeline/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    escaped = [c for c in cells if "HYPERLINK" in str(c.value)]
    assert len(escaped) == 1
    assert escaped[0].value == "'" + formula and escaped[0].data_type == "s"
