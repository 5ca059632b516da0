"""Work items (status + deadline + owner) and the timeline of each."""

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from incubator.core.columns import Tracked
from incubator.core.tables import StoredFile
from incubator.ground.tables import Community, Organization, User


class WorkItem(Tracked, Table, tablename="work_item"):
    kind = Varchar(length=32, index=True)
    title = Varchar(length=200)
    status = Varchar(length=32, index=True)
    # What the item is about, e.g. ("organization", 12); the subject module owns the meaning.
    subject_table = Varchar(length=64, default="", index=True)
    subject_id = Integer(null=True, default=None, index=True)
    owner = ForeignKey(User, on_delete=OnDelete.restrict, null=True)
    # Scope columns: the service filters every scoped role's queries by these.
    community = ForeignKey(Community, on_delete=OnDelete.restrict, null=True)
    organization = ForeignKey(Organization, on_delete=OnDelete.restrict, null=True)
    due_date = Date(null=True, default=None, index=True)
    is_open = Boolean(default=True, index=True)
    closed_at = Timestamptz(null=True, default=None)


class WorkItemEvent(Table, tablename="work_item_event"):
    item = ForeignKey(WorkItem, on_delete=OnDelete.restrict, null=False)
    at = Timestamptz(default=TimestamptzNow())
    actor = ForeignKey(User, on_delete=OnDelete.restrict, null=True)
    actor_name = Varchar(length=150, default="")
    from_status = Varchar(length=32, default="")
    to_status = Varchar(length=32, default="")
    note = Text(default="")
    attachment = ForeignKey(StoredFile, on_delete=OnDelete.restrict, null=True)
