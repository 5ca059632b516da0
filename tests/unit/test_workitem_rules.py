import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from incubator.workitems import rules

TODAY = dt.date(2017, 6, 15)


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (None, None),
        (dt.date(2017, 6, 14), "overdue"),
        (dt.date(2017, 6, 15), "due_soon"),
        (dt.date(2017, 6, 22), "due_soon"),
        (dt.date(2017, 6, 23), None),
    ],
)
def test_due_classes(due, expected):
    assert rules.due_class(due, TODAY) == expected


def test_an_allowed_move_has_no_error():
    assert rules.move_error("follow_up", "planned", "done") is None


def test_a_final_status_cannot_move_and_says_so():
    assert rules.move_error("follow_up", "done", "planned") == "该事项已是“已回访”状态，不能再变更"


def test_a_skipped_step_names_the_allowed_ones():
    message = rules.move_error("service_matter", "raised", "closed")
    assert message == "不能从“已上报”变为“已办结”，可选：已派遣"


def test_unknown_kinds_and_statuses_are_refused():
    assert rules.move_error("nope", "a", "b") == "未知的事项类型"
    assert rules.move_error("follow_up", "planned", "teleported") == "未知的状态"


def test_a_kind_with_moves_to_unknown_statuses_is_refused_at_registration():
    with pytest.raises(ValueError):
        rules.register(
            rules.Kind(
                code="broken",
                label="坏",
                statuses=(("a", "甲"),),
                initial="a",
                moves={"a": frozenset({"zzz"})},
            )
        )


@given(
    kind=st.sampled_from([k.code for k in rules.kinds()]),
    attempts=st.lists(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", max_size=12) | st.just(""), max_size=30
    ),
    picks=st.lists(st.integers(min_value=0, max_value=50), max_size=30),
)
def test_random_move_sequences_stay_within_the_kinds_statuses(kind, attempts, picks):
    k = rules.kind(kind)
    codes = [code for code, _label in k.statuses]
    status = k.initial
    for n, pick in enumerate(picks):
        target = codes[pick % len(codes)] if n % 2 else (attempts[n] if n < len(attempts) else "")
        if rules.move_error(kind, status, target) is None:
            assert target in k.moves[status]
            status = target
        assert status in codes
    # Once final, always final.
    if not k.is_open(status):
        assert all(rules.move_error(kind, status, c) for c in codes)
