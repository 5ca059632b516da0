"""Reports under limits: a report address takes only the parameters its report reads (and the
cache keys on them as read), a ledger has a row cap, a user has a few jobs at once, a queued job
builds its report in its turn, an internal error is reported by reference, and a ledger never
names a record outside its reader's scope."""

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from litestar.testing import TestClient

from incubator.app import create_app
from tests.conftest import TEST_HOST, db_time, make_settings, sql
from tests.integration.test_activities import OTHER, QINGNIAO, org_id, record
from tests.integration.test_reports import needs_poppler, pdf_text
from tests.integration.test_showcase import highlighted
from tests.support.reports import HTML, render_job, start_job, turns_taken, wait_for
from tests.support.web import login, logout


@contextmanager
def app_client(tmp_path, database_url, **env: str) -> Iterator[TestClient]:
    settings = make_settings(tmp_path, database_url, **{"INCUBATOR_JOBS_IN_WEB": "1", **env})
    with TestClient(create_app(settings), base_url=f"http://{TEST_HOST}") as client:
        client.follow_redirects = False
        yield client


@pytest.fixture
def jobs_client(tmp_path, database_url) -> Iterator[TestClient]:
    """Every report a job (0 pages are made while the caller waits)."""
    with app_client(tmp_path, database_url, INCUBATOR_REPORT_INLINE_PAGES="0") as client:
        yield client


def job_count(settings) -> int:
    return sql(settings, "SELECT COUNT(*) AS n FROM report_job")[0]["n"]


def community_id(settings, name: str) -> int:
    return sql(settings, "SELECT id FROM community WHERE name = $1", name)[0]["id"]


def flashed(client, response) -> str:
    assert response.status_code == 303, response.text[:300]
    return client.get(response.headers["location"]).text


def test_a_report_address_with_an_unknown_parameter_is_refused_and_makes_nothing(client, settings):
    login(client, "staff")
    oid = org_id(settings, QINGNIAO)
    record(client, organization_id=str(oid))
    for address, unknown in (
        ("/reports/ledger.pdf?year=2017&x=1", "x"),
        ("/reports/ledger.pdf?page=2", "page"),
        ("/reports/ledger.xlsx?category=community&view=month", "view"),
        (f"/reports/showcase/{oid}.pdf?year=2017&nocache=1", "nocache"),
        (f"/reports/showcase/{oid}.xlsx?lang=en", "lang"),
        ("/reports/showcase/center/2017.pdf?year=2017", "year"),
        (f"/reports/dossier/{oid}.zip?a=", "a"),
        (f"/reports/decision/{oid}.pdf?x=1", "x"),
        ("/reports/mine?x=1", "x"),
        ("/reports/ledger.pdf?%3Cb%3Ebold%3C%2Fb%3E=1", "&lt;b&gt;bold&lt;/b&gt;"),
    ):
        response = client.get(address, headers=HTML)
        assert response.status_code == 400, address
        assert response.headers["content-type"].startswith("text/html")
        assert "报表地址含有不支持的参数" in response.text and unknown in response.text, address
    assert "<b>bold</b>" not in response.text  # a parameter's name is shown as text
    assert job_count(settings) == 0
    assert not settings.reports_dir.exists() or not any(settings.reports_dir.iterdir())
    # The parameters each report reads are still taken.
    assert client.get("/reports/ledger.pdf?year=2017&sort=-held_on&photos=1").status_code == 200
    assert client.get(f"/reports/showcase/{oid}.xlsx?year=2017").status_code == 200


def test_the_cache_key_takes_the_known_filters_as_the_report_reads_them(client, settings):
    login(client, "staff")
    record(client, organization_id=str(org_id(settings, QINGNIAO)))
    first = client.get("/reports/ledger.pdf?year=2017")
    assert first.status_code == 200 and job_count(settings) == 1
    # Empty, default and unreadable values read as absent: the same report, from the cache.
    for same in (
        "?year=2017&category=&status=&q=&organization=&community=",
        "?year=02017&sort=held_on&photos=0",
        "?year=2017&date_from=not-a-date&highlight=0&category=unknown&status=%20",
        "?q=%20%20&year=2017",
    ):
        again = client.get("/reports/ledger.pdf" + same)
        assert again.status_code == 200 and again.content == first.content, same
    assert job_count(settings) == 1  # nothing was rendered again
    # A filter the report does read makes another one.
    assert client.get("/reports/ledger.pdf?year=2017&category=community").status_code == 200
    assert job_count(settings) == 2
    # Thousands of digits are no year (and no 500): the ledger of all dates.
    assert client.get("/reports/ledger.pdf?year=" + "9" * 5000).status_code == 200
    assert client.get("/reports/ledger.pdf").status_code == 200 and job_count(settings) == 3


