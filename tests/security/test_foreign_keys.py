"""Posted foreign keys are checked against the caller's scope in the services, and ids no row
can have (beyond 32 bits, not digits) are refused as invalid values: no 500, nothing written."""

import io

import pytest
from openpyxl import Workbook

from incubator.activities import rules
from tests.conftest import sql
from tests.support import imports
from tests.support.web import login, post_form

OWN = "青鸟志愿者服务队"  # 祥龙社区, whose officer is xianglong
OTHER = "常州市新北区阳光助残服务社"  # 新龙社区
TOO_BIG = str(2**31)  # ids and integer columns are 32-bit on PostgreSQL


def org(settings, name):
    return sql(settings, "SELECT id, community FROM organization WHERE name = $1", name)[0]


def activities(settings):
    return sql(settings, "SELECT id, organization, community FROM activity ORDER BY id")


def record(client, **changes):
    data = {
        "title": "社区议事会",
        "category": "community",
        "held_on": "2017-10-28",
        "place": "祥龙社区活动室",
        "hours": "2",
        "participants": "20",
    } | changes
    return post_form(client, "/activities/new", data, page="/activities/new")


def test_a_community_officer_cannot_record_an_activity_for_another_communitys_organization(
    client, settings
):
    login(client, "xianglong")
    own_community = org(settings, OWN)["community"]
    before = activities(settings)
    response = record(
        client,
        organization_id=str(org(settings, OTHER)["id"]),
        community_id=str(own_community),
    )
    assert response.status_code == 400
    assert "社会组织不存在" in response.text
    assert activities(settings) == before


def test_a_community_officer_still_records_for_an_organization_of_their_own_community(
    client, settings
):
    login(client, "xianglong")
    own = org(settings, OWN)
    response = record(client, organization_id=str(own["id"]))
    assert response.status_code == 303, response.text[:400]
    assert activities(settings)[-1]["organization"] == own["id"]


def test_staff_may_record_for_any_organization(client, settings):
    login(client, "staff")
    other = org(settings, OTHER)
    response = record(client, organization_id=str(other["id"]))
    assert response.status_code == 303, response.text[:400]
    assert activities(settings)[-1]["community"] == other["community"]


def _sheet(organization, community):
    book = Workbook()
    sheet = book.active
    sheet.append([c.header for c in rules.IMPORT_COLUMNS])
    values = {
        "活动名称": "邻里节",
        "活动日期": "2017-06-30",
        "活动类别": "小组",
        "主办社会组织": organization,
        "社区": community,
        "活动地点": "社区广场",
        "服务时长（小时）": 2,
        "参与人次": 20,
    }
    sheet.append([values.get(c.header) for c in rules.IMPORT_COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_community_officer_cannot_import_activities_of_another_communitys_organization(
    client, settings
):
    assert "社区" in [c.header for c in rules.IMPORT_COLUMNS]
    login(client, "xianglong")
    before = activities(settings)
    _status, page = imports.import_file(client, "/activities/import", _sheet(OTHER, "祥龙社区"))
    assert f"找不到社会组织“{OTHER}”" in page
    assert activities(settings) == before
    _status, page = imports.import_file(client, "/activities/import", _sheet(OWN, "祥龙社区"))
    assert "导入 1 条记录" in page
    assert len(activities(settings)) == len(before) + 1


def test_registering_with_a_community_that_does_not_exist_is_a_field_error(client, settings):
    before = sql(settings, "SELECT id FROM organization")
    for community in ("999999", TOO_BIG):
        response = post_form(
            client,
            "/register",
            {
                "organization_name": "书香读书会",
                "registration_status": "unregistered",
                "service_field": "culture_sports",
                "community_id": community,
                "display_name": "周书香",
                "phone": "13951234567",
                "username": "shuxiang",
                "password": "reading-together",
            },
            page="/register",
        )
        assert response.status_code == 400, (community, response.status_code)
        assert "所选社区不存在" in response.text or "服务社区数值过大" in response.text
    assert sql(settings, "SELECT id FROM organization") == before
    assert sql(settings, "SELECT id FROM app_user WHERE username = 'shuxiang'") == []


def test_an_id_larger_than_any_column_holds_is_refused_in_a_form_with_a_message(client, settings):
    login(client, "staff")
    before = activities(settings)
    response = record(client, organization_id=TOO_BIG)
    assert response.status_code == 400
    assert "数值过大" in response.text
    assert activities(settings) == before


@pytest.mark.parametrize(
    "path",
    [
        f"/organizations/{TOO_BIG}",
        f"/activities/{TOO_BIG}",
        f"/work/{TOO_BIG}",
        f"/evaluations/{TOO_BIG}",
    ],
)
def test_a_page_for_an_id_larger_than_any_column_holds_is_not_found(client, path):
    login(client, "staff")
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("value", [TOO_BIG, "²", "١٢", "-3", "0"])
@pytest.mark.parametrize("page", ["/organizations", "/activities", "/evaluations", "/pipeline"])
def test_list_filters_ignore_ids_that_no_row_can_have(client, page, value):
    login(client, "staff")
    response = client.get(page, params={"community": value, "organization": value, "round": value})
    assert response.status_code == 200, (page, value)


ACTIVITY = {
    "title": "议事会",
    "category": "community",
    "held_on": "2017-10-28",
    "place": "活动室",
    "hours": "1",
    "participants": "1",
}
MISSING = "999999"


@pytest.mark.parametrize(
    ("who", "path", "data", "table", "message"),
    [
        (
            "staff",
            "/activities/new",
            ACTIVITY | {"community_id": MISSING},
            "activity",
            "所选社区不存在",
        ),
        (
            "staff",
            "/activities/new",
            ACTIVITY | {"organization_id": MISSING},
            "activity",
            "社会组织不存在",
        ),
        (
            "staff",
            "/activities/new",
            ACTIVITY | {"community_id": "1", "grid_id": MISSING},
            "activity",
            "所选网格不属于该社区",
        ),
        (
            "staff",
            "/work/new",
            {"kind": "follow_up", "title": "回访", "community_id": MISSING},
            "work_item",
            "所选社区不存在",
        ),
        (
            "staff",
            "/work/new",
            {"kind": "follow_up", "title": "回访", "owner_id": MISSING},
            "work_item",
            "所选负责人不存在或已停用",
        ),
        (
            "admin",
            "/admin/users/new",
            {
                "username": "zz",
                "password": "long-enough-pass",
                "role": "community",
                "community_id": MISSING,
            },
            "app_user",
            "所选社区不存在",
        ),
        (
            "admin",
            "/admin/users/new",
            {
                "username": "zz",
                "password": "long-enough-pass",
                "role": "applicant",
                "organization_id": MISSING,
            },
            "app_user",
            "所选社会组织不存在",
        ),
    ],
)
def test_a_foreign_key_to_no_row_is_a_field_error_and_writes_nothing(
    client, settings, who, path, data, table, message
):
    login(client, who)
    before = sql(settings, f"SELECT id FROM {table}")
    response = post_form(client, path, data, page=path)
    assert response.status_code == 400, response.status_code
    assert message in response.text
    assert sql(settings, f"SELECT id FROM {table}") == before
