"""The sheet engine's pure part: cells as people type them, the header, the help row, one row."""

import datetime as dt
from decimal import Decimal

import pytest

from incubator.sheets import rules
from incubator.sheets.rules import (
    CHOICE,
    COUNT,
    DATE,
    MONTH,
    YES_NO,
    Column,
    Sheet,
    clean_row,
    hashed_key,
    header_positions,
    is_help_row,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2017-06-30", dt.date(2017, 6, 30)),
        ("2017/6/3", dt.date(2017, 6, 3)),
        ("2017.06.30", dt.date(2017, 6, 30)),
        ("2017年6月30日", dt.date(2017, 6, 30)),
        ("2017年6月30", dt.date(2017, 6, 30)),
        ("20170630", dt.date(2017, 6, 30)),
        (20170630, dt.date(2017, 6, 30)),
        (42916, dt.date(2017, 6, 30)),  # an Excel serial day
        (42916.75, dt.date(2017, 6, 30)),  # a serial date and time: the day
        (20000, dt.date(1954, 10, 3)),
        (80000, dt.date(2119, 1, 11)),
        (19999, None),  # below the serial range: read as text, not a date
        (dt.datetime(2017, 6, 30, 9, 0), dt.date(2017, 6, 30)),
        ("2017-06-30 09:00:00", dt.date(2017, 6, 30)),
        ("2017-02-30", None),
        ("30/06/2017", None),
        ("明天", None),
        (True, None),
        (None, None),
    ],
)
def test_dates_in_the_formats_people_type(value, expected):
    assert rules.parse_date(value) == expected


def test_times_counts_and_money():
    assert rules.parse_time("9:05") == dt.time(9, 5)
    assert rules.parse_time("09：30") == dt.time(9, 30)
    assert rules.parse_time("") == ""
    assert rules.parse_time("25:00") is None
    assert rules.parse_count("1,200") == 1200
    assert rules.parse_count(3.0) == 3
    assert rules.parse_count(3.5) is None and rules.parse_count(-1) is None
    assert rules.parse_decimal("1.5", 1) == Decimal("1.5")
    assert rules.parse_decimal("-1", 1) is None and rules.parse_decimal("abc", 2) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2017-03", dt.date(2017, 3, 1)),
        ("2017/3", dt.date(2017, 3, 1)),
        ("2017年3月", dt.date(2017, 3, 1)),
        ("2017-03-17", dt.date(2017, 3, 1)),
        (dt.datetime(2017, 3, 17), dt.date(2017, 3, 1)),
        ("2017-13", None),
        ("三月", None),
    ],
)
def test_months(value, expected):
    assert rules.parse_month(value) == expected


def test_yes_and_no():
    assert [rules.parse_yes_no(v) for v in ("是", "否", True, "Yes", "0")] == [
        True,
        False,
        True,
        True,
        False,
    ]
    assert rules.parse_yes_no("也许") is None


def _check(values, lookups):
    errors = []
    if values["community"] and values["community"] not in lookups["communities"]:
        errors.append(f"找不到社区“{values['community']}”")
    return errors


def _key(values):
    return hashed_key(values["community"], values["year"])


SHEET = Sheet(
    name="stations",
    title="三大站核查",
    key=_key,
    check=_check,
    columns=(
        Column("community", "社区代码", "必填", True),
        Column("year", "年度", "必填", True, kind=COUNT, maximum=2100),
        Column("checked_on", "核查日期", "必填", True, kind=DATE),
        Column("month", "月份", "如 2017-03", kind=MONTH),
        Column("hall", "公共管理服务站", "是 / 否", True, kind=YES_NO),
        Column(
            "kind",
            "项目类型",
            "一站式服务大厅等",
            kind=CHOICE,
            choices=(("hall", "一站式服务大厅"),),
        ),
        Column("score", "得分", "可空", kind=COUNT, nullable=True),
    ),
)


def test_a_row_is_parsed_column_by_column_then_checked_by_its_module():
    raw = {
        "community": "LHT-01",
        "year": 2017,
        "checked_on": "2017/6/30",
        "month": "2017-06",
        "hall": "是",
        "kind": "一站式服务大厅",
    }
    values, errors = clean_row(SHEET, raw, {"communities": {"LHT-01"}})
    assert errors == []
    assert values == {
        "community": "LHT-01",
        "year": 2017,
        "checked_on": dt.date(2017, 6, 30),
        "month": dt.date(2017, 6, 1),
        "hall": True,
        "kind": "hall",
        "score": None,
    }


def test_every_bad_cell_of_a_row_is_named():
    raw = {
        "community": "LHT-09",
        "year": "二〇一七",
        "checked_on": "6月",
        "hall": "有",
        "kind": "x",
    }
    _values, errors = clean_row(SHEET, raw, {"communities": {"LHT-01"}})
    assert errors == [
        "“年度”必须是 0 到 2100 的整数",
        "“核查日期”不是有效日期",
        "“公共管理服务站”只能填“是”或“否”",
        "未知的项目类型“x”",
        "找不到社区“LHT-09”",
    ]
    _values, errors = clean_row(SHEET, {}, {"communities": set()})
    assert errors == [
        "“社区代码”不能为空",
        "“年度”不能为空",
        "“核查日期”不能为空",
        "“公共管理服务站”不能为空",
    ]


def test_the_header_maps_columns_in_any_order_and_names_the_unknown_and_the_missing():
    positions, missing, unknown = header_positions(
        SHEET, ["年度", None, "社区代码", "备注", " 核查日期 ", "年度"]
    )
    assert positions == {0: "year", 2: "community", 4: "checked_on"}
    assert missing == ["公共管理服务站"]
    assert unknown == ["备注"]


def test_the_help_row_is_known_by_its_first_cell():
    assert is_help_row(SHEET, "说明：必填")
    assert is_help_row(SHEET, "必填")  # a template from before the 说明 rule
    assert not is_help_row(SHEET, "LHT-01")
