"""Every organization-scoped route, tried by an applicant and a community officer with another
organization's id: nothing of it is shown and nothing changes."""

import io

import pytest
from openpyxl import load_workbook

from tests.conftest import sql
from tests.support.web import csrf_token, login

OTHER = "常州市新北区阳光助残服务社"  # 新龙社区, not 青鸟's and not 祥龙社区's

READS = (
    "/organizations/{id}",
    "/organizations/{id}/edit",
    "/api/v1/organizations/{id}",
)
WRITES = (
    (
        "/organizations/{id}/edit",
        {
            "name": "被篡改",
            "org_type": "community_org",
            "registration_status": "unregistered",
            "service_field": "other",
            "version": "1",
        },
    ),
    ("/organizations/{id}/transition", {"code": "accept", "version": "1"}),
    ("/organizations/{id}/transition", {"code": "withdraw", "version": "1", "reason": "x"}),
    ("/organizations/{id}/reviewers", {"assessor": "3"}),
)


def snapshot(settings, oid):
    org = sql(settings, "SELECT name, stage, version FROM organization WHERE id = $1", oid)[0]
    counts = {
        table: len(sql(settings, f"SELECT id FROM {table}"))  # noqa: S608 - fixed table names
        for table in ("organization_event", "work_item", "stored_file")
    }
    return org, counts


@pytest.mark.parametrize("username", ["qingniao", "xianglong"])
def test_another_organizations_routes_show_and_change_nothing(client, settings, username):
    oid = sql(settings, "SELECT id FROM organization WHERE name = $1", OTHER)[0]["id"]
    before = snapshot(settings, oid)
    login(client, username)
    for path in READS:
        response = client.get(path.format(id=oid))
        assert response.status_code in (403, 404), path
        assert OTHER not in response.text, path
    for path, data in WRITES:
        token = csrf_token(client, "/")
        response = client.post(path.format(id=oid), data={**data, "_csrf_token": token})
        assert response.status_code in (303, 403, 404), path
        if response.status_code == 303:
            assert OTHER not in client.get(response.headers["location"]).text
    assert OTHER not in client.get("/organizations").text
    sheet = load_workbook(io.BytesIO(client.get("/organizations/export.xlsx").content)).active
    assert OTHER not in {row[0] for row in sheet.iter_rows(values_only=True)}
    assert OTHER not in str(client.get("/api/v1/organizations").json())
    assert snapshot(settings, oid) == before
