"""Applications to the incubation center (接受申请): the form, its attachments, the receipt."""

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
from incubator.core.tables import StoredFile
from incubator.ground.tables import Organization


class RecruitmentRound(Tracked, Table, tablename="recruitment_round"):
    """招募批次: when applications are taken, for how many places, in which fields."""

    name = Varchar(length=100, unique=True)
    opens_on = Date()
    closes_on = Date()
    quota = Integer(default=0)
    # Comma-separated service-field codes (organizations.rules.SERVICE_FIELDS); empty = any.
    target_fields = Varchar(length=300, default="")
    notes = Text(default="")


class Application(Tracked, Table, tablename="application"):
    organization = ForeignKey(Organization, on_delete=OnDelete.restrict, null=False)
    round = ForeignKey(RecruitmentRound, on_delete=OnDelete.restrict, null=True)
    status = Varchar(length=16, default="draft", index=True)  # draft | submitted
    # Printed on the receipt: 街道代码-年份-序号, given at submission, never reused.
    tracking_number = Varchar(length=32, null=True, default=None, unique=True)
    submitted_at = Timestamptz(null=True, default=None)
    project_name = Varchar(length=200, default="")
    project_summary = Text(default="")
    target_group = Varchar(length=200, default="")
    planned_activities = Text(default="")
    budget_yuan = Integer(default=0)
    # Exclusion checklist (负面清单): each must be confirmed.
    annual_inspection_ok = Boolean(default=False)
    no_penalties = Boolean(default=False)
    not_blacklisted = Boolean(default=False)
    independent_account = Boolean(default=False)


class ApplicationFile(Table, tablename="application_file"):
    application = ForeignKey(Application, on_delete=OnDelete.restrict, null=False)
    document = Varchar(length=32)  # see applications.rules.DOCUMENTS
    file = ForeignKey(StoredFile, on_delete=OnDelete.restrict, null=False)
    is_current = Boolean(default=True)