def test_a_ledger_over_the_row_cap_is_refused_with_advice_to_narrow_the_filters(
    tmp_path, database_url
):
    with app_client(tmp_path, database_url, INCUBATOR_REPORT_MAX_ROWS="1") as client:
        settings = make_settings(tmp_path, database_url)
        login(client, "staff")
        oid = str(org_id(settings, QINGNIAO))
        record(client, organization_id=oid)
        record(client, title="消防安全培训", category="training", organization_id=oid)
        for address in ("/reports/ledger.pdf?year=2017", "/reports/ledger.xlsx?year=2017"):
            response = client.get(address, headers=HTML)
            assert response.headers["location"] == "/activities?year=2017", address
            page = flashed(client, response)
            assert "符合条件的记录有 2 条，超过一份台账报表的上限 1 条" in page, address
            assert "请缩小筛选范围" in page
        assert job_count(settings) == 0
        narrowed = client.get("/reports/ledger.pdf?year=2017&category=training")
        assert narrowed.status_code == 200 and narrowed.content.startswith(b"%PDF")
        assert client.get("/reports/ledger.xlsx?category=training").status_code == 200


def test_a_user_may_have_three_reports_queued_or_running_at_once(jobs_client, settings):
    client = jobs_client
    login(client, "staff")
    record(client, organization_id=str(org_id(settings, QINGNIAO)))
    with turns_taken(client):
        queued = [start_job(client, f"/reports/ledger.pdf?year={y}") for y in (2017, 2016, 2015)]
        statuses = sql(settings, "SELECT status FROM report_job ORDER BY id")
        assert [r["status"] for r in statuses] == ["queued"] * 3
        # The same report again is the job already under way.
        assert start_job(client, "/reports/ledger.pdf?year=2016") == queued[1]
        refused = client.get("/reports/ledger.pdf?year=2014", headers=HTML)
        assert refused.headers["location"] == "/reports/mine"
        page = flashed(client, refused)
        assert "您已有 3 份报表在排队或生成中，请等其中一份完成后再生成新的报表" in page
        answer = client.get("/reports/ledger.pdf?year=2014", headers={"Accept": "*/*"})
        assert answer.status_code == 429 and "您已有 3 份报表" in answer.json()["message"]
        assert job_count(settings) == 3
        # The limit is each user's own.
        logout(client)
        login(client, "assessor")
        others = start_job(client, "/reports/ledger.pdf?year=2014")
    assert wait_for(client, others)["status"] == "done"
    logout(client)
    login(client, "staff")
    assert all(wait_for(client, job)["status"] == "done" for job in queued)
    again = start_job(client, "/reports/ledger.pdf?year=2014")  # places free again
    assert wait_for(client, again)["status"] == "done"


def test_jobs_whose_process_stopped_are_interrupted_and_free_their_places(tmp_path, database_url):
    """Three entries: one whose job's process stopped beating long ago (killed), one whose job
    was never recorded (an entry from before jobs lived in the database), one whose job the
    runner already marked interrupted. None counts against the limit; each says it was
    interrupted; asking again renders."""
    settings = make_settings(tmp_path, database_url)
    staff = sql(settings, "SELECT id FROM app_user WHERE username = 'staff'")[0]["id"]
    ten_minutes_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    long_ago = db_time(settings, ten_minutes_ago)
    job_ids = [
        render_job(settings, status, ten_minutes_ago, "killed")
        for status in ("running", "interrupted")
    ]
    for n, job_id in enumerate([job_ids[0], None, job_ids[1]]):
        sql(
            settings,
            "INSERT INTO report_job (created_by, created_at, kind, title, address, "
            "download_name, cache_key, status, rows, pages, size, message, job_id) "
            "VALUES ($1, $2, 'ledger', '旧任务', '/reports/ledger.pdf', 'a.pdf', $3, $4, "
            "0, 0, 0, '', $5)",
            staff,
            long_ago,
            f"{n:064d}",
            "running" if n == 0 else "queued",
            job_id,
        )
    with app_client(tmp_path, database_url, INCUBATOR_REPORT_INLINE_PAGES="0") as client:
        login(client, "staff")
        mine = client.get("/reports/mine").text
        assert mine.count("失败") >= 3
        entries = sql(settings, "SELECT id FROM report_job ORDER BY id")
        for entry in entries:
            page = client.get(f"/reports/jobs/{entry['id']}").text
            assert "报表生成已中断（服务重启或进程退出），请重新生成" in page
        job_id = start_job(client, "/reports/ledger.pdf?year=2017")
        assert wait_for(client, job_id)["status"] == "done"


