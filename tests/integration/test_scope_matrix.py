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
    "/organizations/{id}/agreement",
    "/organizations/{id}/application",
    "/organizations/{id}/application/preview",
    "/organizations/{id}/application/receipt",
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
    ("/organizations/{id}/notes", {"kind": "note", "text": "x"}),
    ("/organizations/{id}/items", {"kind": "milestone", "title": "x"}),
    ("/organizations/{id}/outcomes", {"recorded_on": "2017-01-01", "registration_status": "filed"}),
    ("/organizations/{id}/checklist", {"item": "final_report", "done": "1"}),
    ("/organizations/{id}/support", {"kind": "coaching", "held_on": "2017-01-01", "topic": "x"}),
    (
        "/organizations/{id}/agreement",
        {
            "period_start": "2017-01-01",
            "period_end": "2017-12-31",
            "obligations": "x",
            "commitment": "x",
            "services": "mentoring",
            "version": "0",
        },
    ),
    ("/organizations/{id}/application", {"round_id": "1"}),
    ("/organizations/{id}/application/submit", {"version": "1"}),
    ("/organizations/{id}/application/files", {"kind": "charter"}),
    ("/organizations/{id}/evaluations", {"evaluated_on": "2017-06-01", "grade": "5A"}),
    ("/organizations/{id}/compliance", {"kind": "inspection", "year": "2016", "result": "fail"}),
)


def snapshot(settings, oid):
    org = sql(settings, "SELECT name, stage, version FROM organization WHERE id = $1", oid)[0]
    counts = {
        table: len(sql(settings, f"SELECT id FROM {table}"))  # noqa: S608 - fixed table names
        for table in (
            "organization_event",
            "work_item",
            "stored_file",
            "application",
            "entry_agreement",
            "support_record",
            "graduation_check",
            "organization_outcome",
            "evaluation",
            "compliance_record",
            "activity",
        )
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


def test_every_organization_route_is_in_the_matrix(settings):
    """A new route under an organization's id must be added above to be tried."""
    from incubator.app import create_app

    tried = set(READS) | {path for path, _data in WRITES}
    for route in create_app(settings).routes:
        if "{organization_id:int}" in route.path:
            assert route.path.replace("{organization_id:int}", "{id}") in tried, route.path
