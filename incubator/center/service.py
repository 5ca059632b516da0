"""The center's space, entry agreements and support records, read and written in transactions.

The pipeline calls `sign`, `renew` and `end` inside its own transitions, so the agreement and the
stage change commit together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from incubator.center import rules
from incubator.center.rules import AgreementDraft
from incubator.center.tables import Desk, DeskAllocation, EntryAgreement, Room, SupportRecord
from incubator.core import audit, sequences
from incubator.core.auth import CurrentUser
from incubator.core.dates import add_months
from incubator.core.db import read_transaction, write_transaction
from incubator.core.errors import ServiceError
from incubator.core.i18n import N_, _, local_today
from incubator.core.locking import update_versioned
from incubator.core.scoping import scope_filter, where_all
from incubator.organizations import rules as organization_rules
from incubator.organizations import transitions
from incubator.organizations.service import get_organization, record_event


class CenterError(ServiceError):
    """A refusal of this module's service (core.errors)."""


audit.label_tables(
    {
        "center_room": N_("房间"),
        "center_desk": N_("工位"),
        "entry_agreement": N_("入驻协议"),
        "support_record": N_("孵化支持记录"),
    }
)
audit.label_actions({"archive": N_("停用")})


# --- space --------------------------------------------------------------------------------


async def _holders() -> dict[int, dict]:
    """Desk id -> who holds it now (organization and agreement period)."""
    rows = await DeskAllocation.select(
        DeskAllocation.desk,
        DeskAllocation.agreement,
        DeskAllocation.agreement.organization.as_alias("organization_id"),
        DeskAllocation.agreement.organization.name.as_alias("organization_name"),
        DeskAllocation.agreement.period_end.as_alias("period_end"),
        DeskAllocation.agreement.status.as_alias("status"),
    ).where(DeskAllocation.released_on.is_null())
    return {r["desk"]: r for r in rows}


async def rooms_with_desks(include_archived: bool = False) -> list[dict]:
    """Every room by zone, each with its desks and their current holders."""
    async with read_transaction():
        room_query = Room.select()
        desk_query = Desk.select().order_by(Desk.code)
        if not include_archived:
            room_query = room_query.where(Room.is_archived.eq(False))
            desk_query = desk_query.where(Desk.is_archived.eq(False))
        rooms = await room_query
        desks = await desk_query
        holders = await _holders()
    by_room: dict[int, list[dict]] = {r["id"]: [] for r in rooms}
    for desk in desks:
        if desk["room"] in by_room:
            by_room[desk["room"]].append({**desk, "holder": holders.get(desk["id"])})
    zone_order = {code: n for n, (code, _label) in enumerate(rules.ZONES)}
    rooms.sort(key=lambda r: (zone_order.get(r["zone"], len(zone_order)), r["name"]))
    return [{**room, "desks": by_room[room["id"]]} for room in rooms]


async def occupancy() -> dict[str, Any]:
    rooms = await rooms_with_desks()
    zones = rules.zone_use(rooms)
    return {
        "rooms": rooms,
        "zones": zones,
        "total_area": sum(z.area for z in zones),
        "all_zones": all(z.rooms for z in zones),
    }


async def create_room(actor: CurrentUser, data: dict) -> int:
    name = data["name"].strip()
    async with write_transaction():
        if await Room.exists().where(Room.name == name):
            raise CenterError(_("已有同名房间"), {"name": _("已有同名房间")})
        rows = await Room.insert(
            Room(
                zone=data["zone"],
                name=name,
                capacity=data["capacity"] or 0,
                area=data["area"] or 0,
                note=data.get("note") or "",
            )
        ).returning(Room.id)
        room_id = rows[0]["id"]
        for n in range(1, (data.get("desks") or 0) + 1):
            await _insert_desk(room_id, f"{name}-{n:02d}")
        await audit.record(actor, "center_room", room_id, "create", after=data)
    return room_id


async def _insert_desk(room_id: int, code: str) -> int:
    if await Desk.exists().where(Desk.code == code):
        raise CenterError(_("工位编号“{code}”已存在").format(code=code))
    rows = await Desk.insert(Desk(room=room_id, code=code)).returning(Desk.id)
    return rows[0]["id"]


