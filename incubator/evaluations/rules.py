"""社会组织评估: who may be graded in a year and why not, grade validity, the plan's figures.
No I/O: the service gathers the facts and these functions decide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from incubator.core.dates import add_months
from incubator.core.i18n import N_, _

GRADES = ("5A", "4A", "3A", "2A", "1A")
# "none" stands for 未定级 in forms and filters (stored as "").
GRADE_CHOICES = tuple((g, g) for g in GRADES) + (("none", N_("未定级")),)
VALID_YEARS = 5
HAND_BACK_DAYS = 15
EXPIRING_MONTHS = 6
# Only these registered types can be graded (community organizations and 备案-only cannot).
GRADABLE_TYPES = ("social_group", "service_institution", "foundation")
# The rubric each type is scored on (first-level indicators differ for 社会服务机构).
RUBRIC_OF_TYPE = {
    "social_group": "evaluation_social_group",
    "service_institution": "evaluation_service_institution",
    "foundation": "evaluation_foundation",
}
INSPECTION_RESULTS = (
    ("pass", N_("合格")),
    ("basic", N_("基本合格")),
    ("fail", N_("不合格")),
    ("missed", N_("未参加年检")),
)
COMPLIANCE_KINDS = (
    ("inspection", N_("年检结果")),
    ("penalty", N_("行政处罚")),
    ("investigation", N_("立案调查")),
)
STATUSES = (
    ("valid", N_("有效")),
    ("expired", N_("已过期")),
    ("downgraded", N_("已降级")),
)


def valid_until(evaluated_on: dt.date) -> dt.date:
    """Five years, to the day before the anniversary."""
    return add_months(evaluated_on, 12 * VALID_YEARS) - dt.timedelta(days=1)


def status_of(evaluation: dict, today: dt.date) -> str:
    if evaluation.get("downgraded_on"):
        return "downgraded"
    if evaluation["valid_until"] < today:
        return "expired"
    return "valid"


def is_a_or_above(grade: str | None) -> bool:
    return (grade or "") in GRADES


@dataclass(frozen=True)
class Standing:
    """What eligibility looks at for one organization."""

    org_type: str
    registration_status: str
    registration_date: dt.date | None
    # (grade, valid_until, downgraded) of earlier evaluations, any order.
    grades: Sequence[tuple[str, dt.date, bool]] = ()
    # year -> inspection result code
    inspections: dict[int, str] = field(default_factory=dict)
    penalty_dates: Sequence[dt.date] = ()
    # (opened, closed or None)
    investigations: Sequence[tuple[dt.date, dt.date | None]] = ()


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str
    kind: str = ""  # first | renewal, when eligible


def first_full_year(registered: dt.date) -> int:
    """The first calendar year the organization was registered for in full."""
    return registered.year if (registered.month, registered.day) == (1, 1) else registered.year + 1


def eligibility(standing: Standing, year: int) -> Eligibility:
    """May the organization take part in evaluation in `year`? Always with the reason."""
    if standing.org_type not in GRADABLE_TYPES:
        return Eligibility(
            False, _("社区社会组织不参加等级评估，仅登记的社会团体、社会服务机构和基金会可以参评")
        )
    if standing.registration_status != "registered":
        return Eligibility(False, _("仅在民政部门登记的社会组织可以参评，备案或未登记的不可以"))
    if standing.registration_date is None:
        return Eligibility(False, _("缺少登记日期，无法判断登记是否满两个年度"))
    if first_full_year(standing.registration_date) + 2 > year:
        return Eligibility(
            False,
            _("登记未满两个完整年度（{date} 登记，{year} 年起可首次参评）").format(
                date=standing.registration_date,
                year=first_full_year(standing.registration_date) + 2,
            ),
        )
    previous = standing.inspections.get(year - 1)
    if previous in (None, "missed"):
        return Eligibility(False, _("未参加 {year} 年度年检").format(year=year - 1))
    if previous == "fail":
        return Eligibility(False, _("{year} 年度年检不合格").format(year=year - 1))
    if previous == "basic" and standing.inspections.get(year - 2) == "basic":
        return Eligibility(
            False, _("连续两年（{a}、{b} 年度）年检基本合格").format(a=year - 2, b=year - 1)
        )
    if any(d.year == year - 1 for d in standing.penalty_dates):
        return Eligibility(False, _("{year} 年受到行政处罚").format(year=year - 1))
    year_start = dt.date(year, 1, 1)
    if any(
        opened < year_start and (closed is None or closed >= year_start)
        for opened, closed in standing.investigations
    ):
        return Eligibility(False, _("正在接受立案调查"))
    standing_grades = [g for g in standing.grades if not g[2] and g[1] >= year_start]
    if standing_grades:
        best = max(standing_grades, key=lambda g: g[1])
        if best[1] > dt.date(year, 12, 31):
            return Eligibility(
                False,
                _("现有 {grade} 等级有效期至 {date}，到期当年再申请复评").format(
                    grade=best[0] or _("未定级"), date=best[1]
                ),
            )
        return Eligibility(
            True,
            _("{grade} 等级将于 {date} 到期，需重新评估").format(grade=best[0], date=best[1]),
            "renewal",
        )
    if standing.grades:
        return Eligibility(True, _("原等级已到期或被降级，可重新参评"), "renewal")
    return Eligibility(True, _("登记满两个年度，可首次参评"), "first")


@dataclass(frozen=True)
class Participation:
    key: int | None
    label: str
    eligible: int
    evaluated: int
    graded: int

    @property
    def rate(self) -> float | None:
        """参评率: evaluated among the eligible, per cent."""
        return round(100 * self.evaluated / self.eligible, 1) if self.eligible else None

    @property
    def graded_share(self) -> float | None:
        """A 级以上占比: graded 1A or above among those evaluated, per cent."""
        return round(100 * self.graded / self.evaluated, 1) if self.evaluated else None


def participation(
    rows: Iterable[dict], groups: Sequence[tuple[int | None, str]]
) -> list[Participation]:
    """Per community and for the street. Each row: community, eligible, evaluated, graded;
    an organization evaluated in the year counts as eligible."""
    rows = list(rows)
    result = []
    for key, label in groups:
        mine = [r for r in rows if r["community"] == key]
        result.append(
            Participation(
                key=key,
                label=label,
                eligible=sum(1 for r in mine if r["eligible"] or r["evaluated"]),
                evaluated=sum(1 for r in mine if r["evaluated"]),
                graded=sum(1 for r in mine if r["evaluated"] and r["graded"]),
            )
        )
    result.append(
        Participation(
            key=None,
            label=N_("全街道"),
            eligible=sum(1 for r in rows if r["eligible"] or r["evaluated"]),
            evaluated=sum(1 for r in rows if r["evaluated"]),
            graded=sum(1 for r in rows if r["evaluated"] and r["graded"]),
        )
    )
    return result
