"""The ground: the tables of the entities every module refers to (streets, communities, grids,
social organizations, users). Below core and every domain module, so that any table may hold a
foreign key to them without importing the module that works with them: regions, organizations and
accounts own the rules and services of these records, not their tables.
"""

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
from piccolo.table import Table

from incubator.core.columns import Tracked

# --- regions: street (街道) -> community (社区) -> grid (网格) ---------------------------------


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


# --- social organizations (社会组织): the registry, with the pipeline's stage columns --------


class Organization(Tracked, Table, tablename="organization"):
    name = Varchar(length=200, unique=True)
    # 统一社会信用代码: 18 characters when the organization has one (unique index in migrations).
    credit_code = Varchar(length=18, null=True, default=None)
    community = ForeignKey(Community, on_delete=OnDelete.restrict, null=True)
    org_type = Varchar(length=32, default="community_org", index=True)
    registration_status = Varchar(length=16, default="unregistered", index=True)
    name_approval_date = Date(null=True, default=None)
    registration_date = Date(null=True, default=None)
    service_field = Varchar(length=32, default="other", index=True)
    legal_representative = Varchar(length=50, default="")
    legal_rep_id_number = Varchar(length=18, default="", secret=True)
    contact_name = Varchar(length=50, default="")
    contact_phone = Varchar(length=30, default="")
    email = Varchar(length=255, default="")
    address = Varchar(length=255, default="")
    description = Text(default="")
    members_count = Integer(default=0)
    staff_count = Integer(default=0)
    volunteers_count = Integer(default=0)
    party_org_form = Varchar(length=32, default="none")
    party_members = Integer(default=0)
    party_instructor = Varchar(length=50, default="")
    is_archived = Boolean(default=False, index=True)
    # Pipeline: None while the organization is only in the registry.
    stage = Varchar(length=16, null=True, default=None, index=True)
    stage_since = Timestamptz(null=True, default=None)
    incubation_track = Varchar(length=16, null=True, default=None)
    # 服务包 decided at admission: service codes (center.rules.SERVICES), comma separated.
    service_package = Text(default="")


# --- users of every role --------------------------------------------------------------------


class User(Tracked, Table, tablename="app_user"):
    username = Varchar(length=64, unique=True)
    display_name = Varchar(length=100, default="")
    password_hash = Varchar(length=255, secret=True)
    role = Varchar(length=16, index=True)
    community = ForeignKey(Community, on_delete=OnDelete.restrict, null=True)
    organization = ForeignKey(Organization, on_delete=OnDelete.restrict, null=True)
    email = Varchar(length=255, default="")
    phone = Varchar(length=40, default="")
    is_active = Boolean(default=True)
    last_login_at = Timestamptz(null=True, default=None)
