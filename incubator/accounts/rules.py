"""Account rules without I/O: usernames, passwords, and which scope each role needs."""

from __future__ import annotations

import re

from incubator.core.i18n import _
from incubator.core.passwords import MAX_LENGTH, MIN_LENGTH
from incubator.core.roles import ALL_ROLES, APPLICANT, COMMUNITY

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{3,64}$")


def username_error(username: str) -> str | None:
    if not USERNAME_RE.match(username):
        return _("用户名只能包含字母、数字、下划线、点和连字符，3 到 64 个字符")
    return None


def password_error(password: str, username: str = "") -> str | None:
    if len(password) < MIN_LENGTH:
        return _("密码至少 {n} 个字符").format(n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("密码最多 {n} 个字符").format(n=MAX_LENGTH)
    if username and password.lower() == username.lower():
        return _("密码不能与用户名相同")
    return None


def scope_errors(role: str, community_id: int | None, organization_id: int | None) -> dict:
    """A community officer belongs to one community, an applicant to one organization, and the
    street-wide roles to neither."""
    errors: dict[str, str] = {}
    if role not in ALL_ROLES:
        errors["role"] = _("请选择有效的角色")
    if role == COMMUNITY and community_id is None:
        errors["community_id"] = _("社区工作人员必须指定所属社区")
    if role != COMMUNITY and community_id is not None:
        errors["community_id"] = _("只有社区工作人员可以指定社区")
    if role == APPLICANT and organization_id is None:
        errors["organization_id"] = _("申请人必须指定所代表的社会组织")
    if role != APPLICANT and organization_id is not None:
        errors["organization_id"] = _("只有申请人可以指定社会组织")
    return errors


def should_refresh_expiry(seconds_left: float, idle_seconds: float) -> bool:
    """Write the new expiry at most once a minute, not on every request."""
    return idle_seconds - seconds_left >= 60
