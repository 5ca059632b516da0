"""The organization's timeline, its outcomes after graduation and its graduation checklist.
(The Organization table itself is in ground.tables: every module refers to it.)"""

from piccolo.columns import Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from incubator.core.tables import StoredFile
from incubator.ground.tables import Organization, User


class OrganizationEvent(Table, tablename="organization_event"):
    """The organization's timeline: every pipeline step (and later notes), who and when."""

    organization = ForeignKey(Organization, on_delete=OnDelete.restrict, null=False)
    at = Timestamptz(default=TimestamptzNow(), index=True)
    actor = ForeignKey(User, on_delete=OnDelete.restrict, null=True)
    actor_name = Varchar(length=150, default="")
    action = Varchar(length=32)
    from_stage = Varchar(length=16, null=True, default=None)
    to_stage = Varchar(length=16, null=True, default=None)
    reason = Text(default="")
    attachment = ForeignKey(StoredFile, on_delete=OnDelete.restrict, null=True)


class OrganizationOutcome(Table, tablename="organization_outcome"):
    """跟踪辅导: how a graduated organization is doing, recorded over time."""

    organization = ForeignKey(Organization, on_delete=OnDelete.restrict, null=False)
    recorded_on = Date()
    registration_status = Varchar(length=16)
    grade = Varchar(length=8, default="")
    government_contracts = Integer(default=0)
    staff_count = Integer(default=0)
    volunteers_count = Integer(default=0)
    note = Text(default="")
    recorded_by = ForeignKey(User, on_delete=OnDelete.restrict, null=True)
    created_at = Timestamptz(default=TimestamptzNow())


class GraduationCheck(Table, tablename="graduation_check"):
    """One ticked item of the graduation checklist (rules.GRADUATION_CHECKLIST); a tick taken
    back is deleted, and the audit log keeps both."""

    organization = ForeignKey(Organization, on_delete=OnDelete.restrict, null=False)
    item = Varchar(length=32)
    note = Varchar(length=255, default="")
    checked_by = ForeignKey(User, on_delete=OnDelete.restrict, null=True)
    checked_at = Timestamptz(default=TimestamptzNow())
