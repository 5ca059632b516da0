"""The pipeline's rules: each guard with a case on each side, and random walks that never
reach a state the rules forbid."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from incubator.organizations import rules
from incubator.organizations.rules import Facts

READY = Facts(
    screening_reviews=2,
    screening_band="admit",
    graduation_reviews=1,
    graduation_band="graduate",
    has_attachment=True,
    has_reason=True,
    track="in_park_6",
    service_package=("office_space",),
)


def error(stage, code, role="staff", facts=READY):
    return rules.transition_error(stage, code, role, facts)


def test_the_happy_path_from_application_to_follow_up():
    stage = None
    for code in ("accept", "submit", "admit", "sign_agreement", "request_graduation", "graduate"):
        assert error(stage, code) is None, code
        stage = rules.BY_CODE[code].target
    assert stage == "follow_up"


def test_an_incomplete_application_cannot_go_to_screening():
    facts = Facts(profile_missing=("负责人", "联系电话"))
    assert error("application", "submit", facts=facts) == "申请资料不完整，缺少：负责人、联系电话"


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        (
            Facts(screening_reviews=1, screening_band="admit", has_reason=True, track="off_park"),
            "至少需要 2 位评审提交筛选评分，目前 1 位",
        ),
        (
            Facts(
                screening_reviews=2, screening_band="more_info", has_reason=True, track="off_park"
            ),
            "筛选评分均分未达到录取档次",
        ),
        (
            Facts(screening_reviews=2, screening_band="admit", track="off_park"),
            "请填写“录取入壳”的理由",
        ),
        (Facts(screening_reviews=2, screening_band="admit", has_reason=True), "请选择孵化方式"),
        (
            Facts(screening_reviews=2, screening_band="admit", has_reason=True, track="off_park"),
            "请选择服务包（至少一项服务）",
        ),
    ],
)
def test_admission_needs_two_reviews_an_admitting_mean_and_a_reason(facts, message):
    assert error("screening", "admit", facts=facts) == message


def test_signing_needs_the_stamped_scan():
    assert error("entry", "sign_agreement", facts=Facts()) == "请上传盖章的入驻协议扫描件"
    assert error("entry", "sign_agreement", facts=Facts(has_attachment=True)) is None


def test_graduation_waits_for_open_handover_items():
    facts = Facts(graduation_reviews=1, graduation_band="graduate", open_blocking_items=2)
    assert (
        error("graduation", "graduate", facts=facts)
        == "还有 2 项孵化节点、整改、交接或总结报告事项未办结"
    )


def test_graduation_needs_a_passing_assessment():
    facts = Facts(graduation_reviews=1, graduation_band="extend")
    assert error("graduation", "graduate", facts=facts) == "出壳评估均分未达到准予出壳档次"
    assert (
        error("graduation", "postpone", facts=Facts(graduation_reviews=1, has_reason=True)) is None
    )


def test_roles_and_stages_are_named_when_refused():
    assert error("screening", "admit", role="applicant") == "您的角色不能执行“录取入壳”"
    assert error("incubation", "admit") == "“录取入壳”只能在“筛选评估”阶段进行，当前为“孵化”"
    assert error("follow_up", "withdraw") is not None
    assert error("application", "nonsense") == "未知的操作"


def test_exits_are_final():
    for exit_code in rules.EXIT_CODES:
        assert rules.available(exit_code, "admin") == []


@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from([t.code for t in rules.TRANSITIONS] + ["bogus"]),
            st.sampled_from(["admin", "staff", "assessor", "community", "applicant"]),
            st.builds(
                Facts,
                profile_missing=st.sampled_from([(), ("负责人",)]),
                screening_reviews=st.integers(0, 4),
                screening_band=st.sampled_from([None, "admit", "more_info", "reject"]),
                graduation_reviews=st.integers(0, 3),
                graduation_band=st.sampled_from([None, "graduate", "extend", "exit"]),
                open_blocking_items=st.integers(0, 2),
                has_attachment=st.booleans(),
                has_reason=st.booleans(),
                track=st.sampled_from([None, "in_park_6", "off_park", "bogus"]),
            ),
        ),
        max_size=40,
    )
)
def test_random_sequences_never_reach_a_forbidden_state(steps):
    stage = None
    for code, role, facts in steps:
        if rules.transition_error(stage, code, role, facts) is not None:
            continue
        t = rules.BY_CODE[code]
        assert stage in t.sources and role in t.roles
        if t.needs_reason:
            assert facts.has_reason
        if t.target == "entry":
            assert facts.screening_reviews >= 2 and facts.screening_band == "admit"
            assert facts.track in ("in_park_6", "in_park_12", "off_park")
        if t.target == "follow_up":
            assert facts.graduation_band == "graduate" and facts.open_blocking_items == 0
        if t.target == "incubation" and stage == "entry":
            assert facts.has_attachment
        assert not rules.is_exit(stage)  # nothing ever leaves an exit
        stage = t.target
        assert stage in dict(rules.ALL_STATES)


def test_screening_can_send_an_application_back_for_more_material():
    assert (
        error("screening", "request_more", facts=Facts())
        == "请填写“待补材料，退回申请人补充”的理由"
    )
    assert error("screening", "request_more", facts=Facts(has_reason=True)) is None


def test_signing_needs_a_complete_agreement():
    facts = Facts(has_attachment=True, agreement_missing=("入驻协议",))
    assert error("entry", "sign_agreement", facts=facts) == "入驻协议尚未完成，缺少：入驻协议"
    facts = Facts(has_attachment=True, agreement_missing=("签订日期", "服务项目"))
    assert (
        error("entry", "sign_agreement", facts=facts)
        == "入驻协议尚未完成，缺少：签订日期、服务项目"
    )


@pytest.mark.parametrize(
    ("code", "facts", "message"),
    [
        ("midterm_pass", Facts(), "尚无提交的中期评估评分"),
        ("midterm_pass", Facts(midterm_reviews=2, midterm_band="fail"), "中期评估均分不合格"),
        ("midterm_pass", Facts(midterm_reviews=1, midterm_band="pass"), None),
        ("midterm_rectify", Facts(midterm_reviews=1, midterm_band="fail"), "请填写"),
        ("midterm_rectify", Facts(has_reason=True), "尚无提交的中期评估评分"),
        ("midterm_rectify", Facts(midterm_reviews=1, midterm_band="fail", has_reason=True), None),
    ],
)
def test_the_midterm_review_decides(code, facts, message):
    result = error("incubation", code, facts=facts)
    assert (result is None) if message is None else (message in result)
    assert error("graduation", code, facts=facts) is not None  # only during incubation


def test_graduation_needs_the_checklist_for_the_track():
    in_park = [code for code, _label in rules.checklist_for("in_park_12")]
    off_park = [code for code, _label in rules.checklist_for("off_park")]
    assert "space_returned" in in_park and "space_returned" not in off_park
    missing = rules.checklist_missing("off_park", set(off_park[1:]))
    assert missing == (rules.GRADUATION_CHECKLIST[0][1],)
    facts = Facts(graduation_reviews=1, graduation_band="graduate", checklist_missing=missing)
    assert error("graduation", "graduate", facts=facts) == "出壳清单尚未完成：提交孵化总结报告"
    assert rules.checklist_missing("off_park", set(off_park)) == ()
