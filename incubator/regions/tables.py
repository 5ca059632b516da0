"""Region hierarchy: street (街道) -> community (社区) -> grid (网格)."""

from piccolo.columns import ForeignKey, Integer, OnDelete, Varchar
from piccolo.table import Table

from incubator.core.columns import Tracked


class Street(Tracked, Table, tablename="street"):
    name = Varchar(length=100, unique=True)
    code = Varchar(length=20, unique=True)


class Community(Tracked, Table, tablename="community"):
    street = ForeignKey(Street, on_delete=OnDelete.restrict, null=False)
    name = Varchar(length=100, unique=True)
    code = Varchar(length=20, unique=True)
    # 实际居住户数: base of per-household targets (P1: 1 worker per 300 households).
    occupied_households = Integer(default=0)
    address = Varchar(length=255, default="")
    phone = Varchar(length=40, default="")


class Grid(Tracked, Table, tablename="grid"):
    community = ForeignKey(Community, on_delete=OnDelete.restrict, null=False)
    name = Varchar(length=100)
    code = Varchar(length=30, unique=True)
    households = Integer(default=0)
