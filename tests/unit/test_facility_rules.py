"""社区阵地建设 rules without a database: the course's deadlines, F1 on one project at its edges,
the step dates, the project number, the checklist count, and the two sheets' row checks."""

import datetime as dt

import pytest

from incubator.facilities import rules
from incubator.sheets.rules import clean_row
from incubator.workitems import rules as workitem_rules

D = dt.date
TODAY = D(2017, 12, 31)


def test_an_open_project_works_to_30_june_then_to_31_december():
    assert rules.due_date(rules.DRAFTING, 2017) == D(2017, 6, 30)
    assert rules.due_date(rules.SUBMITTED, 2017) == D(2017, 6, 30)
    assert rules.due_date(rules.RETURNED, 2017) == D(2017, 6, 30)
    assert rules.due_date(rules.IMPLEMENTING, 2017) == D(2017, 12, 31)
    assert rules.due_date(rules.COMPLETED, 2017) == D(2017, 12, 31)
    assert rules.due_date(rules.IN_USE, 2017) is None
    assert rules.due_date(rules.CANCELLED, 2017) is None


@pytest.mark.parametrize(
    ("approved", "in_use", "as_of", "met"),
    [
        (D(2017, 6, 30), D(2017, 12, 31), D(2017, 12, 31), True),  # both on the last day
        (D(2017, 7, 1), D(2017, 9, 1), D(2017, 12, 31), False),  # approved a day late
        (D(2017, 5, 1), D(2018, 1, 1), D(2018, 3, 1), False),  # in use a day late
        (D(2017, 5, 1), D(2017, 10, 1), D(2017, 9, 30), False),  # in use after the as-of date
        (D(2017, 5, 1), D(2017, 10, 1), D(2017, 10, 1), True),  # in use on the as-of date
        (D(2017, 5, 1), None, D(2017, 12, 31), False),  # never in use
        (None, D(2017, 10, 1), D(2017, 12, 31), False),  # never approved
    ],
)
def test_f1_for_one_project(approved, in_use, as_of, met):
    dates = {"approved_on": approved, "in_use_on": in_use}
    assert rules.on_time(dates, 2017, as_of) is met


def test_where_an_imported_project_stands_is_its_last_dated_step():
    assert rules.status_from_dates({}) == rules.DRAFTING
    assert rules.status_from_dates({"submitted_on": D(2017, 3, 1)}) == rules.SUBMITTED
    dates = {"submitted_on": D(2017, 3, 1), "approved_on": D(2017, 4, 1)}
    assert rules.status_from_dates(dates) == rules.IMPLEMENTING
    assert rules.status_from_dates({**dates, "in_use_on": D(2017, 9, 1)}) == rules.IN_USE


def test_step_dates_follow_the_course_and_are_not_in_the_future():
    ok = {"submitted_on": D(2017, 3, 1), "approved_on": D(2017, 4, 1)}
    assert rules.date_errors(ok, TODAY) == []
    # Completion may go unrecorded: in use after approval is enough for F1.
    assert rules.date_errors({**ok, "in_use_on": D(2017, 9, 1)}, TODAY) == []
    backwards = {"submitted_on": D(2017, 5, 1), "approved_on": D(2017, 4, 1)}
    assert rules.date_errors(backwards, TODAY) == ["审核通过日期不能早于方案报送日期"]
    assert rules.date_errors({"approved_on": D(2017, 4, 1)}, TODAY) == [
        "填写了审核通过日期，请先填写方案报送日期"
    ]
    assert rules.date_errors({"submitted_on": D(2018, 1, 1)}, TODAY) == ["方案报送日期不能晚于今天"]


def test_a_step_is_dated_on_or_after_the_step_before_it():
    dates = {"submitted_on": D(2017, 3, 10)}
    assert rules.step_date_error(rules.IMPLEMENTING, D(2017, 3, 10), dates, 2017, TODAY) is None
    assert rules.step_date_error(rules.IMPLEMENTING, D(2017, 3, 9), dates, 2017, TODAY) == (
        "日期不能早于上一步的日期 2017-03-10"
    )
    assert rules.step_date_error(rules.SUBMITTED, D(2016, 12, 31), {}, 2017, TODAY) == (
        "日期不能早于项目年度 2017 年"
    )
    assert rules.step_date_error(rules.SUBMITTED, D(2018, 1, 1), {}, 2017, TODAY) == (
        "日期不能晚于今天"
    )


