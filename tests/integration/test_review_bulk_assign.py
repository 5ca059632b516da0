"""Bulk assignment of screening assessors: several assessors to several organizations at once,
all or nothing, never twice the same assessor on the same organization."""

import datetime as dt

import pytest

from tests.conftest import db_time, sql
from tests.integration.test_reviews import assign as assign_one
from tests.support.web import csrf_token, login, post_form

QINGNIAO = "青鸟志愿者服务队"
XIYANGHONG = "龙虎塘街道夕阳红助老服务中心"
PAGE = "/reviews/assign"


def org_id(settings, name):
    return sql(settings, "SELECT id FROM organization WHERE name = $1", name)[0]["id"]


def user_id(settings, username):
    return sql(settings, "SELECT id FROM app_user WHERE username = $1", username)[0]["id"]


def to_stage(settings, name, stage="screening"):
    since = dt.datetime(2017, 3, 1, tzinfo=dt.UTC)
    sql(
        settings,
        "UPDATE organization SET stage = $1, stage_since = $2, version = version + 1 "
        "WHERE name = $3",
        stage,
        db_time(settings, since),
        name,
    )
    return org_id(settings, name)


def bulk(client, settings, organizations, assessors, due_date="2017-06-30"):
    data = {
        "organization": [str(o) for o in organizations],
        "assessor": [str(user_id(settings, a)) for a in assessors],
        "due_date": due_date,
    }
    return post_form(client, PAGE, data, page=PAGE)


def reviews(settings):
    return sql(
        settings,
        "SELECT subject_id, owner, due_date, status FROM work_item "
        "WHERE kind = 'screening_review' ORDER BY subject_id, owner",
    )


@pytest.fixture
def two_in_screening(client, settings):
    ids = [to_stage(settings, QINGNIAO), to_stage(settings, XIYANGHONG)]
    login(client, "staff")
    return ids


def test_staff_see_the_organizations_in_screening_with_their_reviewers(
    client, settings, two_in_screening
):
    assign_one(client, two_in_screening[0], "assessor", settings=settings)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert QINGNIAO in page.text and XIYANGHONG in page.text
    assert '李评审<span class="muted">（待评分）</span>' in page.text
    assert '<td class="num">1</td>' in page.text and '<td class="num">0</td>' in page.text
    assert 'name="organization"' in page.text and 'name="assessor"' in page.text
    assert 'name="_csrf_token"' in page.text
    assert "阳光助残" not in page.text  # not in screening


def test_two_assessors_times_two_organizations_make_four_reviews(
    client, settings, two_in_screening
):
    response = bulk(client, settings, two_in_screening, ["assessor", "assessor2"])
    assert response.status_code == 303 and response.headers["location"] == PAGE
    page = client.get(PAGE).text
    assert "已为 2 个社会组织新安排 4 项评审任务" in page
    rows = reviews(settings)
    owners = {user_id(settings, "assessor"), user_id(settings, "assessor2")}
    assert {(r["subject_id"], r["owner"]) for r in rows} == {
        (o, a) for o in two_in_screening for a in owners
    }
    assert all(str(r["due_date"]) == "2017-06-30" and r["status"] == "assigned" for r in rows)
    audit = sql(
        settings,
        "SELECT record_id FROM audit_log WHERE table_name = 'work_item' AND action = 'create'",
    )
    assert len(audit) == 4
    # The assessors find their work on their own list.
    client.cookies.clear()
    login(client, "assessor2")
    mine = client.get("/reviews").text
    assert f"{QINGNIAO}：筛选评审" in mine and f"{XIYANGHONG}：筛选评审" in mine


