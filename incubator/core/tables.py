"""Tables every module shares: the audit log and stored uploads."""

from piccolo.columns import (
    JSON,
    BigInt,
    ForeignKey,
    Integer,
    OnDelete,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from incubator.accounts.tables import User
from incubator.organizations.tables import Organization
from incubator.regions.tables import Community


class AuditLog(Table, tablename="audit_log"):
    at = Timestamptz(default=TimestamptzNow(), index=True)
    # Plain id and name, not a foreign key: the log must outlive anything it mentions.
    actor_id = Integer(null=True, index=True)
    actor_name = Varchar(length=150, default="")
    table_name = Varchar(length=64, index=True)
    record_id = Varchar(length=64, index=True)
    action = Varchar(length=32, index=True)
    before = JSON(null=True)
    after = JSON(null=True)
    client_ip = Varchar(length=64, default="")


class StoredFile(Table, tablename="stored_file"):
    storage_name = Varchar(length=80, unique=True)
    original_name = Varchar(length=255)
    content_type = Varchar(length=100)
    kind = Varchar(length=8)
    size = BigInt()
    sha256 = Varchar(length=64, index=True)
    uploaded_by = ForeignKey(User, on_delete=OnDelete.restrict, null=True)
    community = ForeignKey(Community, on_delete=OnDelete.restrict, null=True)
    organization = ForeignKey(Organization, on_delete=OnDelete.restrict, null=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Counter(Table, tablename="counter"):
    """Named gap-free counters (receipt and ledger numbers); see core.sequences."""

    key = Varchar(length=100, unique=True)
    value = BigInt(default=0)
