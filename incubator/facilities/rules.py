"""社区阵地建设 without I/O: the kinds of facility project, the course of a project (a work item
kind of the workitems engine) with the date each step records and the plan's deadlines, the
three-stations checklist, and the sheets 阵地项目 and 三大站核查 of the year workbook.

The plan's timeline: in the first half-year the community drafts a renovation plan and submits
it to 建设管理中心, which approves it (or returns it with reasons) by 30 June; in the second
half the project is built, accepted on completion and in use by 31 December (target F1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from incubator.core.i18n import N_, _, text
from incubator.core.roles import ADMIN, COMMUNITY, STAFF
from incubator.regions.rules import community_code_error
from incubator.sheets.rules import COUNT, DATE, DECIMAL, YES_NO, Column, Sheet, hashed_key
from incubator.workitems import rules as workitems

KINDS = (
    ("service_hall", N_("一站式服务大厅")),
    ("day_care", N_("日间照料中心")),
    ("meal_point", N_("助餐点")),
    ("three_stations", N_("三大站")),
    ("signage", N_("标识标牌")),
    ("other", N_("其他")),
)
LEAD_UNIT = N_("建设管理中心")
PARTNER_UNIT = N_("社会事业保障中心")

# --- the course of a project ----------------------------------------------------------------

DRAFTING, SUBMITTED, RETURNED, IMPLEMENTING, COMPLETED, IN_USE, CANCELLED = (
    "drafting",
    "submitted",
    "returned",
    "implementing",
    "completed",
    "in_use",
    "cancelled",
)
PROJECT = workitems.register(
    workitems.Kind(
        code="facility_project",
        label=N_("阵地建设项目"),
        statuses=(
            (DRAFTING, N_("方案编制")),
            (SUBMITTED, N_("报建设管理中心审核")),
            (RETURNED, N_("审核退回")),
            (IMPLEMENTING, N_("审核通过，实施中")),
            (COMPLETED, N_("完工验收")),
            (IN_USE, N_("已投用")),
            (CANCELLED, N_("已撤销")),
        ),
        initial=DRAFTING,
        handled_at="/facilities/{subject_id}",
        moves={
            DRAFTING: frozenset({SUBMITTED, CANCELLED}),
            SUBMITTED: frozenset({IMPLEMENTING, RETURNED}),
            RETURNED: frozenset({SUBMITTED, CANCELLED}),
            IMPLEMENTING: frozenset({COMPLETED}),
            COMPLETED: frozenset({IN_USE}),
        },
        # 建设管理中心 (street staff) reviews and accepts; the community submits and opens it.
        movers={
            SUBMITTED: frozenset({ADMIN, STAFF, COMMUNITY}),
            IMPLEMENTING: frozenset({ADMIN, STAFF}),
            RETURNED: frozenset({ADMIN, STAFF}),
            COMPLETED: frozenset({ADMIN, STAFF}),
            IN_USE: frozenset({ADMIN, STAFF, COMMUNITY}),
            CANCELLED: frozenset({ADMIN, STAFF}),
        },
    )
)
# The date column each step records (the date the user gives, not the time of the click).
STEP_DATES = {
    SUBMITTED: "submitted_on",
    IMPLEMENTING: "approved_on",
    COMPLETED: "completed_on",
    IN_USE: "in_use_on",
}
DATE_ORDER = ("submitted_on", "approved_on", "completed_on", "in_use_on")
DATE_LABELS = {
    "submitted_on": N_("方案报送日期"),
    "approved_on": N_("审核通过日期"),
    "completed_on": N_("完工日期"),
    "in_use_on": N_("投用日期"),
}
# Moves that must say why.
NEEDS_REASON = frozenset({RETURNED, CANCELLED})


def approval_deadline(year: int) -> dt.date:
    return dt.date(year, 6, 30)


def in_use_deadline(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def due_date(status: str, year: int) -> dt.date | None:
    """The deadline an open project works to: approval by 30 June, then in use by 31 December."""
    if status in (DRAFTING, SUBMITTED, RETURNED):
        return approval_deadline(year)
    if status in (IMPLEMENTING, COMPLETED):
        return in_use_deadline(year)
    return None


def on_time(dates: Mapping[str, dt.date | None], year: int, as_of: dt.date) -> bool:
    """F1 for one project: approved on or before 30 June and in use on or before 31 December of
    its year, both dated on or before the as-of date."""
    approved, in_use = dates.get("approved_on"), dates.get("in_use_on")
    return (
        approved is not None
        and in_use is not None
        and approved <= min(approval_deadline(year), as_of)
        and in_use <= min(in_use_deadline(year), as_of)
    )


def status_from_dates(dates: Mapping[str, dt.date | None]) -> str:
    """Where an imported project stands: the last step it has a date for."""
    for status in (IN_USE, COMPLETED, IMPLEMENTING, SUBMITTED):
        if dates.get(STEP_DATES[status]) is not None:
            return status
    return DRAFTING


def date_errors(dates: Mapping[str, dt.date | None], today: dt.date) -> list[str]:
    """The step dates must not lie in the future and must follow the course in order; a later
    step needs the earlier ones."""
    errors = []
    given = [(name, dates.get(name)) for name in DATE_ORDER]
    for name, value in given:
        if value is not None and value > today:
            errors.append(_("{label}不能晚于今天").format(label=text(DATE_LABELS[name])))
    last_name, last_value = None, None
    for position, (name, value) in enumerate(given):
        if value is None:
            later = [n for n, v in given[position + 1 :] if v is not None]
            if later and name != "completed_on":
                errors.append(
                    _("填写了{later}，请先填写{label}").format(
                        later=text(DATE_LABELS[later[0]]), label=text(DATE_LABELS[name])
                    )
                )
                break
            continue
        if last_value is not None and value < last_value:
            errors.append(
                _("{label}不能早于{earlier}").format(
                    label=text(DATE_LABELS[name]), earlier=text(DATE_LABELS[last_name])
                )
            )
        last_name, last_value = name, value
    return errors


def step_date_error(
    target: str, when: dt.date, dates: Mapping[str, dt.date | None], year: int, today: dt.date
) -> str | None:
    """A move's date: not in the future, not before the project's year, not before the step
    before it."""
    if when > today:
        return _("日期不能晚于今天")
    if when.year < year:
        return _("日期不能早于项目年度 {year} 年").format(year=year)
    column = STEP_DATES.get(target)
    if column is None:
        return None
    earlier = [dates.get(n) for n in DATE_ORDER[: DATE_ORDER.index(column)]]
    latest = max((d for d in earlier if d is not None), default=None)
    if latest is not None and when < latest:
        return _("日期不能早于上一步的日期 {date}").format(date=latest.isoformat())
    return None


def project_number(community_code: str, year: int, sequence: int) -> str:
    """街道-社区-年份-序号: the community code already begins with the street's (LHT-01)."""
    return f"{community_code}-{year}-{sequence:02d}"


