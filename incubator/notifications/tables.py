"""In-app notifications (and their e-mail copies, when SMTP is configured)."""

from piccolo.columns import ForeignKey, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from incubator.ground.tables import User


class Notification(Table, tablename="notification"):
    user = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    title = Varchar(length=200)
    body = Text(default="")
    link = Varchar(length=300, default="")
    read_at = Timestamptz(null=True, default=None)
    emailed_at = Timestamptz(null=True, default=None)
    # The mail server refused this one message: not retried, the others still go out.
    email_failed_at = Timestamptz(null=True, default=None)
    # Taken by one sender before the message goes out, so that no other process sends it too;
    # a claim older than an hour (its sender died) may be taken again.
    email_claimed_at = Timestamptz(null=True, default=None)
