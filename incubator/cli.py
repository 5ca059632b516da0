"""`incubator serve | worker | migrate | seed-demo | bench-data | create-user | backup | restore
| purge-sessions`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from incubator.core.roles import ALL_ROLES
from incubator.settings import Settings, SettingsError, load_settings


def _with_database(settings: Settings, work: Callable[[], Awaitable[object]]) -> object:
    from incubator.core import db

    async def run() -> object:
        engine = db.bind_engine(db.engine_from_url(settings.database_url))
        try:
            await db.prepare_database(engine)
            return await work()
        finally:
            await db.close_pool(engine)

    return asyncio.run(run())


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    uvicorn.run(
        "incubator.app:app_from_env",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=args.workers,
        # X-Forwarded-For only from the configured reverse proxies.
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        log_level="info",
    )
    return 0


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    """Runs background jobs (core.jobs) until SIGTERM or Ctrl-C; as many of these as wanted,
    on this machine or another sharing the database and the data directory."""
    import signal

    from incubator import background
    from incubator.core import jobs
    from incubator.sheets import reader

    async def work() -> None:
        from incubator.core import db
        from incubator.reporting.worker import Limits, Renderer

        await db.open_pool(db.current_engine(), settings.db_pool_size)
        renderer = Renderer(Limits.of(settings))
        renderer.warm_up()
        kinds = background.register_kinds(settings, renderer)
        runner = jobs.Runner(kinds, slots=settings.job_slots)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        runner.start()
        print(f"后台任务进程已启动 (worker {runner.worker} started)", flush=True)
        await stop.wait()
        await runner.stop()
        renderer.close()
        reader.shutdown()
        print("后台任务进程已停止 (worker stopped)", flush=True)

    _with_database(settings, work)
    return 0


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    from incubator.core import db
    from incubator.defaults import ensure_defaults

    async def migrate() -> None:
        await db.run_migrations()
        await ensure_defaults()

    _with_database(settings, migrate)
    print("数据库迁移完成 (migrations applied)")
    return 0


def cmd_bench_data(settings: Settings, args: argparse.Namespace) -> int:
    from incubator.bench_data import generate_activities

    async def generate() -> int:
        return await generate_activities(args.activities, year=args.year)

    made = _with_database(settings, generate)
    print(f"已生成 {made} 条压测活动记录 (benchmark activities generated)")
    return 0


def cmd_seed_demo(settings: Settings, args: argparse.Namespace) -> int:
    if settings.production:
        # The demo accounts' password is printed and published: never on a live system.
        print(
            "生产环境（INCUBATOR_ENV=production）不能加载演示数据：演示账号的密码是公开的。"
            " (seed-demo refused with INCUBATOR_ENV=production: the demo passwords are public)",
            file=sys.stderr,
        )
        return 2
    from incubator.demo import existing_demo_accounts, seed_demo
    from incubator.demo_activities import seed_activities_demo
    from incubator.demo_cooperation import seed_cooperation_demo
    from incubator.demo_evaluations import seed_evaluations_demo
    from incubator.demo_facilities import seed_facilities_demo
    from incubator.demo_pipeline import seed_pipeline_demo

    async def seed() -> list:
        created = await seed_demo()
        if created:
            await seed_pipeline_demo(settings.uploads_dir)
            await seed_activities_demo()
            await seed_evaluations_demo()
            await seed_facilities_demo()
            await seed_cooperation_demo(settings.uploads_dir)
        return created

    accounts = _with_database(settings, seed)
    if accounts:
        print("已加载演示数据。演示账号 (demo accounts):")
    else:
        print("数据库已有数据，未重新加载演示数据 (database not empty: demo data not loaded)")
        accounts = _with_database(settings, existing_demo_accounts)
        if accounts:
            print("演示账号（如密码未修改）(demo accounts, unless their passwords were changed):")
    for username, role, password in accounts:  # type: ignore[union-attr]
        print(f"  {username:<12} {role:<10} {password}")
    return 0


def cmd_create_user(settings: Settings, args: argparse.Namespace) -> int:
    from incubator.accounts import service as accounts
    from incubator.organizations.service import organization_id_by_name
    from incubator.regions.service import community_id_by_name

    password = os.environ.get("INCUBATOR_NEW_PASSWORD")
    if not password:
        password = getpass.getpass("密码 (password): ")
        if password != getpass.getpass("再次输入 (again): "):
            print("两次输入的密码不一致 (passwords differ)", file=sys.stderr)
            return 2

    async def work() -> int:
        community_id = organization_id = None
        if args.community:
            community_id = await community_id_by_name(args.community)
            if community_id is None:
                raise accounts.AccountError(f"社区不存在 (no such community): {args.community}")
        if args.organization:
            organization_id = await organization_id_by_name(args.organization)
            if organization_id is None:
                raise accounts.AccountError(
                    f"社会组织不存在 (no such organization): {args.organization}"
                )
        return await accounts.create_user(
            None,
            {
                "username": args.username,
                "password": password,
                "display_name": args.display_name or "",
                "role": args.role,
                "community_id": community_id,
                "organization_id": organization_id,
            },
        )

    try:
        user_id = _with_database(settings, work)
    except accounts.AccountError as exc:
        details = "; ".join(exc.errors.values()) if exc.errors else ""
        print(f"{exc.message} {details}".strip(), file=sys.stderr)
        return 2
    print(f"已创建用户 {args.username} (id {user_id})")
    return 0


def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    from incubator.backup import BackupError, backup

    try:
        path = backup(settings, Path(args.path))
    except BackupError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"备份完成 (backup written): {path}")
    return 0


def cmd_restore(settings: Settings, args: argparse.Namespace) -> int:
    from incubator.backup import BackupError, restore

    try:
        restore(settings, Path(args.path))
    except BackupError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"已从备份恢复 (restored from): {args.path}")
    return 0


def cmd_purge_sessions(settings: Settings, args: argparse.Namespace) -> int:
    from incubator.accounts.service import purge_expired_sessions

    deleted = _with_database(settings, purge_expired_sessions)
    print(f"已删除过期会话 (expired sessions deleted): {deleted}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="incubator", description="社会组织孵化与社区建设管理系统")
    sub = p.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="启动网站 (serve the app)")
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(run=cmd_serve)
    sub.add_parser("migrate", help="执行数据库迁移").set_defaults(run=cmd_migrate)
    sub.add_parser(
        "worker", help="运行后台任务（报表、导入、邮件、定期清理） (run background jobs)"
    ).set_defaults(run=cmd_worker)
    sub.add_parser("seed-demo", help="空数据库时加载演示数据").set_defaults(run=cmd_seed_demo)
    bench = sub.add_parser("bench-data", help="生成压测数据（服务记录台账）")
    bench.add_argument("--activities", type=int, default=100_000)
    bench.add_argument("--year", type=int, default=2017, help="活动年份 (year)")
    bench.set_defaults(run=cmd_bench_data)
    create = sub.add_parser("create-user", help="创建用户")
    create.add_argument("username")
    create.add_argument("--role", required=True, choices=ALL_ROLES)
    create.add_argument("--community")
    create.add_argument("--organization")
    create.add_argument("--display-name")
    create.set_defaults(run=cmd_create_user)
    b = sub.add_parser("backup", help="备份数据库到文件")
    b.add_argument("path")
    b.set_defaults(run=cmd_backup)
    r = sub.add_parser("restore", help="从备份文件恢复数据库（请先停止网站）")
    r.add_argument("path")
    r.set_defaults(run=cmd_restore)
    sub.add_parser("purge-sessions", help="删除过期会话").set_defaults(run=cmd_purge_sessions)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"配置错误 (settings error): {exc}", file=sys.stderr)
        return 2
    return args.run(settings, args)


if __name__ == "__main__":
    sys.exit(main())
