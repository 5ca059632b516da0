"""Notifications: written in the transaction of the change they announce; e-mailed afterwards
by a background sender when SMTP is configured (a mail server being down never blocks a page)."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import unicodedata
from email.message import EmailMessage

import anyio.to_thread

from incubator.core.auth import CurrentUser
from incubator.ground.tables import User
from incubator.notifications.tables import Notification
from incubator.settings import Settings

log = logging.getLogger("incubator.notifications")


async def notify_organization(organization_id: int, title: str, body: str, link: str) -> int:
    """One notification for every active applicant account of the organization."""
    users = await User.select(User.id).where(
        (User.organization == organization_id) & User.is_active.eq(True)
    )
    if users:
        await Notification.insert(
            *(Notification(user=u["id"], title=title[:200], body=body, link=link) for u in users)
        )
    return len(users)


async def unread_count(user: CurrentUser) -> int:
    return await Notification.count().where(
        (Notification.user == user.id) & Notification.read_at.is_null()
    )


async def recent(user: CurrentUser, limit: int = 100) -> list[dict]:
    return (
        await Notification.select()
        .where(Notification.user == user.id)
        .order_by(Notification.id, ascending=False)
        .limit(limit)
    )


async def mark_all_read(user: CurrentUser) -> None:
    await Notification.update({Notification.read_at: dt.datetime.now(dt.UTC)}).where(
        (Notification.user == user.id) & Notification.read_at.is_null()
    )


def header_safe(value: str) -> str:
    """A header value on one line: control characters (CR, LF, NUL ...) and line separators
    become spaces, so a name typed with a line break can neither break the message nor add
    headers of its own."""
    cleaned = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in value)
    return " ".join(cleaned.split())


def _send(settings: Settings, to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = header_safe(settings.smtp_from)
    message["To"] = header_safe(to)
    message["Subject"] = header_safe(subject)
    message.set_content(body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(message)


def _refused_for_good(exc: Exception) -> bool:
    """This one message can never go out (a 5xx for its recipient or its content, a header
    Python will not write); anything else (server down, a 4xx) is worth retrying later."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return isinstance(exc, ValueError)


# A claim older than this belongs to a sender that died mid-message: the message may go again.
EMAIL_CLAIM_EXPIRES = dt.timedelta(hours=1)


async def send_pending_emails(settings: Settings, base_url: str = "") -> int:
    """E-mails notifications not yet sent to users who have an address; returns how many.
    Each message is claimed before it goes, so that senders in several processes send it once.
    One bad message is marked failed and logged; it never holds up the others."""
    rows = await Notification.select(
        Notification.id,
        Notification.title,
        Notification.body,
        Notification.link,
        Notification.user.email.as_alias("email"),
    ).where(_unsent() & (Notification.user.email != ""))
    sent = 0
    for row in rows:
        if not await _claim(row["id"]):
            continue  # another sender has it
        text = f"{row['body']}\n\n{base_url}{row['link']}".strip()
        try:
            await anyio.to_thread.run_sync(_send, settings, row["email"], row["title"], text)
        except (OSError, ValueError) as exc:  # smtplib's errors are OSErrors
            if not _refused_for_good(exc):
                log.exception("sending notification %s failed; will retry", row["id"])
                await _mark(row["id"], Notification.email_claimed_at, None)
                break
            log.exception("notification %s could not be e-mailed; marked failed", row["id"])
            await _mark(row["id"], Notification.email_failed_at, dt.datetime.now(dt.UTC))
            continue
        await _mark(row["id"], Notification.emailed_at, dt.datetime.now(dt.UTC))
        sent += 1
    return sent


def _unsent():
    expired = dt.datetime.now(dt.UTC) - EMAIL_CLAIM_EXPIRES
    return (
        Notification.emailed_at.is_null()
        & Notification.email_failed_at.is_null()
        & (Notification.email_claimed_at.is_null() | (Notification.email_claimed_at < expired))
    )


async def _claim(notification_id: int) -> bool:
    claimed = (
        await Notification.update({Notification.email_claimed_at: dt.datetime.now(dt.UTC)})
        .where((Notification.id == notification_id) & _unsent())
        .returning(Notification.id)
    )
    return bool(claimed)


async def _mark(notification_id: int, column, value) -> None:
    await Notification.update({column: value}).where(Notification.id == notification_id)
