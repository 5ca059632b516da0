"""Reports made for a user: the PDF rendered in the background, kept as a file for a while and
served again while the data it was made from have not changed (its cache key says which)."""

from piccolo.columns import ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from incubator.ground.tables import User


class ReportJob(Table, tablename="report_job"):
    created_by = ForeignKey(User, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    kind = Varchar(length=24)  # ledger | showcase | center_showcase
    title = Varchar(length=300, default="")
    # The stable address that asked for it (path and query), to make it again.
    address = Varchar(length=2000, default="")
    download_name = Varchar(length=255, default="")
    # sha256 of the kind, parameters, scope, language and data version.
    cache_key = Varchar(length=64, index=True)
    status = Varchar(length=12, default="queued")  # queued|running|done|failed
    rows = Integer(default=0)
    pages = Integer(default=0)
    size = Integer(default=0)
    message = Text(default="")
    finished_at = Timestamptz(null=True, default=None)
    # The core.jobs job that renders it (several entries may share one: the same report asked
    # for twice renders once).
    job_id = Integer(null=True, default=None, index=True)
