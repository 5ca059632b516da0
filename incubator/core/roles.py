"""The five roles of DESIGN.md and the route declarations built from them.

Deny by default: a route handler (or its controller/router) must declare `opt=allow(...)` or
`opt=PUBLIC_ROUTE`; the global guard refuses everything else (see core.auth.role_guard).
"""

from __future__ import annotations

from typing import Any

from incubator.core.i18n import N_

ADMIN = "admin"
STAFF = "staff"
ASSESSOR = "assessor"
COMMUNITY = "community"
APPLICANT = "applicant"

ALL_ROLES: tuple[str, ...] = (ADMIN, STAFF, ASSESSOR, COMMUNITY, APPLICANT)
# Roles that read every community's and organization's data.
STREET_WIDE: frozenset[str] = frozenset({ADMIN, STAFF, ASSESSOR})

# Source strings are Chinese; the English catalog translates them (core.i18n).
ROLE_LABELS = {
    ADMIN: N_("系统管理员"),
    STAFF: N_("中心工作人员"),
    ASSESSOR: N_("评估人员"),
    COMMUNITY: N_("社区工作人员"),
    APPLICANT: N_("社会组织申请人"),
}

PUBLIC = "public"
ROLES_KEY = "roles"


def allow(*roles: str) -> dict[str, Any]:
    unknown = set(roles) - set(ALL_ROLES)
    if unknown or not roles:
        raise ValueError(f"unknown or missing roles: {sorted(unknown)}")
    return {ROLES_KEY: frozenset(roles)}


def allow_signed_in() -> dict[str, Any]:
    return allow(*ALL_ROLES)


PUBLIC_ROUTE: dict[str, Any] = {ROLES_KEY: PUBLIC}
