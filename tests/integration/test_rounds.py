"""Recruitment rounds: staff set them up; online applications join the open one, within quota."""

import datetime as dt
import re

from tests.conftest import sql
from tests.integration.test_applications import (
    draft,
    register,
    submit_complete_application,
    upload,
)
from tests.support.web import login, post_form


def new_round(client, **fields):
    today = dt.date.today()
    data = {
        "name": "2017 年第一批",
        "opens_on": str(today - dt.timedelta(days=10)),
        "closes_on": str(today + dt.timedelta(days=10)),
        "quota": "1",
        "target_fields": ["elderly", "youth"],
        **fields,
    }
    return post_form(client, "/rounds/new", data, page="/rounds/new")


def test_staff_set_up_a_round_and_bad_dates_are_refused(client, settings):
    login(client, "staff")
    bad = new_round(client, closes_on="2000-01-01")
    assert bad.status_code == 400 and "截止日期不能早于开始日期" in bad.text
    assert new_round(client).status_code == 303
    page = client.get("/rounds").text
    assert "2017 年第一批" in page and "养老、青少年" in page
    client.cookies.clear()
    login(client, "assessor")
    assert client.get("/rounds").status_code == 403


def test_an_online_application_joins_the_open_round_and_the_quota_holds(client, settings):
    login(client, "staff")
    new_round(client)
    client.cookies.clear()
    oid = submit_complete_application(client)
    row = sql(settings, "SELECT round, status FROM application WHERE organization = $1", oid)[0]
    assert row["status"] == "submitted" and row["round"] is not None
    # The single place is taken: the next online applicant is told so.
    client.cookies.clear()
    response = register(client, username="second", organization_name="第二个组织")
    second = int(response.headers["location"].split("/")[2])
    draft(client, second)
    for document in ("charter", "founders_signatures", "leader_id", "project_proposal"):
        upload(client, second, document)
    preview = client.get(f"/organizations/{second}/application/preview").text
    version = re.search(r'name="version" value="(\d+)"', preview).group(1)
    refused = post_form(
        client, f"/organizations/{second}/application/submit", {"version": version}, page="/"
    )
    assert "名额已满" in client.get(refused.headers["location"]).text
    board = client.get("/pipeline")
    assert board.status_code == 403  # applicants do not see the board
    client.cookies.clear()
    login(client, "staff")
    round_id = row["round"]
    assert "书香读书会" in client.get(f"/pipeline?round={round_id}").text


def test_outside_every_round_online_applications_wait(client, settings):
    login(client, "staff")
    new_round(client, opens_on="2016-01-01", closes_on="2016-02-01")
    client.cookies.clear()
    oid = submit_complete_application(client)
    assert (
        sql(settings, "SELECT status FROM application WHERE organization = $1", oid)[0]["status"]
        == "draft"
    )