def counter_key(community_id: int, year: int) -> str:
    return f"facility_project:{community_id}:{year}"


def number_sequence(number: str, community_code: str, year: int) -> int | None:
    """The sequence of a project number that belongs to this community and year
    (社区代码-年度-序号), or None when the number is not one of theirs."""
    prefix = f"{community_code}-{year}-"
    tail = number[len(prefix) :] if number.startswith(prefix) else ""
    return int(tail) if tail.isascii() and tail.isdigit() and len(tail) <= 6 else None


# --- the three-stations checklist -----------------------------------------------------------

STATION_ITEMS = (
    ("public_service", N_("公共管理服务站")),
    ("organization", N_("社会组织工作站")),
    ("resident", N_("居民活动站")),
    ("signage", N_("标识标牌齐全")),
)


def checklist_done(items: Mapping[str, Mapping[str, Any]], as_of: dt.date) -> int:
    """F2's numerator: items done and checked on or before the as-of date."""
    return sum(
        1
        for code, _label in STATION_ITEMS
        if (item := items.get(code))
        and item.get("done")
        and item.get("checked_on") is not None
        and item["checked_on"] <= as_of
    )


# --- the sheets of the year workbook --------------------------------------------------------

YEAR_COLUMN_HELP = N_("必填，如 2017")


