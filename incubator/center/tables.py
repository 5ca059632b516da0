"""The incubation center's own records: its space (rooms and desks), the entry agreements that
allocate it, and the support it gives each organization (coaching, trainings, resources,
subsidies)."""

from decimal import Decimal

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    OnDelete,
    Text,
    Varchar,
)
from piccolo.table import Table

from incubator.core.columns import Tracked
from incubator.core.tables import StoredFile
from incubator.ground.tables import Organization, User


class Room(Tracked, Table, tablename="center_room"):
    """A room in one zone of the center (展示区 / 培训区 / 办公区)."""

    zone = Varchar(length=16, index=True)
    name = Varchar(length=100, unique=True)
    # How many people the room holds (seats for trainings, people for offices).
    capacity = Integer(default=0)
    # Floor area in square metres: the plan asks for a center of at least 200 m² (target S5).
    area = Integer(default=0)
    note = Varchar(length=255, default="")
    is_archived = Boolean(default=False)


class Desk(Tracked, Table, tablename="center_desk"):
    """One place an organization can be given: an office desk (工位) or a display booth (展位)."""

    room = ForeignKey(Room, on_delete=OnDelete.restrict, null=False)
    code = Varchar(length=50, unique=True)
    is_archived = Boolean(default=False)


class EntryAgreement(Tracked, Table, tablename="entry_agreement"):
    """入驻协议 and 入驻承诺: drafted in the entry stage, signed to start incubation."""

    organization = ForeignKey(Organization, on_delete=OnDelete.restrict, null=False)
    number = Varchar(length=32, unique=True)
    status = Varchar(length=16, default="draft", index=True)  # draft | signed | ended
    period_start = Date()
    period_end = Date(index=True)
    services = Text(default="")  # service codes, comma separated (see rules.SERVICES)
    services_note = Text(default="")
    obligations = Text(default="")
    commitment = Text(default="")
    signed_on = Date(null=True, default=None)
    scan = ForeignKey(StoredFile, on_delete=OnDelete.restrict, null=True)
    ended_on = Date(null=True, default=None)
    end_reason = Varchar(length=255, default="")
    renewals = Integer(default=0)
    created_by = ForeignKey(User, on_delete=OnDelete.restrict, null=True)


class DeskAllocation(Table, tablename="desk_allocation"):
    """A desk given under an agreement; released, never deleted, so the history stays.

    A unique index on desk where released_on is null (migrations) keeps one holder per desk."""

    agreement = ForeignKey(EntryAgreement, on_delete=OnDelete.restrict, null=False)
    desk = ForeignKey(Desk, on_delete=OnDelete.restrict, null=False)
    allocated_on = Date()
    released_on = Date(null=True, default=None)


class SupportRecord(Tracked, Table, tablename="support_record"):
    """What the center gave an organization during incubation: 辅导 / 培训 / 资源对接 / 小额补贴."""

    organization = ForeignKey(Organization, on_delete=OnDelete.restrict, null=False)
    kind = Varchar(length=16, index=True)
    held_on = Date(index=True)
    provider = Varchar(length=100, default="")  # mentor, trainer, resource partner, funder
    topic = Varchar(length=200)
    hours = Numeric(digits=(6, 1), default=Decimal("0"))
    amount = Numeric(
        digits=(12, 2), default=Decimal("0")
    )  # yuan: subsidy paid or value of the resource
    note = Text(default="")
    recorded_by = ForeignKey(User, on_delete=OnDelete.restrict, null=True)
    is_archived = Boolean(default=False)