def test_running_it_again_skips_who_is_already_assigned(client, settings, two_in_screening):
    assign_one(client, two_in_screening[0], "assessor", settings=settings)  # one by hand first
    assert len(reviews(settings)) == 1
    bulk(client, settings, two_in_screening, ["assessor", "assessor2"])
    assert len(reviews(settings)) == 4
    assert "新安排 3 项评审任务。1 项此前已安排，未重复安排" in client.get(PAGE).text
    again = bulk(client, settings, two_in_screening, ["assessor", "assessor2"])
    assert again.status_code == 303
    assert "新安排 0 项评审任务。4 项此前已安排，未重复安排" in client.get(PAGE).text
    assert len(reviews(settings)) == 4


def test_one_organization_no_longer_in_screening_stops_the_whole_assignment(
    client, settings, two_in_screening
):
    page = client.get(PAGE).text  # both were listed when the page was opened
    assert XIYANGHONG in page
    to_stage(settings, XIYANGHONG, "entry")  # meanwhile, someone admitted it
    audit_before = len(sql(settings, "SELECT id FROM audit_log"))
    response = bulk(client, settings, two_in_screening, ["assessor", "assessor2"])
    assert response.status_code == 400
    assert "未安排任何评审" in response.text
    assert f"“{XIYANGHONG}”已不在“筛选评估”阶段（现为“入壳”）" in response.text
    assert reviews(settings) == []
    assert sql(settings, "SELECT id FROM work_item") == []
    assert len(sql(settings, "SELECT id FROM audit_log")) == audit_before
    # What was ticked stays ticked.
    assert f'name="organization" value="{two_in_screening[0]}" checked' in response.text


def test_an_unknown_organization_or_a_non_assessor_changes_nothing(
    client, settings, two_in_screening
):
    data = {
        "organization": [str(two_in_screening[0]), "999999"],
        "assessor": [str(user_id(settings, "assessor"))],
        "due_date": "",
    }
    response = post_form(client, PAGE, data, page=PAGE)
    assert response.status_code == 400 and "社会组织不存在（编号 999999）" in response.text
    response = bulk(client, settings, two_in_screening, ["assessor", "xianglong"])
    assert response.status_code == 400 and "所选评审不存在或已停用" in response.text
    assert reviews(settings) == []


@pytest.mark.parametrize(
    ("organizations", "assessors", "due_date", "messages"),
    [
        ([], ["assessor"], "2017-06-30", ["请至少选择一个社会组织"]),
        ("both", [], "2017-06-30", ["请至少选择一位评审"]),
        ("both", ["assessor"], "2017-13-45", ["评分期限不是有效日期"]),
        ([], [], "明天", ["请至少选择一个社会组织", "请至少选择一位评审", "评分期限不是有效日期"]),
    ],
)
def test_bad_input_is_explained_in_chinese_and_changes_nothing(
    client, settings, two_in_screening, organizations, assessors, due_date, messages
):
    chosen = two_in_screening if organizations == "both" else organizations
    response = bulk(client, settings, chosen, assessors, due_date=due_date)
    assert response.status_code == 400
    assert "请修正下面标出的错误" in response.text
    for message in messages:
        assert message in response.text, message
    assert reviews(settings) == []


@pytest.mark.parametrize("username", ["assessor", "xianglong", "qingniao"])
def test_other_roles_cannot_open_or_post_the_bulk_page(client, settings, username):
    oid = to_stage(settings, QINGNIAO)
    assessor = user_id(settings, "assessor")
    login(client, username)
    assert client.get(PAGE).status_code == 403
    token = csrf_token(client, "/")
    response = client.post(
        PAGE,
        data={"organization": [str(oid)], "assessor": [str(assessor)], "_csrf_token": token},
    )
    assert response.status_code == 403
    assert reviews(settings) == []


def test_staff_reach_the_page_from_the_review_list_and_the_board(client, settings):
    to_stage(settings, QINGNIAO)
    login(client, "staff")
    assert f'href="{PAGE}"' in client.get("/reviews").text
    assert f'href="{PAGE}"' in client.get("/pipeline").text
    client.cookies.clear()
    login(client, "assessor")
    assert f'href="{PAGE}"' not in client.get("/reviews").text
    assert f'href="{PAGE}"' not in client.get("/pipeline").text