def _year_error(year: int | None) -> list[str]:
    if year is not None and not 2000 <= year <= 2100:
        return [_("年度应在 2000 到 2100 之间")]
    return []


def project_key(values: Mapping[str, Any]) -> str:
    return str(values["number"])


def check_project_row(values: dict[str, Any], lookups: Mapping[str, Any]) -> list[str]:
    errors = community_code_error(values, lookups) + _year_error(values["year"])
    code, year = values.get("community_code"), values.get("year")
    if code and year and number_sequence(values["number"], code, year) is None:
        errors.append(_("项目编号应为“{code}-{year}-序号”").format(code=code, year=year))
    dates = {name: values.get(name) for name in DATE_ORDER}
    errors += date_errors(dates, lookups["today"])
    year = values["year"]
    first = next((d for d in dates.values() if d is not None), None)
    if year and first is not None and first.year < year:
        errors.append(_("各日期不能早于项目年度 {year} 年").format(year=year))
    return errors


PROJECT_SHEET = Sheet(
    name="facility_projects",
    title=N_("阵地项目"),
    key=project_key,
    check=check_project_row,
    columns=(
        Column("number", N_("项目编号"), N_("必填，如 LHT-01-2017-01，唯一"), True, max_length=40),
        Column("community_code", N_("社区代码"), N_("必填，如 LHT-01"), True, max_length=20),
        Column("name", N_("项目名称"), N_("必填"), True, max_length=200),
        Column(
            "kind",
            N_("项目类型"),
            N_("必填：一站式服务大厅 / 日间照料中心 / 助餐点 / 三大站 / 标识标牌 / 其他"),
            True,
            kind="choice",
            choices=KINDS,
        ),
        Column("year", N_("年度"), YEAR_COLUMN_HELP, True, kind=COUNT, maximum=2100),
        Column("submitted_on", N_("方案报送日期"), N_("日期，如 2017-03-15"), kind=DATE),
        Column("approved_on", N_("审核通过日期"), N_("日期"), kind=DATE),
        Column("completed_on", N_("完工日期"), N_("日期"), kind=DATE),
        Column("in_use_on", N_("投用日期"), N_("日期"), kind=DATE),
        # Beyond YEAR-WORKBOOK.md's columns, optional: without them a project's money and units
        # would not survive an export and import.
        Column("budget", N_("预算（元）"), N_("数字，空为 0"), kind=DECIMAL, places=2),
        Column("spending", N_("实际支出（元）"), N_("数字，空为 0"), kind=DECIMAL, places=2),
        Column("lead_unit", N_("责任单位"), N_("如 建设管理中心"), max_length=100),
        Column("partner_units", N_("配合单位"), N_("如 社会事业保障中心"), max_length=200),
    ),
)


def checklist_key(values: Mapping[str, Any]) -> str:
    return hashed_key(values["community_code"], values["year"])


def check_checklist_row(values: dict[str, Any], lookups: Mapping[str, Any]) -> list[str]:
    errors = community_code_error(values, lookups) + _year_error(values["year"])
    checked = values.get("checked_on")
    if checked is not None and checked > lookups["today"]:
        errors.append(_("核查日期不能晚于今天"))
    if checked is not None and values["year"] and checked.year != values["year"]:
        errors.append(_("核查日期应在年度 {year} 年内").format(year=values["year"]))
    return errors


CHECKLIST_SHEET = Sheet(
    name="station_checklists",
    title=N_("三大站核查"),
    key=checklist_key,
    check=check_checklist_row,
    columns=(
        Column("community_code", N_("社区代码"), N_("必填，如 LHT-01"), True, max_length=20),
        Column("year", N_("年度"), YEAR_COLUMN_HELP, True, kind=COUNT, maximum=2100),
        Column("checked_on", N_("核查日期"), N_("必填，日期"), True, kind=DATE),
        *(
            Column(code, label, N_("必填：是 / 否"), True, kind=YES_NO)
            for code, label in STATION_ITEMS
        ),
    ),
)


def kind_label(code: str) -> str:
    return dict(KINDS).get(code, code)
