"""The app's periodic work as jobs of core.jobs: housekeeping always, notification e-mail when
SMTP is configured. The web app and `incubator worker` register the same kinds."""

from __future__ import annotations

import datetime as dt

from incubator.accounts import service as accounts
from incubator.activities import importer as activity_import
from incubator.cooperation import importer as cooperation_import
from incubator.core import jobs
from incubator.facilities import importer as facility_import
from incubator.notifications import service as notifications
from incubator.regions import importer as region_import
from incubator.reporting import jobs as report_jobs
from incubator.reporting.worker import Renderer
from incubator.settings import Settings
from incubator.sheets import service as sheets

HOUSEKEEPING = "housekeeping"
EMAIL = "notifications.email"
HOUSEKEEPING_EVERY = dt.timedelta(minutes=10)
EMAIL_EVERY = dt.timedelta(minutes=1)
# Every sheet (or workbook) users import: the one import job kind runs them all.
BOOKS = (activity_import.BOOK, region_import.BOOK, facility_import.BOOK, cooperation_import.BOOK)


def register_kinds(settings: Settings, renderer: Renderer) -> list[str]:
    """Registers the kinds these settings call for; returns the names a runner should take.
    Reports render with `renderer`, this process's render workers."""

    async def housekeeping(context: jobs.JobContext) -> dict:
        """Expired sessions, throttle rows past their window, old rendered reports."""
        sessions = await accounts.purge_expired_sessions()
        window = dt.timedelta(minutes=settings.login_window_minutes)
        attempts = await accounts.purge_old_attempts(window)
        reports = await report_jobs.purge(settings.reports_dir)
        finished = await jobs.purge_finished(dt.timedelta(days=report_jobs.KEEP_DAYS))
        return {"sessions": sessions, "attempts": attempts, "reports": reports, "jobs": finished}

    async def email(context: jobs.JobContext) -> dict:
        return {"sent": await notifications.send_pending_emails(settings)}

    jobs.register(jobs.Kind(HOUSEKEEPING, housekeeping, every=HOUSEKEEPING_EVERY))
    jobs.register(report_jobs.render_kind(settings, renderer))
    jobs.register(sheets.import_kind(settings.imports_dir, BOOKS, accounts.active_user))
    names = [HOUSEKEEPING, report_jobs.RENDER_KIND, sheets.IMPORT_KIND]
    if settings.smtp_host:
        jobs.register(jobs.Kind(EMAIL, email, every=EMAIL_EVERY))
        names.append(EMAIL)
    return names
