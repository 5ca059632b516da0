"""社区阵地建设: facility projects (their course is a work item), meal-aid points, and the
three-stations checklist of each community and year."""

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
from incubator.ground.tables import Community
from incubator.workitems.tables import WorkItem


class FacilityProject(Tracked, Table, tablename="facility_project"):
    # 街道-社区-年份-序号 from the gap-free counters; an imported project keeps its own number.
    number = Varchar(length=40, unique=True)
    community = ForeignKey(Community, on_delete=OnDelete.restrict, null=False, index=True)
    year = Integer(index=True)
    name = Varchar(length=200)
    kind = Varchar(length=24)
    budget = Numeric(digits=(12, 2), default=Decimal("0"))
    spending = Numeric(digits=(12, 2), default=Decimal("0"))
    lead_unit = Varchar(length=100, default="")
    partner_units = Varchar(length=200, default="")
    description = Text(default="")
    # The date of each step of its course, as the person who recorded it gave it.
    submitted_on = Date(null=True, default=None)
    approved_on = Date(null=True, default=None)
    completed_on = Date(null=True, default=None)
    in_use_on = Date(null=True, default=None)
    # Its course: status, deadline, timeline (notes and photos) in the workitems engine.
    work_item = ForeignKey(WorkItem, on_delete=OnDelete.restrict, null=True, unique=True)
    archived = Boolean(default=False, index=True)


class MealPoint(Tracked, Table, tablename="meal_point"):
    """助餐点: where older residents eat, and who runs it."""

    community = ForeignKey(Community, on_delete=OnDelete.restrict, null=False, index=True)
    name = Varchar(length=200)
    address = Varchar(length=200, default="")
    opening_hours = Varchar(length=100, default="")
    capacity = Integer(default=0)
    operator = Varchar(length=200, default="")
    opened_on = Date(null=True, default=None)
    archived = Boolean(default=False, index=True)


class StationCheck(Tracked, Table, tablename="station_check"):
    """One item of a community's three-stations checklist of a year (公共管理服务站,
    社会组织工作站, 居民活动站, 标识标牌齐全): one row per community, year and item."""

    community = ForeignKey(Community, on_delete=OnDelete.restrict, null=False, index=True)
    year = Integer(index=True)
    item = Varchar(length=24)
    done = Boolean(default=False)
    checked_on = Date(null=True, default=None)
    checker = Varchar(length=100, default="")
    note = Varchar(length=500, default="")
    photo = ForeignKey(StoredFile, on_delete=OnDelete.restrict, null=True)