@needs_poppler
def test_a_queued_job_builds_its_report_when_its_turn_comes(jobs_client, settings, tmp_path):
    client = jobs_client
    login(client, "staff")
    oid = str(org_id(settings, QINGNIAO))
    record(client, organization_id=oid)
    with turns_taken(client):
        job_id = start_job(client, "/reports/ledger.pdf?year=2017")
        assert sql(settings, "SELECT status FROM report_job")[0]["status"] == "queued"
        record(client, title="端午节包粽子", organization_id=oid)  # after it was asked for
    assert wait_for(client, job_id)["status"] == "done"
    text = pdf_text(tmp_path, client.get(f"/reports/jobs/{job_id}/file").content)
    assert "重阳节敬老茶话会" in text and "端午节包粽子" in text
    row = sql(settings, "SELECT rows, pages FROM report_job WHERE id = $1", job_id)[0]
    assert (row["rows"], row["pages"]) == (2, 1)


def test_a_showcase_job_is_built_in_its_turn_too(jobs_client, settings):
    client = jobs_client
    login(client, "staff")
    highlighted(client, settings, title="重阳敬老文艺汇演")
    oid = org_id(settings, QINGNIAO)
    with turns_taken(client):
        job_id = start_job(client, f"/reports/showcase/{oid}.pdf?year=2017")
        assert sql(settings, "SELECT status FROM report_job")[0]["status"] == "queued"
    assert wait_for(client, job_id)["status"] == "done"
    assert client.get(f"/reports/jobs/{job_id}/file").content.startswith(b"%PDF")


def test_an_internal_error_in_a_job_is_shown_by_reference_and_logged(jobs_client, settings, caplog):
    client = jobs_client
    login(client, "staff")
    record(client, organization_id=str(org_id(settings, QINGNIAO)))
    # The file cannot be stored: an error of ours, whose text names a path on the server.
    settings.reports_dir.parent.mkdir(parents=True, exist_ok=True)
    settings.reports_dir.write_text("not a directory")
    with caplog.at_level(logging.ERROR, logger="incubator.reporting"):
        job_id = start_job(client, "/reports/ledger.pdf?year=2017")
        assert wait_for(client, job_id)["status"] == "failed"
    # The reference names the render job (the log's), which several entries may share.
    render = sql(settings, "SELECT job_id FROM report_job WHERE id = $1", job_id)[0]["job_id"]
    reference = f"R{render}"
    for page in (client.get(f"/reports/jobs/{job_id}").text, client.get("/reports/mine").text):
        assert f"报表生成失败（内部错误，编号 {reference}）" in page
        assert str(settings.data_dir) not in page and "Errno" not in page
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and logged[0].exc_info is not None


def test_a_ledger_filter_naming_a_record_outside_the_callers_scope_is_refused(client, settings):
    login(client, "staff")
    own, other = org_id(settings, QINGNIAO), org_id(settings, OTHER)
    record(client, organization_id=str(own))
    record(client, title="阳光助残康复小组", organization_id=str(other))
    xinlong, xianglong = community_id(settings, "新龙社区"), community_id(settings, "祥龙社区")
    logout(client)
    for user, refused, allowed in (
        (
            "xianglong",
            [f"organization={other}", f"community={xinlong}"],
            [f"organization={own}", f"community={xianglong}"],
        ),
        (
            "qingniao",
            [
                f"organization={other}",
                "organization=999999",
                "organization=99999999999999999999",
                "organization=" + "9" * 5000,
            ],
            [f"organization={own}", "organization="],
        ),
    ):
        login(client, user)
        for query in refused:
            for route in ("ledger.pdf", "ledger.xlsx"):
                response = client.get(f"/reports/{route}?{query}", headers=HTML)
                assert response.status_code == 404, (user, route, query)
                assert OTHER not in response.text and "新龙社区" not in response.text
        for query in allowed:
            assert client.get(f"/reports/ledger.pdf?{query}").status_code == 200, (user, query)
        logout(client)
    assert sql(settings, "SELECT COUNT(*) AS n FROM report_job WHERE status = 'done'")[0]["n"] == 4
