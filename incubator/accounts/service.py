"""Accounts: sign-in with throttling, server-side sessions, users, personal API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from piccolo.query.functions.aggregate import Count

from incubator.accounts import rules
from incubator.accounts.tables import (
    ApiToken,
    LoginAttempt,
    RegistrationAttempt,
    UserSession,
)
from incubator.core import audit
from incubator.core.auth import CurrentUser, TokenExpired, UserLookup
from incubator.core.db import read_transaction, write_transaction
from incubator.core.errors import ServiceError
from incubator.core.i18n import N_, _, text
from incubator.core.locking import update_versioned
from incubator.core.pagination import ListSpec, Page, PageRequest, Sort, paginate
from incubator.core.passwords import hash_password, verify_password
from incubator.core.scoping import NotVisible
from incubator.ground.tables import Community, Organization, User
from incubator.organizations.service import organization_choices
from incubator.regions.service import community_options


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccountError(ServiceError):
    """Refused with a message for the user, optionally tied to a form field."""


# --- sign-in ---------------------------------------------------------------------------------

THROTTLED = N_("登录失败次数过多，请 {minutes} 分钟后再试。")
BAD_CREDENTIALS = N_("用户名或密码错误。")
PASSWORD_THROTTLED = N_("密码输错次数过多，请 {minutes} 分钟后再试。")


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int = 5
    # Higher per address: an office behind one NAT address shares it.
    max_failures_per_address: int = 20
    window: dt.timedelta = dt.timedelta(minutes=15)


async def _recent_failures(column: Any, value: str, since: dt.datetime) -> int:
    return await LoginAttempt.count().where(
        (column == value) & (LoginAttempt.at > since) & (LoginAttempt.succeeded.eq(False))
    )


async def _refuse_if_throttled(
    username: str, client_ip: str, policy: LoginPolicy, message: str = THROTTLED, field=None
) -> None:
    """Too many wrong passwords for this account (since its last success) or this address."""
    since = _now() - policy.window
    last_success = (
        await LoginAttempt.select(LoginAttempt.at)
        .where((LoginAttempt.username == username) & LoginAttempt.succeeded.eq(True))
        .order_by(LoginAttempt.at, ascending=False)
        .first()
    )
    account_since = max(since, last_success["at"]) if last_success else since
    if (
        await _recent_failures(LoginAttempt.username, username, account_since)
        >= policy.max_failures
        or await _recent_failures(LoginAttempt.client_ip, client_ip, since)
        >= policy.max_failures_per_address
    ):
        minutes = int(policy.window.total_seconds() // 60)
        refusal = text(message).format(minutes=minutes)
        raise AccountError(refusal, {field: refusal} if field else None)


async def authenticate(
    username: str, password: str, client_ip: str, policy: LoginPolicy
) -> CurrentUser:
    """The user on success; AccountError otherwise, never telling whether the account exists."""
    username = username.strip()[:64]
    await _refuse_if_throttled(username, client_ip, policy)
    row = await User.select().where(User.username == username).first()
    usable = row is not None and row["is_active"]
    ok = await verify_password(row["password_hash"] if usable else None, password)
    async with write_transaction():
        await LoginAttempt.insert(
            LoginAttempt(username=username, client_ip=client_ip, succeeded=ok)
        )
        if ok:
            await User.update({User.last_login_at: _now()}).where(User.id == row["id"])
    if not ok:
        raise AccountError(text(BAD_CREDENTIALS))
    return _current_user(row, via="session")


def _current_user(row: dict, via: str, prefix: str = "") -> CurrentUser:
    return CurrentUser(
        id=row[f"{prefix}id"],
        username=row[f"{prefix}username"],
        display_name=row[f"{prefix}display_name"],
        role=row[f"{prefix}role"],
        community_id=row[f"{prefix}community"],
        organization_id=row[f"{prefix}organization"],
        via=via,
    )


async def active_user(user_id: int) -> CurrentUser | None:
    """The user as background work acts for them: their scope now, None once deactivated."""
    row = await User.select().where((User.id == user_id) & User.is_active.eq(True)).first()
    return None if row is None else _current_user(row, via="job")


# --- sessions --------------------------------------------------------------------------------


async def start_session(
    user: CurrentUser, client_ip: str, user_agent: str, idle: dt.timedelta, old_key: str | None
) -> str:
    """A brand-new session key at every sign-in (no session fixation); the old one is dropped."""
    key = secrets.token_urlsafe(32)
    async with write_transaction():
        if old_key:
            await UserSession.delete().where(UserSession.key_hash == _digest(old_key))
        await UserSession.insert(
            UserSession(
                key_hash=_digest(key),
                user=user.id,
                expires_at=_now() + idle,
                client_ip=client_ip[:64],
                user_agent=user_agent[:255],
            )
        )
        await audit.record(user, "user_session", user.id, "login")
    return key


async def end_session(key: str, user: CurrentUser | None) -> None:
    async with write_transaction():
        await UserSession.delete().where(UserSession.key_hash == _digest(key))
        if user:
            await audit.record(user, "user_session", user.id, "logout")


_USER_COLUMNS = ("id", "username", "display_name", "role", "community", "organization")


async def user_for_session(key: str, idle: dt.timedelta) -> CurrentUser | None:
    now = _now()
    row = (
        await UserSession.select(
            UserSession.id,
            UserSession.expires_at,
            *(getattr(UserSession.user, c).as_alias(f"u_{c}") for c in _USER_COLUMNS),
        )
        .where(
            (UserSession.key_hash == _digest(key))
            & (UserSession.expires_at > now)
            & UserSession.user.is_active.eq(True)
        )
        .first()
    )
    if row is None:
        return None
    left = (row["expires_at"] - now).total_seconds()
    if rules.should_refresh_expiry(left, idle.total_seconds()):
        await UserSession.update({UserSession.expires_at: now + idle}).where(
            UserSession.id == row["id"]
        )
    return _current_user(row, via="session", prefix="u_")


# --- public registration throttle --------------------------------------------------------

REGISTER_WINDOW = dt.timedelta(hours=1)
REGISTER_THROTTLED = N_("从您的网络地址提交的注册过多，请 1 小时后再试。")


async def claim_registration(client_ip: str, max_per_address: int) -> None:
    """Counts one registration try against the client address, or refuses it when the address
    used up its tries this hour. Called before anything costly (the password hash) and before
    anything that could tell whether a name exists, so both are limited per address."""
    client_ip = client_ip[:64]
    async with write_transaction():
        used = await RegistrationAttempt.count().where(
            (RegistrationAttempt.client_ip == client_ip)
            & (RegistrationAttempt.at > _now() - REGISTER_WINDOW)
        )
        if used >= max_per_address:
            raise AccountError(text(REGISTER_THROTTLED))
        await RegistrationAttempt.insert(RegistrationAttempt(client_ip=client_ip))


async def purge_old_attempts(login_window: dt.timedelta) -> int:
    """Sign-in and registration tries older than their throttle window count for nothing."""
    now = _now()
    async with write_transaction():
        logins = (
            await LoginAttempt.delete()
            .where(LoginAttempt.at <= now - login_window)
            .returning(LoginAttempt.id)
        )
        registrations = (
            await RegistrationAttempt.delete()
            .where(RegistrationAttempt.at <= now - REGISTER_WINDOW)
            .returning(RegistrationAttempt.id)
        )
    return len(logins) + len(registrations)


async def purge_expired_sessions() -> int:
    deleted = (
        await UserSession.delete().where(UserSession.expires_at <= _now()).returning(UserSession.id)
    )
    return len(deleted)


# --- personal API tokens -------------------------------------------------------------------

TOKEN_PREFIX = "inc_"  # noqa: S105 - a visible prefix, not a secret


async def user_for_token(token: str) -> CurrentUser | None:
    """The token's user; None for an unknown or revoked token; TokenExpired when expired."""
    row = (
        await ApiToken.select(
            ApiToken.id,
            ApiToken.last_used_at,
            ApiToken.expires_at,
            *(getattr(ApiToken.user, c).as_alias(f"u_{c}") for c in _USER_COLUMNS),
        )
        .where(
            (ApiToken.token_hash == _digest(token))
            & ApiToken.revoked_at.is_null()
            & ApiToken.user.is_active.eq(True)
        )
        .first()
    )
    if row is None:
        return None
    now = _now()
    if row["expires_at"] is None or row["expires_at"] <= now:
        raise TokenExpired()
    if row["last_used_at"] is None or (now - row["last_used_at"]).total_seconds() >= 60:
        await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["id"])
    return _current_user(row, via="token", prefix="u_")


