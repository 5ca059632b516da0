"""The real migrations on both backends, and backup -> restore round trips through the CLI."""

import asyncio

import pytest

from incubator import cli
from incubator.core import db
from incubator.piccolo_app import APP_CONFIG
from tests.conftest import sql


def table_names(settings):
    if settings.is_sqlite:
        rows = sql(settings, "SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        rows = sql(settings, "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'")
    return {r["name"] for r in rows}


def test_the_migrations_create_every_table_of_the_app(settings):
    expected = {t._meta.tablename for t in APP_CONFIG.table_classes}
    assert expected <= table_names(settings)


def test_running_the_migrations_again_changes_nothing(bound):
    asyncio.run(db.run_migrations())
    rows = sql(bound, "SELECT name FROM migration")
    assert len(rows) == len({r["name"] for r in rows})


def test_foreign_keys_restrict_deletion(settings):
    import sqlite3

    import asyncpg

    errors = (sqlite3.IntegrityError, asyncpg.exceptions.ForeignKeyViolationError)
    with pytest.raises(errors):
        sql(settings, "DELETE FROM community WHERE name = '祥龙社区'")
    assert sql(settings, "SELECT id FROM community WHERE name = '祥龙社区'")


def test_sqlite_runs_in_wal_mode(settings):
    if not settings.is_sqlite:
        pytest.skip("SQLite only")
    assert sql(settings, "PRAGMA journal_mode")[0]["journal_mode"] == "wal"


def run_cli(monkeypatch, settings, *argv):
    monkeypatch.setenv("INCUBATOR_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("INCUBATOR_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("INCUBATOR_SECRET_KEY", settings.secret_key)
    return cli.main(list(argv))


def test_backup_then_restore_brings_the_data_back(monkeypatch, settings, tmp_path):
    target = tmp_path / "backups" / "incubator.backup"
    assert run_cli(monkeypatch, settings, "backup", str(target)) == 0
    assert target.stat().st_size > 0
    sql(settings, "UPDATE community SET occupied_households = 1 WHERE name = '祥龙社区'")
    sql(settings, "DELETE FROM login_attempt")
    assert run_cli(monkeypatch, settings, "restore", str(target)) == 0
    row = sql(settings, "SELECT occupied_households FROM community WHERE name = '祥龙社区'")[0]
    assert row["occupied_households"] == 3120
    assert len(sql(settings, "SELECT id FROM app_user")) == 8


def test_restore_refuses_a_file_that_is_not_a_backup(monkeypatch, settings, tmp_path, capsys):
    bogus = tmp_path / "bogus.backup"
    bogus.write_bytes(b"definitely not a backup")
    code = run_cli(monkeypatch, settings, "restore", str(bogus))
    assert code == 2
    assert "不是有效的" in capsys.readouterr().err
    assert len(sql(settings, "SELECT id FROM app_user")) == 8


def test_create_user_from_the_command_line(monkeypatch, settings, capsys):
    monkeypatch.setenv("INCUBATOR_NEW_PASSWORD", "cli-made-passphrase")
    code = run_cli(
        monkeypatch,
        settings,
        "create-user",
        "linglong2",
        "--role",
        "community",
        "--community",
        "玲珑社区",
    )
    assert code == 0, capsys.readouterr().err
    row = sql(settings, "SELECT role, community FROM app_user WHERE username = 'linglong2'")[0]
    assert row["role"] == "community" and row["community"] == 3


def test_create_user_names_an_unknown_community(monkeypatch, settings, capsys):
    monkeypatch.setenv("INCUBATOR_NEW_PASSWORD", "cli-made-passphrase")
    code = run_cli(
        monkeypatch,
        settings,
        "create-user",
        "nobody2",
        "--role",
        "community",
        "--community",
        "无此社区",
    )
    assert code == 2
    assert "社区不存在" in capsys.readouterr().err


def test_the_cli_reports_a_bad_setting(monkeypatch, capsys):
    monkeypatch.setenv("INCUBATOR_PORT", "not-a-port")
    assert cli.main(["migrate"]) == 2
    assert "INCUBATOR_PORT" in capsys.readouterr().err
