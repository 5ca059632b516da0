"""A name a stranger types at /register is data on every staff page: never markup, never a
format string, never looked up in the translation catalog."""

import io

import pytest
from markupsafe import escape
from openpyxl import load_workbook

from tests.conftest import sql
from tests.integration.test_applications import register
from tests.support.web import login, logout

HOSTILE = '100%公益 %s %(x)s {} {0} <b id="inj">x</b>\'"</option></select><b>INJECTED</b>'
ESCAPED = str(escape(HOSTILE))
# A name that happens to be a message of the catalog stays as typed in English too.
CATALOG_WORD = "请选择"

STAFF_PAGES = (
    "/",
    "/my-work",
    "/pipeline",
    "/organizations",
    "/organizations/{oid}",
    "/organizations/{oid}/edit",
    "/activities",
    "/activities/new",
    "/activities/import",
    "/work",
    "/work/new",
    "/evaluations",
    "/reviews",
    "/reviews/assign",
    "/center/space",
    "/communities",
    "/communities/1",
)
ADMIN_PAGES = ("/admin/users", "/admin/users/new", "/admin/audit")


@pytest.fixture
def hostile_org(client, settings):
    response = register(client, organization_name=HOSTILE, username="hostile1")
    assert response.status_code == 303, response.text[:500]
    logout(client)
    rows = sql(settings, "SELECT id FROM organization WHERE name = $1", HOSTILE)
    assert len(rows) == 1
    return rows[0]["id"]


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_a_hostile_organization_name_shows_literally_on_every_staff_page(client, hostile_org, lang):
    client.cookies.set("lang", lang)
    for username, pages in (("staff", STAFF_PAGES), ("admin", ADMIN_PAGES)):
        login(client, username)
        for template in pages:
            path = template.format(oid=hostile_org)
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            assert '<b id="inj">' not in response.text, path
            assert "<b>INJECTED</b>" not in response.text, path
        logout(client)
    login(client, "admin")
    for path in ("/activities", "/activities/new", "/admin/users/new", "/organizations"):
        assert ESCAPED in client.get(path).text, path


def test_a_community_officer_sees_a_hostile_name_as_text_in_the_ledger_filter(client, hostile_org):
    login(client, "xianglong")  # the name was registered into community 1, 祥龙社区
    for path in ("/activities", "/activities/new", "/organizations"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "<b>INJECTED</b>" not in response.text
        assert "&lt;/option&gt;&lt;/select&gt;&lt;b&gt;INJECTED&lt;/b&gt;" in response.text


def test_exports_carry_the_hostile_name_as_plain_text(client, hostile_org):
    login(client, "staff")
    response = client.get("/organizations/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = {row[0] for row in sheet.iter_rows(values_only=True)} | {
        cell for row in sheet.iter_rows(values_only=True) for cell in row
    }
    assert HOSTILE in names


def test_a_name_equal_to_a_catalog_message_is_not_translated(client, settings):
    response = register(client, organization_name=CATALOG_WORD, username="catalog1")
    assert response.status_code == 303
    logout(client)
    login(client, "staff")
    client.cookies.set("lang", "en")
    page = client.get("/organizations").text
    assert f">{CATALOG_WORD}<" in page  # the name, as typed
    assert "Please choose" not in page.split("<tbody", 1)[1]
