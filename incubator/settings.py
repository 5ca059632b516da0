"""One frozen Settings object, read from the environment once at start-up.

Bad values stop start-up with a SettingsError whose message names the setting, so an operator
sees at once which variable to fix.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

LANGUAGES = ("zh-CN", "en")
ENVIRONMENTS = ("development", "production", "test")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it."""


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path("var")
    database_url: str = ""
    secret_key: str = ""
    allowed_hosts: tuple[str, ...] = ()
    lang: str = "zh-CN"
    session_idle_minutes: int = 120
    max_upload_mb: int = 20
    db_pool_size: int = 10
    # Throttling: this many failures per account or per client address within the window.
    login_max_failures: int = 5
    login_max_failures_per_address: int = 20
    login_window_minutes: int = 15
    # Anonymous registrations per client address within an hour (each one hashes a password).
    register_max_per_address: int = 5
    # The total size of the files one applicant account may upload.
    applicant_upload_quota_mb: int = 200
    # Personal API tokens expire after this many days unless a shorter term is chosen.
    token_days: int = 90
    # Reverse proxies whose X-Forwarded-For is believed (the client address for throttling).
    forwarded_allow_ips: str = "127.0.0.1"
    # Background jobs (core.jobs) run in each web process unless a deployment runs
    # `incubator worker` processes instead (INCUBATOR_JOBS_IN_WEB=0), and at most this many at
    # once per process.
    jobs_in_web: bool = True
    job_slots: int = 4
    # Notification e-mail; off while smtp_host is empty.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    smtp_starttls: bool = False
    # PDF rendering: worker processes, and the limits a single report may use.
    report_workers: int = 2
    report_timeout_seconds: int = 120
    report_memory_mb: int = 1536
    # Up to this many pages a report renders while the user waits (about a second); more: a job.
    report_inline_pages: int = 6
    # A ledger report of more rows is refused (narrow the filters); at most this many of one
    # user's reports queued or rendering at once.
    report_max_rows: int = 100_000
    report_max_jobs: int = 3

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def reports_dir(self) -> Path:
        """Rendered reports, kept for a while as the cache and for "my reports"."""
        return self.data_dir / "reports"

    @property
    def imports_dir(self) -> Path:
        """Uploaded import files, until the job that reads them (in any process) has ended."""
        return self.data_dir / "imports"

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def applicant_upload_quota_bytes(self) -> int:
        return self.applicant_upload_quota_mb * 1024 * 1024


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} 必须是整数 (must be an integer), got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} 必须在 {low} 到 {high} 之间 (must be in {low}..{high})")
    return value


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env.get(name) or default
    if value not in choices:
        raise SettingsError(
            f"{name} 只能是 {' / '.join(choices)} (must be one of them), got {value!r}"
        )
    return value


def _database_url(env: Mapping[str, str], data_dir: Path) -> str:
    url = env.get("INCUBATOR_DATABASE_URL") or f"sqlite:///{(data_dir / 'incubator.sqlite3')}"
    scheme = urlsplit(url).scheme
    if scheme not in ("sqlite", "postgres", "postgresql"):
        raise SettingsError(
            "INCUBATOR_DATABASE_URL 必须以 sqlite:/// 或 postgresql:// 开头 "
            f"(must start with sqlite:/// or postgresql://), got {url!r}"
        )
    if scheme == "sqlite" and not url.startswith("sqlite:///"):
        raise SettingsError(
            "INCUBATOR_DATABASE_URL: SQLite 地址应为 sqlite:///路径 (sqlite:///path)"
        )
    if scheme.startswith("postgres") and not urlsplit(url).path.strip("/"):
        raise SettingsError("INCUBATOR_DATABASE_URL 缺少数据库名 (database name missing)")
    return url