async def create_token(user: CurrentUser, name: str, days: int, max_days: int) -> str:
    """Returns the token once; only its hash is kept. It works for `days` days (at most
    the operator's INCUBATOR_TOKEN_DAYS)."""
    name = name.strip()
    if not name or len(name) > 100:
        refusal = _("请填写令牌名称（最多 100 个字符）")
        raise AccountError(refusal, {"name": refusal})
    if not 1 <= days <= max_days:
        refusal = _("有效期须在 1 到 {n} 天之间").format(n=max_days)
        raise AccountError(refusal, {"days": refusal})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = _now() + dt.timedelta(days=days)
    async with write_transaction():
        rows = await ApiToken.insert(
            ApiToken(
                user=user.id,
                name=name,
                token_hash=_digest(token),
                prefix=token[:10],
                expires_at=expires_at,
            )
        ).returning(ApiToken.id)
        await audit.record(
            user, "api_token", rows[0]["id"], "create", after={"name": name, "days": days}
        )
    return token


async def list_tokens(user: CurrentUser) -> list[dict]:
    rows = (
        await ApiToken.select(
            ApiToken.id,
            ApiToken.name,
            ApiToken.prefix,
            ApiToken.created_at,
            ApiToken.last_used_at,
            ApiToken.expires_at,
            ApiToken.revoked_at,
        )
        .where(ApiToken.user == user.id)
        .order_by(ApiToken.id, ascending=False)
    )
    now = _now()
    for row in rows:
        row["expired"] = row["expires_at"] is None or row["expires_at"] <= now
    return rows


