"""The record of each upload of a sheet: checked in the background, written only if all good."""

from piccolo.columns import JSON, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from incubator.ground.tables import User


class SheetImport(Table, tablename="sheet_import"):
    # The importer's registry name (sheets.rules.Sheet.name), e.g. "activities".
    sheet = Varchar(length=40, default="activities", index=True)
    created_by = ForeignKey(User, on_delete=OnDelete.restrict, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    file_name = Varchar(length=255, default="")
    status = Varchar(length=12, default="queued")  # queued|checking|writing|done|failed|refused
    total_rows = Integer(default=0)
    checked_rows = Integer(default=0)
    written_rows = Integer(default=0)
    updated_rows = Integer(default=0)
    skipped_rows = Integer(default=0)
    # [{"sheet": "活动", "row": 7, "errors": ["..."]}, ...]: every bad row with its reasons.
    problems = JSON(default="[]")
    message = Text(default="")
    finished_at = Timestamptz(null=True, default=None)
    # The core.jobs job that checks and writes it.
    job_id = Integer(null=True, default=None)
