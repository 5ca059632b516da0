"""Social organizations (社会组织). The registry's full profile and pipeline columns grow here."""

from piccolo.columns import ForeignKey, OnDelete, Varchar
from piccolo.table import Table

from incubator.core.columns import Tracked
from incubator.regions.tables import Community


class Organization(Tracked, Table, tablename="organization"):
    name = Varchar(length=200, unique=True)
    # 统一社会信用代码: 18 characters when the organization has one.
    credit_code = Varchar(length=18, null=True, default=None)
    community = ForeignKey(Community, on_delete=OnDelete.restrict, null=True)
