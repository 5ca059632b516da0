"""The one activity ledger (服务记录台账) of organizations and communities, and its imports."""

from decimal import Decimal

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    OnDelete,
    Text,
    Time,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from incubator.core.columns import Tracked
from incubator.core.tables import StoredFile
from incubator.ground.tables import Community, Grid, Organization, User


class Activity(Tracked, Table, tablename="activity"):
    # 街道-社区-年份-序号, given on creation and never reused (core.sequences).
    ledger_no = Varchar(length=40, unique=True)
    organization = ForeignKey(Organization, on_delete=OnDelete.restrict, null=True)
    community = ForeignKey(Community, on_delete=OnDelete.restrict, null=True)
    grid = ForeignKey(Grid, on_delete=OnDelete.restrict, null=True)
    title = Varchar(length=200)
    project = Varchar(length=200, default="")
    category = Varchar(length=20)
    held_on = Date()
    start_time = Time(null=True, default=None)
    end_time = Time(null=True, default=None)
    hours = Numeric(digits=(8, 1), default=Decimal("0"))
    place = Varchar(length=200, default="")
    partner_unit = Varchar(length=200, default="")
    served_groups = Varchar(length=200, default="")  # codes, comma separated
    participants = Integer(default=0)
    beneficiaries = Integer(default=0)
    volunteers = Integer(default=0)
    content = Text(default="")
    budget = Numeric(digits=(12, 2), default=Decimal("0"))
    spending = Numeric(digits=(12, 2), default=Decimal("0"))
    news_link = Varchar(length=500, default="")
    satisfaction = Integer(null=True, default=None)  # per cent
    is_highlight = Boolean(default=False)
    status = Varchar(length=12, default="draft")
    return_reason = Text(default="")
    recorder = ForeignKey(User, on_delete=OnDelete.restrict, null=True)
    reviewer = ForeignKey(User, on_delete=OnDelete.restrict, null=True)
    reviewed_at = Timestamptz(null=True, default=None)
    # The fingerprint of an imported row (rules.row_fingerprint): a re-import skips it.
    import_key = Varchar(length=40, null=True, default=None, unique=True)
    is_archived = Boolean(default=False)


class ActivityFile(Table, tablename="activity_file"):
    """Photos and the sign-in sheet of an activity."""

    activity = ForeignKey(Activity, on_delete=OnDelete.restrict, null=False)
    file = ForeignKey(StoredFile, on_delete=OnDelete.restrict, null=False)
    kind = Varchar(length=12)  # photo | sign_in
    caption = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())
