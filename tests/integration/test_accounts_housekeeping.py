"""Throttle rows go away after their window; demo data never goes into production."""

import datetime as dt
import time

from litestar.testing import TestClient

from incubator import cli
from incubator.app import create_app
from tests.conftest import TEST_HOST, db_time, make_settings, sql


def ago(settings, **delta):
    return db_time(settings, dt.datetime.now(dt.UTC) - dt.timedelta(**delta))


def test_the_housekeeping_loop_purges_sign_in_and_registration_tries_past_their_window(
    settings,
):
    for minutes in (settings.login_window_minutes + 1, 1):
        sql(
            settings,
            "INSERT INTO login_attempt (username, client_ip, at, succeeded) "
            "VALUES ('staff', '10.0.0.1', $1, $2)",
            ago(settings, minutes=minutes),
            False,
        )
    for minutes in (61, 1):
        sql(
            settings,
            "INSERT INTO registration_attempt (client_ip, at) VALUES ('10.0.0.1', $1)",
            ago(settings, minutes=minutes),
        )
    # Housekeeping is a periodic job: it runs as the app starts, then every few minutes.
    with_jobs = make_settings(
        settings.data_dir.parent, settings.database_url, INCUBATOR_JOBS_IN_WEB="1"
    )
    with TestClient(create_app(with_jobs), base_url=f"http://{TEST_HOST}"):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            left = len(sql(settings, "SELECT id FROM login_attempt")) + len(
                sql(settings, "SELECT id FROM registration_attempt")
            )
            if left == 2:
                break
            time.sleep(0.1)
    assert len(sql(settings, "SELECT id FROM login_attempt")) == 1
    assert len(sql(settings, "SELECT id FROM registration_attempt")) == 1


def test_seed_demo_refuses_to_run_in_production(monkeypatch, settings, capsys):
    users = len(sql(settings, "SELECT id FROM app_user"))
    monkeypatch.setenv("INCUBATOR_ENV", "production")
    monkeypatch.setenv("INCUBATOR_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("INCUBATOR_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("INCUBATOR_SECRET_KEY", settings.secret_key)
    assert cli.main(["seed-demo"]) == 2
    assert "生产环境" in capsys.readouterr().err
    assert len(sql(settings, "SELECT id FROM app_user")) == users
