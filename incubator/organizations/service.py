"""The registry of social organizations, read and written through the caller's scope."""

from __future__ import annotations

from typing import Any

from incubator.core import audit
from incubator.core.auth import CurrentUser
from incubator.core.db import read_transaction, write_transaction
from incubator.core.errors import ServiceError
from incubator.core.i18n import _
from incubator.core.locking import update_versioned
from incubator.core.pagination import Page, PageRequest, Sort, paginate
from incubator.core.personal import id_number_error, phone_error
from incubator.core.roles import COMMUNITY
from incubator.core.scoping import row_id, scope_filter, where_all
from incubator.ground.tables import Community, Organization
from incubator.organizations import rules
from incubator.organizations.tables import OrganizationEvent


class OrganizationError(ServiceError):
    """A refusal of this module's service (core.errors)."""


PROFILE_FIELDS = (
    "name",
    "credit_code",
    "org_type",
    "registration_status",
    "name_approval_date",
    "registration_date",
    "service_field",
    "community",
    "legal_representative",
    "legal_rep_id_number",
    "contact_name",
    "contact_phone",
    "email",
    "address",
    "members_count",
    "staff_count",
    "volunteers_count",
    "party_org_form",
    "party_members",
    "party_instructor",
    "description",
)

LIST_COLUMNS = (
    Organization.id,
    Organization.name,
    Organization.credit_code,
    Organization.org_type,
    Organization.registration_status,
    Organization.registration_date,
    Organization.service_field,
    Organization.community,
    Organization.community.name.as_alias("community_name"),
    Organization.legal_representative,
    Organization.contact_name,
    Organization.contact_phone,
    Organization.members_count,
    Organization.staff_count,
    Organization.volunteers_count,
    Organization.party_org_form,
    Organization.is_archived,
    Organization.stage,
    Organization.stage_since,
    Organization.created_at,
)

SORT_COLUMNS = {
    "name": Organization.name,
    "registration_date": Organization.registration_date,
    "created_at": Organization.created_at,
}


def organization_scope(user: CurrentUser) -> Any:
    return scope_filter(user, community=Organization.community, organization=Organization.id)


def _filters(filters: dict[str, str]) -> list[Any]:
    clauses: list[Any] = []
    if q := filters.get("q", "").strip():
        term = f"%{q}%"
        clauses.append(Organization.name.ilike(term) | Organization.credit_code.ilike(term))
    for key in ("org_type", "registration_status", "service_field", "stage"):
        if filters.get(key):
            clauses.append(getattr(Organization, key) == filters[key])
    if (community := row_id(filters.get("community"))) is not None:
        clauses.append(Organization.community == community)
    clauses.append(Organization.is_archived.eq(filters.get("archived") == "1"))
    return clauses


async def list_organizations(
    user: CurrentUser, filters: dict[str, str], request: PageRequest, sort: Sort
) -> Page:
    clauses = [organization_scope(user), *_filters(filters)]
    query = where_all(
        Organization.select(*LIST_COLUMNS)
        .order_by(SORT_COLUMNS[sort.key], ascending=not sort.descending)
        .order_by(Organization.id),
        *clauses,
    )
    async with read_transaction():
        return await paginate(query, where_all(Organization.count(), *clauses), request)


async def export_rows(user: CurrentUser, filters: dict[str, str], sort: Sort) -> list[dict]:
    clauses = [organization_scope(user), *_filters(filters)]
    query = (
        Organization.select(*LIST_COLUMNS)
        .order_by(SORT_COLUMNS[sort.key], ascending=not sort.descending)
        .order_by(Organization.id)
    )
    return await where_all(query, *clauses)


async def get_organization(user: CurrentUser, organization_id: int) -> dict | None:
    query = Organization.select(
        *Organization.all_columns(), Organization.community.name.as_alias("community_name")
    ).where(Organization.id == organization_id)
    return await where_all(query, organization_scope(user)).first()


async def _community_errors(data: dict) -> dict[str, str]:
    community_id = data.get("community_id")
    if community_id is not None and not await Community.exists().where(
        Community.id == community_id
    ):
        return {"community_id": _("所选社区不存在")}
    return {}


