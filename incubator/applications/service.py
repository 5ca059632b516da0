"""Applications: a draft the applicant (or staff for a walk-in) fills in over several visits,
with attachments by document type, submitted with a receipt number into the pipeline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from incubator.applications import rounds, rules
from incubator.applications.tables import Application, ApplicationFile
from incubator.core import audit, files
from incubator.core.auth import CurrentUser
from incubator.core.db import read_transaction, write_transaction
from incubator.core.errors import ServiceError
from incubator.core.i18n import N_, _, local_today, text
from incubator.core.locking import update_versioned
from incubator.core.passwords import hash_password
from incubator.core.personal import phone_error
from incubator.core.roles import ADMIN, APPLICANT, STAFF
from incubator.core.sequences import next_value
from incubator.ground.tables import Street
from incubator.organizations import pipeline_service as pipeline
from incubator.organizations import rules as organization_rules
from incubator.organizations.rules import Facts
from incubator.organizations.service import get_organization

FORM_FIELDS = (
    "project_name",
    "project_summary",
    "target_group",
    "planned_activities",
    "budget_yuan",
    "annual_inspection_ok",
    "no_penalties",
    "not_blacklisted",
    "independent_account",
)


class ApplicationError(ServiceError):
    """A refusal of this module's service (core.errors)."""


class RegistrationThrottled(ApplicationError):
    """Too many registrations from this client address this hour (answered as 429)."""


class NotYours(ApplicationError):
    """The organization does not exist or is outside the caller's scope (answered as 404)."""


async def _organization(user: CurrentUser, organization_id: int) -> dict:
    organization = await get_organization(user, organization_id)
    if organization is None:
        raise NotYours(_("社会组织不存在"))
    return organization


async def current(
    user: CurrentUser, organization_id: int, *, create: bool = False
) -> dict[str, Any]:
    """The organization's latest application, its documents and what is still missing. With
    none yet, an unsaved blank draft: pages only look (a GET writes nothing); the writes that
    need a row (`create`) insert it first."""
    organization = await _organization(user, organization_id)
    latest = (
        Application.select()
        .where(Application.organization == organization_id)
        .order_by(Application.id, ascending=False)
        .first()
    )
    if create:
        async with write_transaction():
            row = await latest
            if row is None:
                await Application.insert(Application(organization=organization_id))
                row = await latest
    else:
        row = await latest or {**Application(organization=organization_id).to_dict(), "id": None}
    documents = await _documents(row["id"]) if row["id"] is not None else {}
    status = organization["registration_status"]
    return {
        "application": row,
        "organization": organization,
        "documents": documents,
        "required": rules.REQUIRED_DOCUMENTS.get(status, rules.REQUIRED_DOCUMENTS["unregistered"]),
        "readiness": rules.readiness(status, row, set(documents)),
    }


async def _documents(application_id: int) -> dict[str, dict]:
    rows = await ApplicationFile.select(
        ApplicationFile.document,
        ApplicationFile.file,
        ApplicationFile.file.original_name.as_alias("name"),
        ApplicationFile.file.size.as_alias("size"),
    ).where((ApplicationFile.application == application_id) & ApplicationFile.is_current.eq(True))
    return {r["document"]: r for r in rows}


def _stored(field: str, value: Any) -> Any:
    """Empty form fields as the columns keep them: text "", numbers 0, checkboxes False."""
    if value is not None:
        return value
    return 0 if field == "budget_yuan" else ""


def _editable(application: dict) -> None:
    if application["status"] != "draft":
        raise ApplicationError(_("申请已提交，不能再修改"))


async def save_draft(
    user: CurrentUser, organization_id: int, version: int, data: dict[str, Any]
) -> None:
    state = await current(user, organization_id, create=True)
    application = state["application"]
    _editable(application)
    values = {field: _stored(field, data[field]) for field in FORM_FIELDS if field in data}
    async with write_transaction():
        await update_versioned(Application, application["id"], version, values)
        before, after = audit.changes(application, values)
        await audit.record(user, "application", application["id"], "update", before, after)


async def attach(
    user: CurrentUser,
    organization_id: int,
    document: str,
    data: bytes,
    name: str,
    uploads_dir: Path,
    max_bytes: int,
    quota_bytes: int,
) -> None:
    """Stores a document for the draft; a newer upload of the same kind replaces the older."""
    if document not in dict(rules.DOCUMENTS):
        raise ApplicationError(_("未知的材料类型"))
    state = await current(user, organization_id, create=True)
    application = state["application"]
    _editable(application)
    async with files.discard_on_failure(), write_transaction():
        try:
            stored = await files.store_upload(
                uploads_dir=uploads_dir,
                max_bytes=max_bytes,
                data=data,
                original_name=name,
                actor=user,
                allowed=(files.PDF, files.JPEG, files.PNG, files.DOCX),
                organization_id=organization_id,
                quota_bytes=quota_bytes,
            )
        except files.UploadError as exc:
            raise ApplicationError(str(exc)) from exc
        await ApplicationFile.update({ApplicationFile.is_current: False}).where(
            (ApplicationFile.application == application["id"])
            & (ApplicationFile.document == document)
        )
        await ApplicationFile.insert(
            ApplicationFile(application=application["id"], document=document, file=stored["id"])
        )
        await audit.record(
            user, "application", application["id"], "attach", after={"document": document}
        )