async def add_desk(actor: CurrentUser, room_id: int, code: str) -> int:
    code = code.strip()
    if not code or len(code) > 50:
        raise CenterError(_("请填写工位编号（最多 50 个字符）"))
    async with write_transaction():
        if not await Room.exists().where((Room.id == room_id) & Room.is_archived.eq(False)):
            raise CenterError(_("房间不存在"))
        desk_id = await _insert_desk(room_id, code)
        await audit.record(actor, "center_desk", desk_id, "create", after={"code": code})
    return desk_id


async def archive_desk(actor: CurrentUser, desk_id: int) -> None:
    """A desk taken out of use; only a free desk can go."""
    async with write_transaction():
        desk = await Desk.select().where(Desk.id == desk_id).first()
        if desk is None or desk["is_archived"]:
            raise CenterError(_("工位不存在"))
        held = await DeskAllocation.exists().where(
            (DeskAllocation.desk == desk_id) & DeskAllocation.released_on.is_null()
        )
        if held:
            raise CenterError(_("工位“{code}”正在使用，不能停用").format(code=desk["code"]))
        await update_versioned(Desk, desk_id, desk["version"], {"is_archived": True})
        await audit.record(actor, "center_desk", desk_id, "archive", before={"code": desk["code"]})


# --- entry agreements ---------------------------------------------------------------------


async def current_agreement(organization_id: int) -> dict | None:
    """The organization's latest agreement with its desks, ended ones included."""
    agreement = (
        await EntryAgreement.select(
            *EntryAgreement.all_columns(),
            EntryAgreement.scan.original_name.as_alias("scan_name"),
        )
        .where(EntryAgreement.organization == organization_id)
        .order_by(EntryAgreement.id, ascending=False)
        .first()
    )
    if agreement is None:
        return None
    desks = (
        await DeskAllocation.select(
            DeskAllocation.desk,
            DeskAllocation.desk.code.as_alias("code"),
            DeskAllocation.desk.room.name.as_alias("room_name"),
            DeskAllocation.desk.room.zone.as_alias("zone"),
            DeskAllocation.allocated_on,
            DeskAllocation.released_on,
        )
        .where(DeskAllocation.agreement == agreement["id"])
        .order_by(DeskAllocation.id)
    )
    agreement["service_codes"] = rules.service_codes(agreement["services"])
    agreement["desks"] = [d for d in desks if d["released_on"] is None]
    agreement["past_desks"] = [d for d in desks if d["released_on"] is not None]
    return agreement


async def open_agreement(organization_id: int) -> dict | None:
    agreement = await current_agreement(organization_id)
    return agreement if agreement and agreement["status"] != "ended" else None


async def desks_for_form(agreement_id: int | None) -> list[dict]:
    """Desks one can choose for an agreement: the free ones and those it already holds."""
    rooms = await rooms_with_desks()
    choices = []
    for room in rooms:
        for desk in room["desks"]:
            holder = desk["holder"]
            if holder is None or holder["agreement"] == agreement_id:
                choices.append({**desk, "room_name": room["name"], "zone": room["zone"]})
    return choices


