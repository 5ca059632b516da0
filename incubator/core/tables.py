"""Tables every module shares: the audit log and stored uploads."""

from piccolo.columns import (
    JSON,
    BigInt,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from incubator.ground.tables import Community, Organization, User


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


class Job(Table, tablename="job"):
    """A unit of background work (see core.jobs): the row is the truth, for every process."""

    kind = Varchar(length=60, index=True)
    status = Varchar(length=12, default="queued", index=True)
    params = JSON(default="{}")
    # The user the job works for (plain id: jobs outlive nothing they would block).
    owner_id = Integer(null=True, index=True)
    # At most one queued or running job per key (a unique partial index, see the migration).
    dedupe_key = Varchar(length=100, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    run_after = Timestamptz(default=TimestamptzNow(), index=True)
    started_at = Timestamptz(null=True, default=None)
    heartbeat_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)
    claimed_by = Varchar(length=100, default="")
    attempts = Integer(default=0)
    progress = JSON(default="{}")
    result = JSON(default="{}")
    message = Text(default="")