def _secret_key(env: Mapping[str, str], data_dir: Path, production: bool) -> str:
    key = env.get("INCUBATOR_SECRET_KEY", "")
    if key:
        if len(key) < 32:
            raise SettingsError(
                "INCUBATOR_SECRET_KEY 至少 32 个字符 (must be at least 32 characters)"
            )
        return key
    if production:
        raise SettingsError(
            "生产模式必须设置 INCUBATOR_SECRET_KEY (INCUBATOR_ENV=production requires an explicit "
            "INCUBATOR_SECRET_KEY of at least 32 characters)"
        )
    # Development: generate once and keep it, so sessions survive restarts.
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    mode = _choice(env, "INCUBATOR_ENV", "development", ENVIRONMENTS)
    data_dir = Path(env.get("INCUBATOR_DATA_DIR") or "var").resolve()
    if data_dir.exists() and not data_dir.is_dir():
        raise SettingsError(f"INCUBATOR_DATA_DIR 不是目录 (is not a directory): {data_dir}")
    host = env.get("INCUBATOR_HOST") or "127.0.0.1"
    port = _int(env, "INCUBATOR_PORT", 8000, 1, 65535)
    raw_hosts = env.get("INCUBATOR_ALLOWED_HOSTS")
    if raw_hosts is not None and raw_hosts.strip():
        hosts = tuple(h.strip() for h in raw_hosts.split(",") if h.strip())
    else:
        hosts = tuple(dict.fromkeys(("localhost", "127.0.0.1", host)))
    if any(" " in h or "/" in h for h in hosts):
        raise SettingsError(f"INCUBATOR_ALLOWED_HOSTS 格式错误 (malformed): {raw_hosts!r}")
    return Settings(
        env=mode,
        host=host,
        port=port,
        data_dir=data_dir,
        database_url=_database_url(env, data_dir),
        secret_key=_secret_key(env, data_dir, mode == "production"),
        allowed_hosts=hosts,
        lang=_choice(env, "INCUBATOR_LANG", "zh-CN", LANGUAGES),
        session_idle_minutes=_int(env, "INCUBATOR_SESSION_IDLE_MINUTES", 120, 5, 24 * 60),
        max_upload_mb=_int(env, "INCUBATOR_MAX_UPLOAD_MB", 20, 1, 200),
        db_pool_size=_int(env, "INCUBATOR_DB_POOL_SIZE", 10, 1, 100),
        login_max_failures=_int(env, "INCUBATOR_LOGIN_MAX_FAILURES", 5, 1, 100),
        login_max_failures_per_address=_int(
            env, "INCUBATOR_LOGIN_MAX_FAILURES_PER_ADDRESS", 20, 1, 10_000
        ),
        register_max_per_address=_int(env, "INCUBATOR_REGISTER_MAX_PER_ADDRESS", 5, 1, 10_000),
        applicant_upload_quota_mb=_int(
            env, "INCUBATOR_APPLICANT_UPLOAD_QUOTA_MB", 200, 1, 1_000_000
        ),
        token_days=_int(env, "INCUBATOR_TOKEN_DAYS", 90, 1, 3650),
        forwarded_allow_ips=env.get("INCUBATOR_FORWARDED_ALLOW_IPS") or "127.0.0.1",
        report_workers=_int(env, "INCUBATOR_REPORT_WORKERS", 2, 1, 16),
        report_timeout_seconds=_int(env, "INCUBATOR_REPORT_TIMEOUT", 120, 1, 3600),
        report_memory_mb=_int(env, "INCUBATOR_REPORT_MEMORY_MB", 1536, 128, 65536),
        report_inline_pages=_int(env, "INCUBATOR_REPORT_INLINE_PAGES", 6, 0, 10000),
        report_max_rows=_int(env, "INCUBATOR_REPORT_MAX_ROWS", 100_000, 1, 10_000_000),
        report_max_jobs=_int(env, "INCUBATOR_REPORT_MAX_JOBS", 3, 1, 100),
        jobs_in_web=_choice(env, "INCUBATOR_JOBS_IN_WEB", "1", ("0", "1")) == "1",
        job_slots=_int(env, "INCUBATOR_JOB_SLOTS", 4, 1, 64),
        **_smtp(env),
    )


def _smtp(env: Mapping[str, str]) -> dict:
    host = env.get("INCUBATOR_SMTP_HOST", "")
    sender = env.get("INCUBATOR_SMTP_FROM", "")
    if host and "@" not in sender:
        raise SettingsError("设置了 INCUBATOR_SMTP_HOST 时，INCUBATOR_SMTP_FROM 必须是发件邮箱地址")
    return {
        "smtp_host": host,
        "smtp_port": _int(env, "INCUBATOR_SMTP_PORT", 25, 1, 65535),
        "smtp_user": env.get("INCUBATOR_SMTP_USER", ""),
        "smtp_password": env.get("INCUBATOR_SMTP_PASSWORD", ""),
        "smtp_from": sender,
        "smtp_starttls": env.get("INCUBATOR_SMTP_STARTTLS", "") in ("1", "true", "yes"),
    }
