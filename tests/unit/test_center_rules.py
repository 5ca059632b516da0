"""The center's rules: agreements, zones, support totals; and the decimal form field."""

import datetime as dt
from decimal import Decimal

import pytest

from incubator.center import rules
from incubator.center.rules import AgreementDraft
from incubator.core.forms import Field, bind

TODAY = dt.date(2017, 6, 30)


def draft(**changes):
    values = {
        "period_start": dt.date(2017, 7, 1),
        "period_end": dt.date(2017, 12, 31),
        "signed_on": dt.date(2017, 6, 28),
        "services": ("office_space",),
        "desk_ids": (1,),
        "track": "in_park_6",
    } | changes
    return AgreementDraft(**values)


def test_a_complete_agreement_has_no_errors():
    assert rules.agreement_errors(draft(), TODAY) == {}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"period_end": dt.date(2017, 7, 1)}, "period_end", "必须晚于开始日期"),
        ({"period_end": dt.date(2019, 12, 31)}, "period_end", "最长两年"),
        ({"signed_on": dt.date(2017, 7, 1)}, "signed_on", "不能晚于今天"),
        ({"services": ()}, "services", "至少选择一项服务"),
        ({"services": ("free_lunch",)}, "services", "有效的服务项目"),
        ({"desk_ids": ()}, "desks", "至少一个工位"),
    ],
)
def test_each_agreement_rule_refuses_its_case(changes, field, message):
    errors = rules.agreement_errors(draft(**changes), TODAY)
    assert message in errors[field]


def test_off_site_incubation_needs_no_desk_and_the_period_follows_the_track():
    assert rules.agreement_errors(draft(desk_ids=(), track="off_park"), TODAY) == {}
    assert rules.default_period("in_park_6", dt.date(2017, 8, 31)) == (
        dt.date(2017, 8, 31),
        dt.date(2018, 2, 27),
    )
    assert rules.default_period("in_park_12", dt.date(2017, 1, 1))[1] == dt.date(2017, 12, 31)


def test_signing_lists_what_the_agreement_lacks():
    assert rules.missing_for_signing(None) == ("入驻协议",)
    assert rules.missing_for_signing({"signed_on": None, "services": ""}) == (
        "签订日期",
        "服务项目",
    )
    assert rules.missing_for_signing({"signed_on": TODAY, "services": "mentoring"}) == ()


def test_zone_use_counts_desks_taken():
    rooms = [
        {
            "zone": "office",
            "capacity": 8,
            "area": 40,
            "desks": [{"holder": {"x": 1}}, {"holder": None}],
        },
        {"zone": "office", "capacity": 4, "area": 20, "desks": [{"holder": {"x": 2}}]},
        {"zone": "training", "capacity": 40, "area": 80, "desks": []},
    ]
    office, training, display = rules.zone_use(rooms)
    assert (office.rooms, office.capacity, office.desks, office.taken) == (2, 12, 3, 2)
    assert office.area == 60
    assert (office.free, office.rate) == (1, 67)
    assert (training.capacity, training.rate) == (40, 0)
    assert display.rooms == 0


def test_support_totals_add_hours_and_yuan_exactly():
    records = [
        {"kind": "coaching", "hours": Decimal("1.5"), "amount": 0},
        {"kind": "coaching", "hours": 0.1, "amount": 0},
        {"kind": "subsidy", "hours": 0, "amount": Decimal("5000.10")},
    ]
    totals = {t["kind"]: t for t in rules.support_totals(records)}
    assert totals["coaching"]["count"] == 2 and totals["coaching"]["hours"] == Decimal("1.6")
    assert totals["subsidy"]["amount"] == Decimal("5000.10")
    assert totals["training"]["count"] == 0


@pytest.mark.parametrize(
    ("raw", "value", "error"),
    [
        ("1.5", Decimal("1.5"), None),
        ("1,00", Decimal("100"), None),
        ("1.25", None, "最多保留 1 位小数"),
        ("abc", None, "必须是数字"),
        ("NaN", None, "必须是数字"),
        ("-1", Decimal("-1"), "必须在 0 到 100 之间"),
        ("", None, None),
    ],
)
def test_the_decimal_field(raw, value, error):
    form = bind(
        (Field("hours", "时长", kind="decimal", places=1, low=0, high=100),), {"hours": raw}
    )
    if error:
        assert error in form.errors["hours"]
    else:
        assert form.ok and form.cleaned["hours"] == value
