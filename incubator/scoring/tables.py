"""Engine 1: versioned rubrics (indicator trees with score bands) and per-scorer score sheets.

Uniqueness across columns is enforced by unique indexes created in the migration (SQLite cannot
add table constraints after creation, which Piccolo's auto-migrations would need).
"""

from piccolo.columns import (
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Real,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from incubator.core.columns import Tracked
from incubator.core.tables import StoredFile
from incubator.ground.tables import User


class Rubric(Tracked, Table, tablename="rubric"):
    # One code (e.g. "screening") has many versions; exactly one of them is current.
    code = Varchar(length=32, index=True)
    number = Integer(default=1)
    name = Varchar(length=200)
    description = Text(default="")
    is_current = Boolean(default=True, index=True)


class Indicator(Table, tablename="rubric_indicator"):
    rubric = ForeignKey(Rubric, on_delete=OnDelete.restrict, null=False)
    # Dotted codes make the tree: "2" is the parent of "2.1" and "2.3".
    code = Varchar(length=20)
    name = Varchar(length=200)
    max_points = Real(default=0.0)
    weight = Real(default=1.0)
    guidance = Text(default="")
    position = Integer(default=0)


class ScoreBand(Table, tablename="rubric_band"):
    rubric = ForeignKey(Rubric, on_delete=OnDelete.restrict, null=False)
    # A total at or above min_total (and below the next band) gets this result.
    min_total = Real(default=0.0)
    result = Varchar(length=32)
    label = Varchar(length=100)


class ScoreSheet(Tracked, Table, tablename="score_sheet"):
    rubric = ForeignKey(Rubric, on_delete=OnDelete.restrict, null=False)
    subject_table = Varchar(length=64, index=True)
    subject_id = Integer(index=True)
    scorer = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    # Scorer column: self-assessment, panel member, committee.
    column = Varchar(length=16, default="panel")
    status = Varchar(length=16, default="draft")
    total = Real(null=True, default=None)
    comment = Text(default="")
    submitted_at = Timestamptz(null=True, default=None)


class Score(Table, tablename="score"):
    sheet = ForeignKey(ScoreSheet, on_delete=OnDelete.restrict, null=False)
    indicator = ForeignKey(Indicator, on_delete=OnDelete.restrict, null=False)
    points = Real(null=True, default=None)
    comment = Text(default="")
    evidence = ForeignKey(StoredFile, on_delete=OnDelete.restrict, null=True)