async def revoke_token(user: CurrentUser, token_id: int) -> None:
    async with write_transaction():
        if not await ApiToken.exists().where(
            (ApiToken.id == token_id) & (ApiToken.user == user.id)
        ):
            raise NotVisible()  # someone else's token answers like a missing one
        done = (
            await ApiToken.update({ApiToken.revoked_at: _now()})
            .where(
                (ApiToken.id == token_id)
                & (ApiToken.user == user.id)
                & ApiToken.revoked_at.is_null()
            )
            .returning(ApiToken.id)
        )
        if not done:
            raise AccountError(_("令牌不存在或已撤销"))
        await audit.record(user, "api_token", token_id, "revoke")


# --- users (admin) -------------------------------------------------------------------------

USER_LIST_COLUMNS = (
    User.id,
    User.username,
    User.display_name,
    User.role,
    User.is_active,
    User.last_login_at,
    User.version,
    User.email,
    User.phone,
    User.community,
    User.organization,
    User.community.name.as_alias("community_name"),
    User.organization.name.as_alias("organization_name"),
)


USER_SORTS = {
    "username": User.username,
    "display_name": User.display_name,
    "role": User.role,
    "last_login_at": User.last_login_at,
}
# The users list: its filters and orders, as its page reads them.
USERS = ListSpec(("q", "role", "active"), tuple(USER_SORTS), "username")


async def list_users(filters: dict[str, str], request: PageRequest, sort: Sort) -> Page:
    where = []
    if filters.get("q"):
        term = f"%{filters['q']}%"
        where.append(User.username.ilike(term) | User.display_name.ilike(term))
    if filters.get("role"):
        where.append(User.role == filters["role"])
    if filters.get("active") in ("1", "0"):
        where.append(User.is_active.eq(filters["active"] == "1"))
    query = (
        User.select(*USER_LIST_COLUMNS)
        .order_by(USER_SORTS[sort.key], ascending=not sort.descending)
        .order_by(User.id)
    )
    count = User.count()
    if where:
        query = query.where(*where)
        count = count.where(*where)
    async with read_transaction():
        return await paginate(query, count, request)


async def get_user(user_id: int) -> dict | None:
    return await User.select(*USER_LIST_COLUMNS).where(User.id == user_id).first()


async def _check_scope(data: dict) -> dict[str, str]:
    errors = rules.scope_errors(data["role"], data.get("community_id"), data.get("organization_id"))
    if data.get("community_id") is not None and not await Community.exists().where(
        Community.id == data["community_id"]
    ):
        errors["community_id"] = _("所选社区不存在")
    if data.get("organization_id") is not None and not await Organization.exists().where(
        Organization.id == data["organization_id"]
    ):
        errors["organization_id"] = _("所选社会组织不存在")
    return errors


def new_user_errors(data: dict) -> dict[str, str]:
    """The username's and the password's own faults (no lookups)."""
    errors: dict[str, str] = {}
    if err := rules.username_error(data["username"]):
        errors["username"] = err
    if err := rules.password_error(data["password"], data["username"]):
        errors["password"] = err
    return errors


async def username_taken(username: str) -> bool:
    return await User.exists().where(User.username == username)