def test_the_project_number_is_community_year_and_a_two_digit_sequence():
    assert rules.project_number("LHT-01", 2017, 3) == "LHT-01-2017-03"
    assert rules.project_number("LHT-01", 2017, 123) == "LHT-01-2017-123"


def test_the_course_is_a_work_item_kind_that_staff_approve_and_the_community_submits():
    kind = workitem_rules.kind("facility_project")
    assert kind.handled_at == "/facilities/{subject_id}"
    assert kind.path_of(9, 4) == "/facilities/4"
    assert (
        workitem_rules.move_error("facility_project", "drafting", "submitted", "community") is None
    )
    assert workitem_rules.move_error("facility_project", "submitted", "implementing", "community")
    assert (
        workitem_rules.move_error("facility_project", "submitted", "implementing", "staff") is None
    )
    assert workitem_rules.move_error("facility_project", "drafting", "in_use", "staff")
    assert not kind.is_open("in_use") and not kind.is_open("cancelled")


def test_the_checklist_counts_items_done_and_checked_by_the_as_of_date():
    items = {
        "public_service": {"done": True, "checked_on": D(2017, 5, 1)},
        "organization": {"done": True, "checked_on": D(2017, 9, 1)},
        "resident": {"done": False, "checked_on": D(2017, 5, 1)},
        "signage": {"done": True, "checked_on": None},
    }
    assert rules.checklist_done(items, D(2017, 12, 31)) == 2
    assert rules.checklist_done(items, D(2017, 6, 30)) == 1
    assert rules.checklist_done({}, D(2017, 12, 31)) == 0


LOOKUPS = {"community_codes": {"LHT-01"}, "today": TODAY}


def test_a_project_row_is_read_as_people_type_it():
    raw = {
        "number": "LHT-01-2017-01",
        "community_code": "LHT-01",
        "name": "一站式服务大厅改造",
        "kind": "一站式服务大厅",
        "year": "2017",
        "submitted_on": "2017/3/20",
        "approved_on": "2017年5月18日",
        "in_use_on": "20171208",
        "budget": "480000",
    }
    values, errors = clean_row(rules.PROJECT_SHEET, raw, LOOKUPS)
    assert errors == []
    assert values["kind"] == "service_hall"
    assert values["approved_on"] == D(2017, 5, 18)
    assert values["completed_on"] is None


def test_a_bad_project_row_says_every_reason():
    raw = {
        "number": "X-1",
        "community_code": "NOPE",
        "name": "x",
        "kind": "泳池",
        "year": "2017",
        "approved_on": "2016-12-01",
    }
    _values, errors = clean_row(rules.PROJECT_SHEET, raw, LOOKUPS)
    assert "未知的项目类型“泳池”" in errors
    assert "找不到社区代码“NOPE”" in errors
    assert "填写了审核通过日期，请先填写方案报送日期" in errors
    assert "各日期不能早于项目年度 2017 年" in errors


def test_a_checklist_row_needs_its_four_answers_and_a_date_in_its_year():
    raw = {
        "community_code": "LHT-01",
        "year": 2017,
        "checked_on": "2016-12-30",
        "public_service": "是",
        "organization": "否",
        "resident": "是",
        "signage": "也许",
    }
    values, errors = clean_row(rules.CHECKLIST_SHEET, raw, LOOKUPS)
    assert "“标识标牌齐全”只能填“是”或“否”" in errors
    assert "核查日期应在年度 2017 年内" in errors
    assert values["public_service"] is True and values["organization"] is False


def test_a_project_number_belongs_to_its_community_and_year():
    assert rules.number_sequence("LHT-01-2017-07", "LHT-01", 2017) == 7
    assert rules.number_sequence("LHT-02-2017-07", "LHT-01", 2017) is None
    assert rules.number_sequence("LHT-01-2018-07", "LHT-01", 2017) is None
    assert rules.number_sequence("LHT-01-2017-x", "LHT-01", 2017) is None
    raw = {"number": "LHT-02-2017-01", "community_code": "LHT-01", "name": "x", "kind": "其他"}
    _values, errors = clean_row(rules.PROJECT_SHEET, {**raw, "year": 2017}, LOOKUPS)
    assert "项目编号应为“LHT-01-2017-序号”" in errors