async def save_agreement(
    actor: CurrentUser,
    organization_id: int,
    version: int,
    data: dict,
    services: Sequence[str],
    desk_ids: Sequence[int],
) -> int:
    """Drafts the agreement (entry stage) or amends a signed one; returns its id.

    A signed agreement keeps its period and signing date: 续驻 changes the period.
    """
    today = local_today()
    async with write_transaction():
        organization = await get_organization(actor, organization_id)
        if organization is None:
            raise CenterError(_("社会组织不存在"))
        if organization["stage"] not in ("entry", "incubation"):
            raise CenterError(_("入驻协议在“入壳”阶段签订，孵化期间可调整工位和服务"))
        agreement = await open_agreement(organization_id)
        signed = agreement is not None and agreement["status"] == "signed"
        if signed:
            data = {
                **data,
                "period_start": agreement["period_start"],
                "period_end": agreement["period_end"],
                "signed_on": agreement["signed_on"],
            }
        draft = AgreementDraft(
            period_start=data["period_start"],
            period_end=data["period_end"],
            signed_on=data.get("signed_on"),
            services=tuple(dict.fromkeys(services)),
            desk_ids=tuple(dict.fromkeys(desk_ids)),
            track=organization["incubation_track"],
        )
        if errors := rules.agreement_errors(draft, today):
            raise CenterError(next(iter(errors.values())), errors)
        values = {
            "period_start": draft.period_start,
            "period_end": draft.period_end,
            "signed_on": draft.signed_on,
            "services": ",".join(draft.services),
            "services_note": data.get("services_note") or "",
            "obligations": data["obligations"],
            "commitment": data["commitment"],
        }
        if agreement is None:
            number = await sequences.next_value(f"agreement-{today.year}")
            rows = await EntryAgreement.insert(
                EntryAgreement(
                    organization=organization_id,
                    number=f"RZ{today.year}-{number:03d}",
                    created_by=actor.id,
                    **values,
                )
            ).returning(EntryAgreement.id)
            agreement_id = rows[0]["id"]
            held: list[int] = []
        else:
            agreement_id = agreement["id"]
            await update_versioned(EntryAgreement, agreement_id, version, values)
            held = [d["desk"] for d in agreement["desks"]]
        await _reallocate(agreement_id, held, list(draft.desk_ids), today)
        stage = organization["stage"]
        await record_event(
            actor,
            organization_id,
            "agreement",
            stage,
            stage,
            _("入驻协议：{start} 至 {end}").format(start=draft.period_start, end=draft.period_end),
        )
        await audit.record(
            actor,
            "entry_agreement",
            agreement_id,
            "update" if agreement else "create",
            before={k: agreement[k] for k in values} | {"desks": held} if agreement else None,
            after=values | {"desks": list(draft.desk_ids)},
        )
    return agreement_id


async def _reallocate(
    agreement_id: int, held: list[int], wanted: list[int], today: dt.date
) -> None:
    """Releases the desks no longer wanted and takes the new ones, if they are free."""
    released = [d for d in held if d not in wanted]
    if released:
        await DeskAllocation.update({DeskAllocation.released_on: today}).where(
            (DeskAllocation.agreement == agreement_id)
            & DeskAllocation.desk.is_in(released)
            & DeskAllocation.released_on.is_null()
        )
    added = [d for d in wanted if d not in held]
    if not added:
        return
    usable = await Desk.select(Desk.id, Desk.code).where(
        Desk.id.is_in(added) & Desk.is_archived.eq(False)
    )
    if len(usable) != len(added):
        raise CenterError(_("所选工位不存在或已停用"), {"desks": _("所选工位不存在或已停用")})
    taken = await DeskAllocation.select(DeskAllocation.desk.code.as_alias("code")).where(
        DeskAllocation.desk.is_in(added) & DeskAllocation.released_on.is_null()
    )
    if taken:
        message = _("工位已被占用：{codes}").format(codes=_("、").join(t["code"] for t in taken))
        raise CenterError(message, {"desks": message})
    await DeskAllocation.insert(
        *[DeskAllocation(agreement=agreement_id, desk=d, allocated_on=today) for d in added]
    )


async def sign(organization_id: int, scan_id: int | None) -> None:
    """In the sign_agreement transition: the stamped scan makes the agreement binding."""
    agreement = await open_agreement(organization_id)
    if agreement is None:
        raise CenterError(_("尚未拟定入驻协议"))
    await update_versioned(
        EntryAgreement, agreement["id"], agreement["version"], {"status": "signed", "scan": scan_id}
    )


async def renew(organization_id: int) -> dt.date | None:
    """续驻: the signed agreement runs RENEWAL_MONTHS longer; returns the new end date."""
    agreement = await open_agreement(organization_id)
    if agreement is None or agreement["status"] != "signed":
        return None
    new_end = add_months(agreement["period_end"], rules.RENEWAL_MONTHS)
    await update_versioned(
        EntryAgreement,
        agreement["id"],
        agreement["version"],
        {"period_end": new_end, "renewals": agreement["renewals"] + 1},
    )
    return new_end