async def create_user(
    actor: CurrentUser | None, data: dict, password_hash: str | None = None
) -> int:
    """A new account. `password_hash`: the caller checked and hashed the password already
    (outside its transaction: hashing takes a while)."""
    errors = new_user_errors(data)
    errors.update(await _check_scope(data))
    if await username_taken(data["username"]):
        errors["username"] = _("该用户名已被使用")
    if errors:
        raise AccountError(_("请修正表单中的错误"), errors)
    password_hash = password_hash or await hash_password(data["password"])
    row = {
        "username": data["username"],
        "display_name": data.get("display_name") or "",
        "role": data["role"],
        "community": data.get("community_id"),
        "organization": data.get("organization_id"),
        "email": data.get("email") or "",
        "phone": data.get("phone") or "",
        "is_active": True,
    }
    async with write_transaction():
        inserted = await User.insert(User(password_hash=password_hash, **row)).returning(User.id)
        user_id = inserted[0]["id"]
        await audit.record(actor, "app_user", user_id, "create", after=row)
    return user_id


EDITABLE = ("display_name", "role", "community", "organization", "email", "phone", "is_active")


async def update_user(actor: CurrentUser, user_id: int, version: int, data: dict) -> None:
    errors = await _check_scope(data)
    if user_id == actor.id and (data["role"] != actor.role or not data["is_active"]):
        errors["role"] = _("不能修改自己的角色或停用自己的账号")
    if errors:
        raise AccountError(_("请修正表单中的错误"), errors)
    values = {
        "display_name": data.get("display_name") or "",
        "role": data["role"],
        "community": data.get("community_id"),
        "organization": data.get("organization_id"),
        "email": data.get("email") or "",
        "phone": data.get("phone") or "",
        "is_active": bool(data["is_active"]),
    }
    async with write_transaction():
        before = (
            await User.select(*(getattr(User, c) for c in EDITABLE))
            .where(User.id == user_id)
            .first()
        )
        if before is None:
            raise AccountError(_("用户不存在"))
        await update_versioned(User, user_id, version, values)
        if not values["is_active"]:
            await UserSession.delete().where(UserSession.user == user_id)
        old, new = audit.changes(before, values)
        await audit.record(actor, "app_user", user_id, "update", before=old, after=new)


async def set_password(
    actor: CurrentUser,
    user_id: int,
    password: str,
    current_password: str | None = None,
    *,
    client_ip: str = "",
    policy: LoginPolicy | None = None,
) -> None:
    """Admin reset (no current password) or the user's own change (current password required).
    Either way every other session of the user ends. A wrong current password counts as a
    failed sign-in, so a borrowed session cannot be used to guess the password."""
    row = await User.select(User.username, User.password_hash).where(User.id == user_id).first()
    if row is None:
        raise AccountError(_("用户不存在"))
    if current_password is not None:
        await _refuse_if_throttled(
            row["username"],
            client_ip,
            policy or LoginPolicy(),
            PASSWORD_THROTTLED,
            "current_password",
        )
        ok = await verify_password(row["password_hash"], current_password)
        await LoginAttempt.insert(
            LoginAttempt(username=row["username"], client_ip=client_ip, succeeded=ok)
        )
        if not ok:
            raise AccountError(_("当前密码不正确"), {"current_password": _("当前密码不正确")})
    if err := rules.password_error(password, row["username"]):
        raise AccountError(err, {"password": err})
    password_hash = await hash_password(password)
    async with write_transaction():
        await User.update(
            {User.password_hash: password_hash, User.version: User.version + 1}
        ).where(User.id == user_id)
        await UserSession.delete().where(UserSession.user == user_id)
        # A password change answers a suspected leak, by the user or by an admin: the API
        # tokens go with the sessions, or a stolen token would outlive the new password.
        await ApiToken.update({ApiToken.revoked_at: _now()}).where(
            (ApiToken.user == user_id) & ApiToken.revoked_at.is_null()
        )
        action = "change_password" if current_password is not None else "reset_password"
        await audit.record(actor, "app_user", user_id, action)


async def scope_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The communities and organizations a user can be scoped to, for the user form."""
    return await community_options(), await organization_choices()


async def counts_by_role() -> dict[str, int]:
    rows = await User.select(User.role, Count(User.id, alias="n")).group_by(User.role)
    return {r["role"]: r["n"] for r in rows}


async def find_user_id(username: str) -> int | None:
    row = await User.select(User.id).where(User.username == username).first()
    return row["id"] if row else None


async def session_user(user_id: int) -> CurrentUser:
    row = await User.select().where(User.id == user_id).first()
    return _current_user(row, via="session")


# The request middleware's way to the caller (core.web), given it by the app.
USER_LOOKUP = UserLookup(for_session=user_for_session, for_token=user_for_token)
