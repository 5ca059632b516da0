"""The ledger's rules: one imported row, the workflow, numbers."""

import pytest

from incubator.activities import rules
from incubator.sheets.rules import clean_row as clean

LOOKUPS = {"organizations": {"青鸟志愿者服务队": 1}, "communities": {"祥龙社区": 1}}


def clean_row(raw, lookups):
    return clean(rules.IMPORT_SHEET, raw, lookups)


def row(**changes):
    return {
        "title": "四点半课堂",
        "held_on": "2017-06-30",
        "category": "小组",
        "organization": "青鸟志愿者服务队",
        "place": "活动室",
        "served_groups": "儿童、青少年",
        "participants": "20",
    } | changes


def test_a_good_row_is_cleaned_to_codes_and_ids():
    values, errors = clean_row(row(), LOOKUPS)
    assert errors == []
    assert values["category"] == "group" and values["organization_id"] == 1
    assert values["served_groups"] == "children,youth" and values["participants"] == 20


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "“活动名称”不能为空"),
        ({"title": "长" * 201}, "“活动名称”最多 200 个字"),
        ({"held_on": "2017-13-01"}, "“活动日期”不是有效日期"),
        ({"category": "聚餐"}, "未知的活动类别“聚餐”"),
        ({"served_groups": "外星人"}, "未知的服务对象“外星人”"),
        ({"participants": "二十"}, "“参与人次”必须是非负整数"),
        ({"hours": "-2"}, "“服务时长（小时）”必须是非负数字"),
        ({"satisfaction": "101"}, "必须是 0 到 100 的整数"),
        ({"news_link": "ftp://x"}, "必须以 http:// 或 https:// 开头"),
        ({"organization": "无名组织"}, "找不到社会组织“无名组织”"),
        ({"organization": "", "community": ""}, "至少填写一项"),
        ({"start_time": "10:00", "end_time": "09:00"}, "结束时间早于开始时间"),
    ],
)
def test_each_bad_cell_is_named(changes, message):
    _values, errors = clean_row(row(**changes), LOOKUPS)
    assert any(message in e for e in errors), errors


def test_the_same_row_has_the_same_fingerprint():
    first, _ = clean_row(row(), LOOKUPS)
    again, _ = clean_row(row(participants="25"), LOOKUPS)
    other, _ = clean_row(row(place="广场"), LOOKUPS)
    assert rules.row_fingerprint(first) == rules.row_fingerprint(again)
    assert rules.row_fingerprint(first) != rules.row_fingerprint(other)


@pytest.mark.parametrize(
    ("status", "code", "role", "reason", "allowed"),
    [
        ("draft", "submit", "applicant", "", True),
        ("returned", "submit", "community", "", True),
        ("submitted", "submit", "applicant", "", False),
        ("submitted", "verify", "staff", "", True),
        ("submitted", "verify", "applicant", "", False),
        ("draft", "verify", "staff", "", False),
        ("verified", "return", "staff", "照片不清", True),
        ("submitted", "return", "staff", " ", False),
        ("submitted", "return", "assessor", "x", False),
    ],
)
def test_who_moves_a_record_where(status, code, role, reason, allowed):
    assert (rules.move_error(status, code, role, reason) is None) is allowed


def test_ledger_numbers():
    assert rules.ledger_number(rules.ledger_prefix("LHT", "LHT-01", 2017), 7) == "LHT-01-2017-0007"
    assert rules.ledger_prefix("LHT", None, 2017) == "LHT-00-2017"
