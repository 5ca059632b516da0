import pytest

from incubator.settings import SettingsError, load_settings


def env(tmp_path, **extra):
    return {"INCUBATOR_DATA_DIR": str(tmp_path), **extra}


def test_defaults_are_sqlite_in_the_data_dir_and_chinese(tmp_path):
    s = load_settings(env(tmp_path))
    assert s.database_url == f"sqlite:///{tmp_path}/incubator.sqlite3"
    assert s.lang == "zh-CN"
    assert s.port == 8000
    assert set(s.allowed_hosts) == {"localhost", "127.0.0.1"}


def test_it_generates_a_secret_once_and_keeps_it(tmp_path):
    first = load_settings(env(tmp_path)).secret_key
    assert len(first) >= 32
    assert load_settings(env(tmp_path)).secret_key == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_allowed_hosts_include_the_configured_host(tmp_path):
    s = load_settings(env(tmp_path, INCUBATOR_HOST="10.0.0.5"))
    assert "10.0.0.5" in s.allowed_hosts


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("INCUBATOR_PORT", "eighty"),
        ("INCUBATOR_PORT", "70000"),
        ("INCUBATOR_ENV", "staging"),
        ("INCUBATOR_LANG", "fr"),
        ("INCUBATOR_DATABASE_URL", "mysql://localhost/x"),
        ("INCUBATOR_DATABASE_URL", "postgresql://localhost"),
        ("INCUBATOR_SECRET_KEY", "short"),
        ("INCUBATOR_SESSION_IDLE_MINUTES", "0"),
        ("INCUBATOR_MAX_UPLOAD_MB", "-1"),
        ("INCUBATOR_REPORT_MAX_ROWS", "0"),
        ("INCUBATOR_REPORT_MAX_ROWS", "many"),
        ("INCUBATOR_REPORT_MAX_JOBS", "0"),
        ("INCUBATOR_REPORT_MAX_JOBS", "101"),
    ],
)
def test_a_bad_setting_stops_start_up_naming_the_setting(tmp_path, name, value):
    with pytest.raises(SettingsError) as error:
        load_settings(env(tmp_path, **{name: value}))
    assert name in str(error.value)


def test_production_refuses_to_start_without_an_explicit_secret(tmp_path):
    with pytest.raises(SettingsError) as error:
        load_settings(env(tmp_path, INCUBATOR_ENV="production"))
    assert "INCUBATOR_SECRET_KEY" in str(error.value)
    assert "生产模式" in str(error.value)


def test_production_starts_with_an_explicit_secret(tmp_path):
    s = load_settings(env(tmp_path, INCUBATOR_ENV="production", INCUBATOR_SECRET_KEY="k" * 40))
    assert s.production
    assert not (tmp_path / "secret_key").exists()


def test_a_data_dir_that_is_a_file_is_refused(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(SettingsError, match="INCUBATOR_DATA_DIR"):
        load_settings({"INCUBATOR_DATA_DIR": str(f)})


def test_smtp_needs_a_sender_address(tmp_path):
    with pytest.raises(SettingsError, match="INCUBATOR_SMTP_FROM"):
        load_settings(env(tmp_path, INCUBATOR_SMTP_HOST="mail.local"))
    s = load_settings(
        env(
            tmp_path,
            INCUBATOR_SMTP_HOST="mail.local",
            INCUBATOR_SMTP_FROM="a@b.cn",
            INCUBATOR_SMTP_PORT="587",
        )
    )
    assert (s.smtp_host, s.smtp_port, s.smtp_from) == ("mail.local", 587, "a@b.cn")


def test_report_limits_default_to_100000_rows_and_3_jobs_and_can_be_set(tmp_path):
    s = load_settings(env(tmp_path))
    assert (s.report_max_rows, s.report_max_jobs) == (100_000, 3)
    s = load_settings(
        env(tmp_path, INCUBATOR_REPORT_MAX_ROWS="5000", INCUBATOR_REPORT_MAX_JOBS="1")
    )
    assert (s.report_max_rows, s.report_max_jobs) == (5000, 1)
