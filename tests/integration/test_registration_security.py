"""The public /register page: throttled per client address, no 500 on a bad community, no
confirmation that a username or an organization name exists, no control characters in names."""

import datetime as dt
import re

from tests.conftest import db_time, sql
from tests.integration.test_applications import register
from tests.support.web import post_form

# Litestar's test client connects from this address.
TEST_CLIENT_IP = "testclient"


def counts(settings) -> tuple[int, int]:
    return (
        len(sql(settings, "SELECT id FROM organization")),
        len(sql(settings, "SELECT id FROM app_user")),
    )


def attempts_from(settings, ip: str, n: int, minutes_ago: int) -> None:
    at = db_time(settings, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago))
    for _ in range(n):
        sql(settings, "INSERT INTO registration_attempt (client_ip, at) VALUES ($1, $2)", ip, at)


def test_an_address_may_register_five_times_an_hour_and_the_sixth_is_refused(client, settings):
    for i in range(5):
        response = register(client, username=f"reader{i}", organization_name=f"读书会{i}")
        assert response.status_code == 303, response.text[:300]
        client.cookies.clear()
    before = counts(settings)
    refused = register(client, username="reader5", organization_name="读书会5")
    assert refused.status_code == 429
    assert "注册过多" in refused.text
    assert counts(settings) == before
    assert sql(settings, "SELECT id FROM app_user WHERE username = 'reader5'") == []


def test_the_throttle_is_checked_before_any_name_is_looked_up(client, settings):
    attempts_from(settings, TEST_CLIENT_IP, 5, minutes_ago=1)
    # A taken username: the answer is the throttle, so refusals cannot be used to probe names.
    refused = register(client, username="staff")
    assert refused.status_code == 429 and "注册未能受理" not in refused.text


def test_tries_of_other_addresses_and_of_more_than_an_hour_ago_do_not_count(client, settings):
    attempts_from(settings, "10.0.0.9", 5, minutes_ago=1)
    attempts_from(settings, TEST_CLIENT_IP, 5, minutes_ago=61)
    assert register(client).status_code == 303


def test_a_form_with_field_errors_does_not_use_up_a_try(client, settings):
    for _ in range(6):
        assert register(client, phone="电话").status_code == 400
    assert sql(settings, "SELECT id FROM registration_attempt") == []


def test_an_unknown_community_is_a_field_error_not_a_server_error(client, settings):
    before = counts(settings)
    response = register(client, community_id="987654")
    assert response.status_code == 400
    assert "所选社区不存在" in response.text
    assert counts(settings) == before


def test_a_taken_username_and_a_taken_organization_name_get_the_same_answer(client, settings):
    taken_name = sql(settings, "SELECT name FROM organization ORDER BY id LIMIT 1")[0]["name"]
    before = counts(settings)
    by_username = register(client, username="staff")
    by_name = register(client, organization_name=taken_name, username="brand_new_1")
    for response in (by_username, by_name):
        assert response.status_code == 400
        assert "注册未能受理" in response.text
        assert "已被使用" not in response.text and "同名" not in response.text
        # The refusal is about the form, not pinned to one field.
        assert 'class="error"' not in response.text
    assert counts(settings) == before


def test_names_with_line_breaks_or_nul_are_refused_and_nothing_is_written(client, settings):
    before = counts(settings)
    for name in ("新组织\r\nBcc: x@example.org", "新组织\x00", "新\u2028组织"):
        response = register(client, organization_name=name)
        assert response.status_code == 400
        assert "不能包含换行或其他控制字符" in response.text
    response = register(client, display_name="周\n书香")
    assert response.status_code == 400 and "不能包含换行或其他控制字符" in response.text
    assert counts(settings) == before


def test_a_textarea_keeps_its_line_breaks_but_refuses_nul(client, settings):
    response = register(client)
    oid = int(response.headers["location"].split("/")[2])
    page = client.get(f"/organizations/{oid}/application").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)

    def save(summary: str):
        data = {"project_summary": summary, "version": version, "action": "save"}
        return post_form(client, f"/organizations/{oid}/application", data, page="/")

    assert save("第一行\r\n第二行\t缩进").status_code == 303
    refused = save("第一行\x00")
    assert refused.status_code == 400 and "不能包含控制字符" in refused.text
    summary = sql(settings, "SELECT project_summary FROM application WHERE organization = $1", oid)
    assert summary[0]["project_summary"] == "第一行\r\n第二行\t缩进"