async def check(user: CurrentUser, data: dict, organization_id: int | None) -> dict[str, str]:
    """Every problem with the profile at once (also with fields the form already refused)."""
    errors: dict[str, str] = {}
    code = rules.normalize_credit_code(data.get("credit_code") or "") or None
    data["credit_code"] = code
    if code and (error := rules.credit_code_error(code)):
        errors["credit_code"] = error
    errors.update(
        rules.registration_errors(
            data.get("registration_status") or "",
            data.get("registration_date"),
            data.get("name_approval_date"),
            code,
        )
    )
    if data.get("legal_rep_id_number"):
        data["legal_rep_id_number"] = data["legal_rep_id_number"].strip().upper()
        if error := id_number_error(data["legal_rep_id_number"]):
            errors["legal_rep_id_number"] = error
    if data.get("contact_phone") and (error := phone_error(data["contact_phone"])):
        errors["contact_phone"] = error
    if user.role == COMMUNITY:
        # A community officer registers organizations of their own community only: another
        # community is refused, not replaced.
        if data.get("community_id") not in (None, user.community_id):
            errors["community_id"] = _("只能登记本社区的社会组织")
        data["community_id"] = user.community_id
    errors.update(await _community_errors(data))
    others = Organization.id != (organization_id or -1)
    if data.get("name") and await Organization.exists().where(
        (Organization.name == data["name"]) & others
    ):
        errors["name"] = _("已有同名的社会组织")
    if code and await Organization.exists().where((Organization.credit_code == code) & others):
        errors["credit_code"] = _("该统一社会信用代码已登记在另一个组织名下")
    return errors


def _row(data: dict) -> dict[str, Any]:
    row = {field: data.get(field) for field in PROFILE_FIELDS if field != "community"}
    row["community"] = data.get("community_id")
    for key in ("members_count", "staff_count", "volunteers_count", "party_members"):
        row[key] = row[key] or 0
    for key in (
        "legal_representative",
        "legal_rep_id_number",
        "contact_name",
        "contact_phone",
        "email",
        "address",
        "party_instructor",
        "description",
    ):
        row[key] = row[key] or ""
    row["party_org_form"] = row["party_org_form"] or "none"
    return row


async def create_organization(actor: CurrentUser | None, data: dict) -> int:
    """Registers an organization. `actor` None is the system (seeds, the public /register,
    which checks its few fields itself; the community id comes from the request, though)."""
    errors = await (check(actor, data, None) if actor is not None else _community_errors(data))
    if errors:
        raise OrganizationError(_("请修正表单中的错误"), errors)
    row = _row(data)
    async with write_transaction():
        rows = await Organization.insert(Organization(**row)).returning(Organization.id)
        await audit.record(actor, "organization", rows[0]["id"], "create", after=row)
    return rows[0]["id"]


async def update_organization(
    actor: CurrentUser, organization_id: int, version: int, data: dict
) -> None:
    async with write_transaction():
        before = await get_organization(actor, organization_id)
        if before is None:
            raise OrganizationError(_("社会组织不存在"))
        errors = await check(actor, data, organization_id)
        if errors:
            raise OrganizationError(_("请修正表单中的错误"), errors)
        row = _row(data)
        await update_versioned(Organization, organization_id, version, row)
        old, new = audit.changes(before, row)
        await audit.record(actor, "organization", organization_id, "update", old, new)


async def organization_id_by_name(name: str) -> int | None:
    row = await Organization.select(Organization.id).where(Organization.name == name).first()
    return row["id"] if row else None


async def organization_choices(community_id: int | None = None) -> list[tuple[str, str]]:
    """Organizations as (value, label) pairs for a select box, of one community if given."""
    query = Organization.select(Organization.id, Organization.name).where(
        Organization.is_archived.eq(False)
    )
    if community_id is not None:
        query = query.where(Organization.community == community_id)
    return [(str(r["id"]), r["name"]) for r in await query.order_by(Organization.name)]


async def record_event(
    actor: CurrentUser,
    organization_id: int,
    action: str,
    from_stage: str | None,
    to_stage: str | None,
    text: str,
    attachment_id: int | None = None,
) -> None:
    """One entry on the organization's timeline: who, when, what, from and to, why."""
    await OrganizationEvent.insert(
        OrganizationEvent(
            organization=organization_id,
            actor=actor.id,
            actor_name=actor.name,
            action=action,
            from_stage=from_stage,
            to_stage=to_stage,
            reason=text.strip(),
            attachment=attachment_id,
        )
    )
