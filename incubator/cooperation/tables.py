"""政社互动: the street's agreement template of a year, each community's agreement with its item
lists and signing, notes on how items were carried out, the two-way evaluations, funding and
pilot units."""

from decimal import Decimal

from piccolo.columns import Date, ForeignKey, Integer, Numeric, OnDelete, Text, Varchar
from piccolo.table import Table

from incubator.core.columns import Tracked
from incubator.core.tables import StoredFile
from incubator.ground.tables import Community, User
from incubator.scoring.tables import ScoreSheet


class AgreementTemplate(Tracked, Table, tablename="agreement_template"):
    """The street-level draft of a year's agreements: staff edit it; a community's agreement
    starts as a copy."""

    year = Integer(unique=True)
    title = Varchar(length=200)
    street_party = Varchar(length=200)
    duties = Text(default="")  # one item per line
    assists = Text(default="")


class CooperationAgreement(Tracked, Table, tablename="cooperation_agreement"):
    """One per community and year (a unique index in the migration)."""

    community = ForeignKey(Community, on_delete=OnDelete.restrict, null=False, index=True)
    year = Integer(index=True)
    title = Varchar(length=200)
    street_party = Varchar(length=200)
    community_party = Varchar(length=200)
    duties = Text(default="")
    assists = Text(default="")
    signed_on = Date(null=True, default=None)
    scan = ForeignKey(StoredFile, on_delete=OnDelete.restrict, null=True)


class AgreementNote(Tracked, Table, tablename="agreement_note"):
    """How one item of an agreement was carried out: which department asked, what was done."""

    agreement = ForeignKey(CooperationAgreement, on_delete=OnDelete.restrict, null=False)
    list_code = Varchar(length=16)  # duties | assists
    item_no = Integer()  # 1-based, in the agreement's list
    department = Varchar(length=100, default="")
    noted_on = Date()
    action = Text(default="")
    recorded_by = ForeignKey(User, on_delete=OnDelete.restrict, null=True)


class TwoWayEvaluation(Tracked, Table, tablename="two_way_evaluation"):
    """双向评估: the street scores the community and the community scores the street's
    departments, each on a score sheet of the scoring engine (or as imported scores)."""

    community = ForeignKey(Community, on_delete=OnDelete.restrict, null=False, index=True)
    evaluated_on = Date(index=True)
    street_score = Numeric(digits=(8, 2), null=True, default=None)
    community_score = Numeric(digits=(8, 2), null=True, default=None)
    street_sheet = ForeignKey(ScoreSheet, on_delete=OnDelete.restrict, null=True)
    community_sheet = ForeignKey(ScoreSheet, on_delete=OnDelete.restrict, null=True)
    note = Text(default="")


class Funding(Tracked, Table, tablename="cooperation_funding"):
    """经费保障: one payment of the community's working funds."""

    community = ForeignKey(Community, on_delete=OnDelete.restrict, null=False, index=True)
    year = Integer(index=True)
    amount = Numeric(digits=(12, 2), default=Decimal("0"))
    paid_on = Date(null=True, default=None)
    purpose = Varchar(length=200, default="")


class PilotUnit(Tracked, Table, tablename="pilot_unit"):
    """A community marked the pilot (亮点单位 / 试点单位) of a work area in a year."""

    community = ForeignKey(Community, on_delete=OnDelete.restrict, null=False, index=True)
    area = Varchar(length=24)
    year = Integer()
    note = Varchar(length=500, default="")
