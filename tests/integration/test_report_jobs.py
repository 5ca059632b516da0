"""Reports as jobs and from the cache: a long report renders in the background with its
progress, waits under "my reports" for its owner only, says why it failed; an unchanged report
comes from the cache and a changed record makes a new one."""

import pytest
from litestar.testing import TestClient

from incubator.app import create_app
from tests.conftest import TEST_HOST, make_settings
from tests.integration.test_activities import QINGNIAO, org_id, record
from tests.integration.test_reports import needs_poppler, pdf_text
from tests.support.reports import render_time_limit, start_job, wait_for
from tests.support.web import login, logout


@pytest.fixture
def jobs_client(tmp_path, database_url):
    """Every report a job: the threshold set to 0 pages, so a small ledger takes the path a
    long one takes."""
    settings = make_settings(
        tmp_path, database_url, INCUBATOR_REPORT_INLINE_PAGES="0", INCUBATOR_JOBS_IN_WEB="1"
    )
    with TestClient(create_app(settings), base_url=f"http://{TEST_HOST}") as client:
        client.follow_redirects = False
        yield client


@needs_poppler
def test_a_long_report_runs_as_a_job_and_waits_under_my_reports(jobs_client, settings, tmp_path):
    client = jobs_client
    login(client, "staff")
    record(client, organization_id=str(org_id(settings, QINGNIAO)))
    job_id = start_job(client, "/reports/ledger.pdf?year=2017")
    page = client.get(f"/reports/jobs/{job_id}").text
    assert "祥龙社区" in page or "服务记录台账" in page
    status = wait_for(client, job_id)
    assert status["status"] == "done"
    assert status["fields"]["pages_done"] == status["fields"]["pages"] >= 1
    assert status["fields"]["rows_done"] == status["fields"]["rows"] == 1
    page = client.get(f"/reports/jobs/{job_id}").text
    assert f"/reports/jobs/{job_id}/file" in page
    pdf = client.get(f"/reports/jobs/{job_id}/file")
    assert pdf.headers["content-type"] == "application/pdf"
    assert "重阳节敬老茶话会" in pdf_text(tmp_path, pdf.content)
    mine = client.get("/reports/mine").text
    assert "服务记录台账" in mine and f"/reports/jobs/{job_id}/file" in mine
    # Someone else neither sees it listed nor reaches it.
    logout(client)
    login(client, "qingniao")
    assert f"/reports/jobs/{job_id}" not in client.get("/reports/mine").text
    assert client.get(f"/reports/jobs/{job_id}").status_code == 404
    assert client.get(f"/reports/jobs/{job_id}/file").status_code == 404


def test_a_client_that_does_not_ask_for_html_gets_202_and_the_job(jobs_client):
    client = jobs_client
    login(client, "staff")
    response = client.get("/reports/ledger.pdf?year=2017", headers={"Accept": "*/*"})
    assert response.status_code == 202
    job_id = response.json()["job"]
    assert response.headers["location"] == f"/reports/jobs/{job_id}"
    status = wait_for(client, job_id)
    assert status["status"] == "done", client.get(f"/reports/jobs/{job_id}").text[-2000:]
    # Made once, the same address now answers with the file itself.
    again = client.get("/reports/ledger.pdf?year=2017", headers={"Accept": "*/*"})
    assert again.status_code == 200, again.text[:500]
    assert again.content.startswith(b"%PDF")


def test_a_failed_job_says_why_and_offers_to_try_again(jobs_client, settings):
    client = jobs_client
    login(client, "staff")
    record(client, organization_id=str(org_id(settings, QINGNIAO)))
    with render_time_limit(client, 0.001):
        job_id = start_job(client, "/reports/ledger.pdf?year=2017")
        assert wait_for(client, job_id)["status"] == "failed"
    page = client.get(f"/reports/jobs/{job_id}").text
    assert "报表生成超时" in page and 'href="/reports/ledger.pdf?year=2017"' in page
    assert "报表生成超时" in client.get("/reports/mine").text


@needs_poppler
def test_an_unchanged_report_comes_from_the_cache_and_a_change_makes_a_new_one(
    client, settings, tmp_path
):
    login(client, "staff")
    oid = str(org_id(settings, QINGNIAO))
    record(client, organization_id=oid)
    first = client.get("/reports/ledger.pdf?year=2017")
    assert first.status_code == 200
    again = client.get("/reports/ledger.pdf?year=2017")
    assert again.content == first.content  # the very file, print time included
    other_filter = client.get("/reports/ledger.pdf?year=2017&category=community")
    assert other_filter.content != first.content
    record(client, title="端午节包粽子", organization_id=oid)
    changed = client.get("/reports/ledger.pdf?year=2017")
    assert changed.content != first.content
    assert "端午节包粽子" in pdf_text(tmp_path, changed.content)


@needs_poppler
def test_the_cache_is_not_shared_across_scopes(client, settings, tmp_path):
    login(client, "staff")
    record(client, organization_id=str(org_id(settings, QINGNIAO)))
    record(
        client,
        title="阳光助残康复小组",
        organization_id=str(org_id(settings, "常州市新北区阳光助残服务社")),
    )
    assert "阳光助残康复小组" in pdf_text(tmp_path, client.get("/reports/ledger.pdf").content)
    logout(client)
    login(client, "qingniao")
    own = pdf_text(tmp_path, client.get("/reports/ledger.pdf").content)
    assert "重阳节敬老茶话会" in own and "阳光助残康复小组" not in own