async def end(organization_id: int, reason: str) -> None:
    """Graduation or exit: the agreement ends today and its desks are free again."""
    agreement = await open_agreement(organization_id)
    if agreement is None:
        return
    today = local_today()
    await update_versioned(
        EntryAgreement,
        agreement["id"],
        agreement["version"],
        {"status": "ended", "ended_on": today, "end_reason": reason[:255]},
    )
    await DeskAllocation.update({DeskAllocation.released_on: today}).where(
        (DeskAllocation.agreement == agreement["id"]) & DeskAllocation.released_on.is_null()
    )


async def ending_soon(user: CurrentUser, today: dt.date) -> list[dict]:
    """Signed agreements that end within ENDING_SOON_DAYS (or have ended unattended)."""
    rows = await where_all(
        EntryAgreement.select(
            EntryAgreement.id,
            EntryAgreement.number,
            EntryAgreement.period_end,
            EntryAgreement.renewals,
            EntryAgreement.organization.as_alias("organization_id"),
            EntryAgreement.organization.name.as_alias("organization_name"),
        )
        .where(
            (EntryAgreement.status == "signed")
            & (EntryAgreement.period_end <= today + dt.timedelta(days=rules.ENDING_SOON_DAYS))
        )
        .order_by(EntryAgreement.period_end),
        scope_filter(
            user,
            community=EntryAgreement.organization.community,
            organization=EntryAgreement.organization,
        ),
    )
    return [{**r, "days_left": (r["period_end"] - today).days} for r in rows]


# --- support records ----------------------------------------------------------------------


async def add_support(actor: CurrentUser, organization_id: int, data: dict) -> int:
    async with write_transaction():
        organization = await get_organization(actor, organization_id)
        if organization is None:
            raise CenterError(_("社会组织不存在"))
        if organization["stage"] not in ("entry", "incubation", "graduation", "follow_up"):
            raise CenterError(_("入壳以后才记录孵化支持"))
        row = {
            "kind": data["kind"],
            "held_on": data["held_on"],
            "topic": data["topic"],
            "provider": data.get("provider") or "",
            "hours": data.get("hours") or 0,
            "amount": data.get("amount") or 0,
            "note": data.get("note") or "",
        }
        if row["held_on"] > local_today():
            raise CenterError(_("日期不能晚于今天"), {"held_on": _("日期不能晚于今天")})
        rows = await SupportRecord.insert(
            SupportRecord(organization=organization_id, recorded_by=actor.id, **row)
        ).returning(SupportRecord.id)
        stage = organization["stage"]
        await record_event(
            actor, organization_id, row["kind"], stage, stage, f"{row['held_on']} {row['topic']}"
        )
        await audit.record(actor, "support_record", rows[0]["id"], "create", after=row)
    return rows[0]["id"]


async def support_records(organization_id: int) -> list[dict]:
    return (
        await SupportRecord.select(
            *SupportRecord.all_columns(),
            SupportRecord.recorded_by.display_name.as_alias("recorded_by_name"),
        )
        .where(
            (SupportRecord.organization == organization_id) & SupportRecord.is_archived.eq(False)
        )
        .order_by(SupportRecord.held_on, ascending=False)
        .order_by(SupportRecord.id, ascending=False)
    )


# --- what the center does when an organization moves (organizations.transitions) -------------


@transitions.on("sign_agreement")
async def _on_sign(moved: transitions.Moved) -> None:
    await sign(moved.organization["id"], moved.attachment_id)


@transitions.on("extend")
async def _on_extend(moved: transitions.Moved) -> str | None:
    new_end = await renew(moved.organization["id"])
    if new_end is None:
        return None
    return _("{reason}（协议延长至 {end}）").format(reason=moved.reason.strip(), end=new_end)


@transitions.on("graduate")
async def _on_graduate(moved: transitions.Moved) -> None:
    await end(moved.organization["id"], _("出壳"))


@transitions.on("terminate", "withdraw")
async def _on_exit(moved: transitions.Moved) -> None:
    if moved.source in organization_rules.HOUSED_STAGES:
        await end(moved.organization["id"], moved.reason)
