"""Users, their server-side sessions, login attempts (throttling) and personal API tokens."""

from piccolo.columns import Boolean, ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from incubator.ground.tables import User


class UserSession(Table, tablename="user_session"):
    # sha256 of the cookie value: a leaked database does not leak live sessions.
    key_hash = Varchar(length=64, unique=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(index=True)
    client_ip = Varchar(length=64, default="")
    user_agent = Varchar(length=255, default="")


class LoginAttempt(Table, tablename="login_attempt"):
    username = Varchar(length=64, index=True)
    client_ip = Varchar(length=64, index=True)
    at = Timestamptz(default=TimestamptzNow(), index=True)
    succeeded = Boolean(default=False)


class RegistrationAttempt(Table, tablename="registration_attempt"):
    """One public registration tried from an address: the throttle counts these."""

    client_ip = Varchar(length=64, index=True)
    at = Timestamptz(default=TimestamptzNow(), index=True)


class ApiToken(Table, tablename="api_token"):
    user = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    name = Varchar(length=100)
    token_hash = Varchar(length=64, unique=True)
    # First characters of the token, shown so the owner can tell tokens apart.
    prefix = Varchar(length=12)
    created_at = Timestamptz(default=TimestamptzNow())
    last_used_at = Timestamptz(null=True, default=None)
    # Refused from then on; tokens made before expiry existed have none and count as expired.
    expires_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