async def submit(user: CurrentUser, organization_id: int, version: int) -> str:
    """Submits the complete application: a receipt number, and the organization enters the
    pipeline at 接受申请. Returns the receipt number."""
    state = await current(user, organization_id)
    application, organization = state["application"], state["organization"]
    _editable(application)
    if not state["readiness"].ready:
        raise ApplicationError(_("申请还不完整"), details=state["readiness"].messages())
    async with write_transaction():
        try:
            joined = await rounds.round_for_submission(
                local_today(), by_staff=user.role in (ADMIN, STAFF)
            )
        except rounds.RoundError as exc:
            raise ApplicationError(exc.message) from exc
        street = await Street.select(Street.code).first()
        year = local_today().year
        # A resubmission (after 待补材料) keeps its receipt number.
        number = application["tracking_number"] or rules.tracking_number(
            street["code"] if street else "APP", year, await next_value(f"application:{year}")
        )
        await update_versioned(
            Application,
            application["id"],
            version,
            {
                "status": "submitted",
                "tracking_number": number,
                "submitted_at": dt.datetime.now(dt.UTC),
                "round": application["round"] or (joined["id"] if joined else None),
            },
        )
        await audit.record(
            user, "application", application["id"], "submit", after={"tracking_number": number}
        )
        if organization["stage"] is None:
            facts = Facts(application_ready=True)
            error = organization_rules.transition_error(None, "apply", user.role, facts)
            if error:
                raise ApplicationError(error)
            await pipeline.move_now(user, organization, "apply", _("申请回执 {n}").format(n=number))
    return number


async def receipt(user: CurrentUser, organization_id: int) -> dict | None:
    async with read_transaction():
        organization = await get_organization(user, organization_id)
        if organization is None:
            return None
        row = (
            await Application.select()
            .where(
                (Application.organization == organization_id) & (Application.status == "submitted")
            )
            .order_by(Application.id, ascending=False)
            .first()
        )
    if row is None:
        return None
    return {
        "application": row,
        "organization": organization,
        "documents": await _documents(row["id"]),
    }


# Shown when the organization name or the username is already there. Which one is not said,
# nor that anything exists: usernames are secret (they are half of a sign-in), and a named
# refusal would turn /register into a lookup. A refusal itself still hints that something
# matched; every try counts against the address's hourly registrations (claim_registration),
# so guessing stays slow.
NOT_ACCEPTED = N_(
    "注册未能受理。请换一个用户名后再试；如果您的组织以前在中心登记过，请联系中心工作人员开通账号。"
)


async def register_applicant(data: dict[str, Any], client_ip: str, max_per_address: int) -> int:
    """A new organization and its applicant account, together or not at all; returns the
    user id. Field errors come back as ApplicationError.errors of (field, message); a refusal
    that must not name its reason, as ApplicationError without errors."""
    from incubator.accounts import service as accounts
    from incubator.organizations import service as organizations

    errors = accounts.new_user_errors(data)
    if err := phone_error(data["phone"]):
        errors["phone"] = err
    if errors:
        raise ApplicationError(_("请修正表单中的错误"), errors)
    try:
        await accounts.claim_registration(client_ip, max_per_address)
    except accounts.AccountError as exc:
        raise RegistrationThrottled(exc.message) from exc
    # Hashed once the address may register, and outside the transaction (it takes a while).
    password_hash = await hash_password(data["password"])
    try:
        async with write_transaction():
            if await organizations.organization_id_by_name(
                data["organization_name"]
            ) or await accounts.username_taken(data["username"]):
                raise ApplicationError(text(NOT_ACCEPTED))
            organization_id = await organizations.create_organization(
                None,
                {
                    "name": data["organization_name"],
                    "org_type": "community_org",
                    "registration_status": data["registration_status"],
                    "service_field": data["service_field"],
                    "community_id": data.get("community_id"),
                    "contact_name": data["display_name"],
                    "contact_phone": data["phone"],
                },
            )
            return await accounts.create_user(
                None,
                {
                    "username": data["username"],
                    "password": data["password"],
                    "display_name": data["display_name"],
                    "phone": data["phone"],
                    "role": APPLICANT,
                    "organization_id": organization_id,
                },
                password_hash=password_hash,
            )
    except (accounts.AccountError, organizations.OrganizationError) as exc:
        if "username" in exc.errors:  # taken between the check and the insert
            raise ApplicationError(text(NOT_ACCEPTED)) from exc
        raise ApplicationError(exc.message, exc.errors) from exc
