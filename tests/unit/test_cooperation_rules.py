"""政社互动 rules without a database: item lists as people type them, G1 at its edges, the
half-years of G2, and the two sheets' row checks."""

import datetime as dt
from decimal import Decimal

import pytest

from incubator.cooperation import rules
from incubator.sheets.rules import clean_row

D = dt.date


def test_items_are_one_per_line_with_typed_numbering_dropped():
    raw = "1. 宣传法律法规\n\n2、调解民间纠纷\n  （三）  \n10) 组织自治活动\n"
    assert rules.item_list(raw) == ["宣传法律法规", "调解民间纠纷", "（三）", "组织自治活动"]
    assert rules.item_list_errors("依法履行职责事项", "\n \n") == ["请至少填写一项依法履行职责事项"]
    assert rules.item_list_errors("x", "\n".join(["a"] * 61)) == ["x最多 60 项"]


@pytest.mark.parametrize(
    ("signed_on", "as_of", "met"),
    [
        (D(2017, 6, 30), D(2017, 12, 31), True),  # the last day of the first half
        (D(2017, 7, 1), D(2017, 12, 31), False),  # a day late
        (D(2017, 4, 1), D(2017, 3, 31), False),  # signed after the as-of date
        (None, D(2017, 12, 31), False),  # never signed
    ],
)
def test_g1_for_one_community(signed_on, as_of, met):
    assert rules.signed_in_h1(signed_on, 2017, as_of) is met


def test_signing_is_dated_in_its_year_and_not_in_the_future():
    assert rules.signing_error(D(2017, 5, 1), 2017, D(2017, 12, 31)) is None
    assert (
        rules.signing_error(D(2016, 12, 30), 2017, D(2017, 12, 31))
        == "签订日期应在协议年度 2017 年内"
    )
    assert rules.signing_error(D(2018, 1, 2), 2018, D(2018, 1, 1)) == "签订日期不能晚于今天"


def test_half_years_end_on_30_june_and_31_december():
    assert rules.half_of(D(2017, 6, 30)) == 1 and rules.half_of(D(2017, 7, 1)) == 2
    assert rules.ended_halves(2017, D(2017, 6, 29)) == []
    assert rules.ended_halves(2017, D(2017, 6, 30)) == [1]
    assert rules.ended_halves(2017, D(2017, 12, 30)) == [1]
    assert rules.ended_halves(2017, D(2017, 12, 31)) == [1, 2]


def test_g2_counts_half_years_ended_with_a_done_evaluation():
    year_end = D(2017, 12, 31)
    assert rules.g2_counts([], 2017, D(2017, 5, 1)) == (0, 0)  # nothing ended yet
    assert rules.g2_counts([D(2017, 3, 1)], 2017, D(2017, 6, 30)) == (1, 1)
    assert rules.g2_counts([D(2017, 3, 1)], 2017, year_end) == (1, 2)
    assert rules.g2_counts([D(2017, 3, 1), D(2017, 5, 1)], 2017, year_end) == (1, 2)
    assert rules.g2_counts([D(2017, 3, 1), D(2017, 11, 1)], 2017, year_end) == (2, 2)
    # Dated after the as-of date, or in another year: not counted.
    assert rules.g2_counts([D(2017, 3, 1)], 2017, D(2017, 2, 28)) == (0, 0)
    assert rules.g2_counts([D(2016, 11, 1)], 2017, year_end) == (0, 2)
    assert rules.evaluation_done(Decimal("90"), None) is False
    assert rules.evaluation_done(Decimal("0"), Decimal("0")) is True


LOOKUPS = {"community_codes": {"LHT-01"}, "today": D(2017, 12, 31)}


def test_an_agreement_row_and_its_reasons():
    values, errors = clean_row(
        rules.AGREEMENT_SHEET,
        {"community_code": "LHT-01", "year": "2017", "signed_on": "2017年6月30日"},
        LOOKUPS,
    )
    assert errors == [] and values["signed_on"] == D(2017, 6, 30)
    _values, errors = clean_row(
        rules.AGREEMENT_SHEET,
        {"community_code": "LHT-99", "year": "2017", "signed_on": "2016-12-01"},
        LOOKUPS,
    )
    assert errors == ["找不到社区代码“LHT-99”", "签订日期应在协议年度 2017 年内"]


def test_an_evaluation_row_may_have_one_score_and_refuses_a_bad_one():
    values, errors = clean_row(
        rules.EVALUATION_SHEET,
        {"community_code": "LHT-01", "evaluated_on": "2017-06-20", "street_score": "92.5"},
        LOOKUPS,
    )
    assert errors == [] and values["community_score"] is None
    assert values["street_score"] == Decimal("92.5")
    _values, errors = clean_row(
        rules.EVALUATION_SHEET,
        {"community_code": "LHT-01", "evaluated_on": "2018-01-01", "community_score": "1200"},
        LOOKUPS,
    )
    assert "评估日期不能晚于今天" in errors and "得分应在 0 到 1000 之间" in errors
