"""Social organizations (社会组织): the registry. The pipeline's stage columns come with it."""

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
from incubator.regions.tables import Community


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
