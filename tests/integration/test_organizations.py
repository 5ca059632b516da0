"""The organization registry through the HTTP stack: scope, validation, locking, export."""

import io
import re

from openpyxl import load_workbook

from incubator.organizations.rules import credit_code_check_char
from tests.conftest import sql
from tests.support.web import login, post_form

VALID_CODE = "52320411MJ7654321"
VALID_CODE += credit_code_check_char(VALID_CODE)


def profile(**fields):
    return {
        "name": "祥龙社区银龄互助社",
        "org_type": "community_org",
        "registration_status": "filed",
        "registration_date": "2017-03-01",
        "service_field": "elderly",
        "community_id": "1",
        "contact_phone": "13900001111",
        "volunteers_count": "30",
        **fields,
    }


def org_id(settings, name):
    return sql(settings, "SELECT id FROM organization WHERE name = $1", name)[0]["id"]


def test_staff_register_an_organization_and_see_its_profile(client, settings):
    login(client, "staff")
    response = post_form(client, "/organizations/new", profile(), page="/organizations/new")
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "祥龙社区银龄互助社" in page and "已备案" in page and "13900001111" in page
    assert sql(
        settings,
        "SELECT action FROM audit_log WHERE table_name = 'organization' AND record_id = $1",
        str(org_id(settings, "祥龙社区银龄互助社")),
    ) == [{"action": "create"}]


def test_bad_input_is_refused_field_by_field_and_nothing_is_written(client, settings):
    login(client, "staff")
    before = len(sql(settings, "SELECT id FROM organization"))
    response = post_form(
        client,
        "/organizations/new",
        profile(
            name="青鸟志愿者服务队",
            registration_status="registered",
            credit_code=VALID_CODE[:17] + ("0" if VALID_CODE[17] != "0" else "1"),
            legal_rep_id_number="110105194912310021",
            contact_phone="电话",
        ),
        page="/organizations/new",
    )
    assert response.status_code == 400
    for message in (
        "已有同名的社会组织",
        "统一社会信用代码校验位不正确",
        "身份证号校验位不正确",
        "电话号码格式不正确",
    ):
        assert message in response.text, message
    numbers = post_form(
        client, "/organizations/new", profile(volunteers_count="-3"), page="/organizations/new"
    )
    assert "志愿者数必须在 0 到 1000000 之间" in numbers.text
    assert len(sql(settings, "SELECT id FROM organization")) == before


def test_a_credit_code_cannot_belong_to_two_organizations(client):
    login(client, "staff")
    first = profile(name="甲组织", registration_status="registered", credit_code=VALID_CODE)
    assert (
        post_form(client, "/organizations/new", first, page="/organizations/new").status_code == 303
    )
    second = {**first, "name": "乙组织"}
    response = post_form(client, "/organizations/new", second, page="/organizations/new")
    assert "该统一社会信用代码已登记在另一个组织名下" in response.text


def test_two_editors_at_once_one_wins_and_the_other_is_told(client, settings):
    login(client, "staff")
    oid = org_id(settings, "青鸟志愿者服务队")
    form = client.get(f"/organizations/{oid}/edit").text
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    data = profile(name="青鸟志愿者服务队", registration_date="2015-03-12", version=version)
    assert (
        post_form(
            client, f"/organizations/{oid}/edit", {**data, "volunteers_count": "130"}, page="/"
        ).status_code
        == 303
    )
    stale = post_form(
        client, f"/organizations/{oid}/edit", {**data, "volunteers_count": "999"}, page="/"
    )
    assert stale.status_code == 303
    assert "该记录已被他人修改" in client.get(stale.headers["location"]).text
    assert (
        sql(settings, "SELECT volunteers_count FROM organization WHERE id = $1", oid)[0][
            "volunteers_count"
        ]
        == 130
    )


def test_scoped_roles_see_only_their_own(client, settings):
    qingniao = org_id(settings, "青鸟志愿者服务队")  # 祥龙社区
    sunshine = org_id(settings, "常州市新北区阳光助残服务社")  # 新龙社区
    login(client, "xianglong")
    listing = client.get("/organizations").text
    assert "青鸟志愿者服务队" in listing and "阳光助残" not in listing
    assert client.get(f"/organizations/{sunshine}").status_code == 404
    assert client.get(f"/organizations/{sunshine}/edit").status_code == 404
    client.cookies.clear()
    login(client, "qingniao")
    listing = client.get("/organizations").text
    assert "青鸟志愿者服务队" in listing and "夕阳红" not in listing
    assert client.get(f"/organizations/{qingniao}").status_code == 200
    assert client.get(f"/organizations/{sunshine}").status_code == 404
    assert client.get(f"/organizations/{qingniao}/edit").status_code == 403


def test_a_community_officer_registers_into_their_own_community_only(client, settings):
    login(client, "xianglong")
    response = post_form(
        client,
        "/organizations/new",
        profile(name="越权组织", community_id="2"),
        page="/organizations/new",
    )
    # Another community is refused, not replaced by the officer's own.
    assert response.status_code == 400
    assert sql(settings, "SELECT id FROM organization WHERE name = '越权组织'") == []
    response = post_form(
        client, "/organizations/new", profile(name="本社区组织"), page="/organizations/new"
    )
    assert response.status_code == 303
    assert (
        sql(settings, "SELECT community FROM organization WHERE name = '本社区组织'")[0][
            "community"
        ]
        == 1
    )


def test_lists_mask_phones_and_filter(client):
    login(client, "assessor")
    page = client.get("/organizations?service_field=elderly").text
    assert "夕阳红" in page and "青鸟" not in page
    assert re.search(r"139\*\*\*\*\d{4}", page)
    assert "13912340012" not in page


def test_the_export_follows_the_filters_with_chinese_headers_and_masked_phones(client):
    login(client, "staff")
    response = client.get("/organizations/export.xlsx?registration_status=registered")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("组织名称", "统一社会信用代码", "组织类型", "登记状态")
    names = {r[0] for r in rows[1:]}
    assert "龙虎塘街道夕阳红助老服务中心" in names and "青鸟志愿者服务队" not in names
    assert all("****" in (r[9] or "****") for r in rows[1:])


def test_every_problem_is_reported_in_one_go(client):
    login(client, "staff")
    response = post_form(
        client,
        "/organizations/new",
        profile(name="青鸟志愿者服务队", service_field="", contact_phone="abc"),
        page="/organizations/new",
    )
    assert "请选择服务领域" in response.text
    assert "已有同名的社会组织" in response.text
    assert "电话号码格式不正确" in response.text
