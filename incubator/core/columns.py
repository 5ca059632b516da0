"""Column sets shared by many tables."""

from piccolo.columns import Integer, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow


class Tracked:
    """Created/updated timestamps and the version used for optimistic locking (core.locking)."""

    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    version = Integer(default=1)
