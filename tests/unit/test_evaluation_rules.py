"""社会组织评估 eligibility: each rule with a case on each side; validity; the plan's figures."""

import datetime as dt

import pytest

from incubator.evaluations import rules
from incubator.evaluations.rules import Standing

YEAR = 2017


def standing(**changes):
    values = {
        "org_type": "service_institution",
        "registration_status": "registered",
        "registration_date": dt.date(2014, 5, 1),
        "inspections": {2015: "pass", 2016: "pass"},
    } | changes
    return Standing(**values)


def verdict(**changes):
    return rules.eligibility(standing(**changes), YEAR)


def test_a_registered_organization_two_full_years_old_may_take_part():
    result = verdict()
    assert result.eligible and result.kind == "first"
    assert "首次参评" in result.reason


@pytest.mark.parametrize("org_type", ["social_group", "service_institution", "foundation"])
def test_the_three_registered_types_may_be_graded(org_type):
    assert verdict(org_type=org_type).eligible


def test_community_organizations_and_filed_ones_may_not():
    assert "社区社会组织不参加" in verdict(org_type="community_org").reason
    assert not verdict(registration_status="filed").eligible
    assert "备案" in verdict(registration_status="filed").reason
    assert not verdict(registration_date=None).eligible


@pytest.mark.parametrize(
    ("registered", "eligible"),
    [
        (dt.date(2015, 1, 1), True),  # full years 2015 and 2016
        (dt.date(2014, 12, 31), True),
        (dt.date(2015, 1, 2), False),  # full years start in 2016: first evaluation in 2018
        (dt.date(2016, 3, 1), False),
    ],
)
def test_two_full_years_of_registration(registered, eligible):
    result = verdict(registration_date=registered)
    assert result.eligible is eligible
    if not eligible:
        assert "登记未满两个完整年度" in result.reason


@pytest.mark.parametrize(
    ("inspections", "eligible", "reason"),
    [
        ({2016: "pass"}, True, ""),
        ({}, False, "未参加 2016 年度年检"),
        ({2016: "missed"}, False, "未参加 2016 年度年检"),
        ({2016: "fail"}, False, "2016 年度年检不合格"),
        ({2015: "basic", 2016: "basic"}, False, "连续两年"),
        ({2015: "pass", 2016: "basic"}, True, ""),
        ({2015: "basic", 2016: "pass"}, True, ""),
    ],
)
def test_annual_inspections(inspections, eligible, reason):
    result = verdict(inspections=inspections)
    assert result.eligible is eligible
    assert reason in result.reason


def test_a_penalty_last_year_excludes_and_an_older_one_does_not():
    assert "2016 年受到行政处罚" in verdict(penalty_dates=(dt.date(2016, 8, 1),)).reason
    assert verdict(penalty_dates=(dt.date(2015, 8, 1),)).eligible


def test_an_open_investigation_excludes_and_a_closed_one_does_not():
    assert "立案调查" in verdict(investigations=((dt.date(2016, 9, 1), None),)).reason
    closed = ((dt.date(2016, 3, 1), dt.date(2016, 10, 1)),)
    assert verdict(investigations=closed).eligible


def test_a_valid_grade_waits_for_its_expiry_and_an_expiring_one_is_renewed():
    still_valid = ((("4A", dt.date(2019, 6, 30), False)),)
    result = verdict(grades=still_valid)
    assert not result.eligible and "有效期至 2019-06-30" in result.reason
    expiring = (("4A", dt.date(2017, 9, 30), False),)
    result = verdict(grades=expiring)
    assert result.eligible and result.kind == "renewal"
    downgraded = (("4A", dt.date(2019, 6, 30), True),)
    assert verdict(grades=downgraded).eligible


def test_validity_is_five_years_and_status_follows_the_dates():
    assert rules.valid_until(dt.date(2017, 6, 15)) == dt.date(2022, 6, 14)
    row = {"valid_until": dt.date(2022, 6, 14), "downgraded_on": None}
    assert rules.status_of(row, dt.date(2022, 6, 14)) == "valid"
    assert rules.status_of(row, dt.date(2022, 6, 15)) == "expired"
    assert rules.status_of({**row, "downgraded_on": dt.date(2018, 1, 1)}, dt.date(2018, 2, 1)) == (
        "downgraded"
    )


def test_participation_and_graded_share_per_community_and_street():
    rows = [
        {"community": 1, "eligible": True, "evaluated": True, "graded": True},
        {"community": 1, "eligible": True, "evaluated": False, "graded": False},
        {"community": 2, "eligible": False, "evaluated": True, "graded": False},
        {"community": 2, "eligible": False, "evaluated": False, "graded": False},
    ]
    one, two, street = rules.participation(rows, [(1, "祥龙社区"), (2, "腾龙社区")])
    assert (one.eligible, one.evaluated, one.rate, one.graded_share) == (2, 1, 50.0, 100.0)
    assert (two.eligible, two.evaluated, two.rate, two.graded_share) == (1, 1, 100.0, 0.0)
    assert (street.eligible, street.evaluated, street.graded) == (3, 2, 1)
    assert street.rate == 66.7 and street.graded_share == 50.0
    empty = rules.participation([], [(1, "祥龙社区")])[0]
    assert empty.rate is None and empty.graded_share is None
