"""Rubric pages: anyone street-wide reads; the admin saves an edited rubric as a new version."""

import re

from tests.conftest import sql
from tests.support.web import login, post_form


def screening_id(settings):
    return sql(
        settings, "SELECT id FROM rubric WHERE code = 'screening' AND is_current = $1", True
    )[0]["id"]


def test_assessors_read_rubrics_but_cannot_edit(client, settings):
    login(client, "assessor")
    page = client.get("/rubrics").text
    assert "入壳申请筛选评估表" in page and "出壳评估表" in page
    rid = screening_id(settings)
    detail = client.get(f"/rubrics/{rid}").text
    assert "发起人与骨干团队" in detail and "建议录取" in detail
    assert client.get(f"/rubrics/{rid}/edit").status_code == 403
    client.cookies.clear()
    login(client, "qingniao")
    assert client.get("/rubrics").status_code == 403


def test_the_admin_saves_an_edit_as_version_two(client, settings):
    login(client, "admin")
    rid = screening_id(settings)
    editor = client.get(f"/rubrics/{rid}/edit").text
    indicators = re.search(
        r'<textarea id="f-indicators"[^>]*>(.*?)</textarea>', editor, re.S
    ).group(1)
    indicators = indicators.replace("需求分析", "社区需求分析")
    bands = "80 | admit | 建议录取\n60 | more_info | 待补材料\n0 | reject | 建议不录取"
    response = post_form(
        client,
        f"/rubrics/{rid}/edit",
        {
            "name": "入壳申请筛选评估表",
            "indicators": indicators.replace("&amp;", "&"),
            "bands": bands,
        },
        page="/rubrics",
    )
    assert response.status_code == 303, response.text[-2000:]
    new_page = client.get(response.headers["location"]).text
    assert "第 2 版" in new_page and "社区需求分析" in new_page
    assert len(sql(settings, "SELECT id FROM rubric WHERE code = 'screening'")) == 2


def test_an_invalid_edit_lists_every_error_and_saves_nothing(client, settings):
    login(client, "admin")
    rid = screening_id(settings)
    response = post_form(
        client,
        f"/rubrics/{rid}/edit",
        {
            "name": "坏表",
            "indicators": "1 | 甲 | 10\n1.1 | 乙 | 6\nx | 丙 | 5",
            "bands": "60 | pass | 合格",
        },
        page="/rubrics",
    )
    assert response.status_code == 400
    assert "指标编号 x 格式不对" in response.text
    assert "必须有一个从 0 分开始的档次" in response.text
    assert "坏表" in response.text  # the input is kept
    assert len(sql(settings, "SELECT id FROM rubric WHERE code = 'screening'")) == 1


def test_saving_from_an_old_version_is_refused(client, settings):
    login(client, "admin")
    rid = screening_id(settings)
    editor = client.get(f"/rubrics/{rid}/edit").text
    indicators = re.search(
        r'<textarea id="f-indicators"[^>]*>(.*?)</textarea>', editor, re.S
    ).group(1)
    data = {
        "name": "入壳申请筛选评估表",
        "indicators": indicators,
        "bands": "80 | a | 甲\n0 | b | 乙",
    }
    assert post_form(client, f"/rubrics/{rid}/edit", data, page="/rubrics").status_code == 303
    stale = post_form(client, f"/rubrics/{rid}/edit", data, page="/rubrics")
    assert stale.status_code == 400
    assert "评分表已有更新的版本" in stale.text
    assert len(sql(settings, "SELECT id FROM rubric WHERE code = 'screening'")) == 2
