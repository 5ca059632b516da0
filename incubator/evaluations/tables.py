"""社会组织评估: the grade register and the compliance facts eligibility depends on."""

from piccolo.columns import (
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
from incubator.ground.tables import Organization, User


class Evaluation(Tracked, Table, tablename="evaluation"):
    """One evaluation of one organization: its grade for five years (unless downgraded)."""

    organization = ForeignKey(Organization, on_delete=OnDelete.restrict, null=False)
    grade = Varchar(length=4, default="")  # 5A..1A, or "" for 未定级
    total_score = Numeric(digits=(7, 1), null=True, default=None)
    evaluated_on = Date(index=True)
    valid_until = Date(index=True)
    body = Varchar(length=200, default="")  # 评估机构
    certificate_no = Varchar(length=64, default="")
    certificate_scan = ForeignKey(StoredFile, on_delete=OnDelete.restrict, null=True)
    plaque_scan = ForeignKey(StoredFile, on_delete=OnDelete.restrict, null=True)
    note = Text(default="")
    downgraded_on = Date(null=True, default=None)
    downgraded_to = Varchar(length=4, default="")
    downgrade_reason = Text(default="")
    # 降级: certificate and plaque go back within 15 days (a work item tracks it).
    hand_back_due = Date(null=True, default=None)
    recorded_by = ForeignKey(User, on_delete=OnDelete.restrict, null=True)


class ComplianceRecord(Tracked, Table, tablename="compliance_record"):
    """年检结果 per year, 行政处罚 and 立案调查: the exclusions of the eligibility rules."""

    organization = ForeignKey(Organization, on_delete=OnDelete.restrict, null=False)
    kind = Varchar(length=16)  # inspection | penalty | investigation
    year = Integer(null=True, default=None)  # inspection year
    result = Varchar(length=16, default="")  # inspection result code
    occurred_on = Date(null=True, default=None)  # penalty date, investigation opened
    closed_on = Date(null=True, default=None)  # investigation closed
    note = Text(default="")
    recorded_by = ForeignKey(User, on_delete=OnDelete.restrict, null=True)
