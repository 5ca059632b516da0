"""Organization rules without I/O: the registry's choices, the credit-code check, and the
six-stage incubation pipeline (stages, exits, and each transition's guard and roles).

The pipeline service gathers the facts a guard needs (reviews submitted, the mean band of a
rubric, open blocking items, an uploaded scan) and asks `transition_error`, which answers with
what is missing, in words a person can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from incubator.core.i18n import N_, _, text
from incubator.core.roles import ADMIN, APPLICANT, STAFF

ORG_TYPES = (
    ("social_group", N_("社会团体")),
    ("service_institution", N_("社会服务机构（民办非企业单位）")),
    ("foundation", N_("基金会")),
    ("community_org", N_("社区社会组织")),
)

REGISTRATION_STATUSES = (
    ("registered", N_("已登记")),
    ("filed", N_("已备案")),
    ("unregistered", N_("未登记")),
)

SERVICE_FIELDS = (
    ("elderly", N_("养老")),
    ("disability", N_("助残")),
    ("youth", N_("青少年")),
    ("culture_sports", N_("文体")),
    ("environment", N_("环保")),
    ("legal", N_("法律")),
    ("party_building", N_("党建")),
    ("volunteering", N_("志愿服务")),
    ("community_affairs", N_("社区事务")),
    ("other", N_("其他")),
)

PARTY_ORG_FORMS = (
    ("none", N_("未建立")),
    ("branch", N_("独立党支部")),
    ("joint_branch", N_("联合党支部")),
    ("functional", N_("功能型党组织")),
    ("instructor_only", N_("选派党建指导员")),
)

# GB 32100-2015: 18 characters from this alphabet (no I, O, S, V, Z), the last a check character.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_RE = re.compile(f"^[{CREDIT_CODE_ALPHABET}]{{18}}$")


def credit_code_check_char(first17: str) -> str:
    total = sum(
        CREDIT_CODE_ALPHABET.index(ch) * w
        for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def credit_code_error(code: str) -> str | None:
    """None for a valid 统一社会信用代码, else what is wrong with it."""
    if not CREDIT_CODE_RE.match(code):
        return _("统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z）")
    if credit_code_check_char(code[:17]) != code[17]:
        return _("统一社会信用代码校验位不正确，请核对")
    return None


def normalize_credit_code(raw: str) -> str:
    return raw.strip().upper().replace(" ", "")


def registration_errors(
    status: str, registration_date: object, name_approval_date: object, credit_code: str | None
) -> dict[str, str]:
    """What each registration status requires."""
    errors: dict[str, str] = {}
    if status in ("registered", "filed") and registration_date is None:
        errors["registration_date"] = _("已登记或已备案的组织请填写登记（备案）日期")
    if status == "registered" and not credit_code:
        errors["credit_code"] = _("已登记的组织请填写统一社会信用代码")
    if status == "unregistered" and registration_date is not None:
        errors["registration_date"] = _(
            "未登记的组织不应有登记日期；名称核准日期请填在“名称核准日期”"
        )
    if (
        name_approval_date is not None
        and registration_date is not None
        and name_approval_date > registration_date  # type: ignore[operator]
    ):
        errors["name_approval_date"] = _("名称核准日期不能晚于登记日期")
    return errors


def label(choices: tuple[tuple[str, str], ...], code: str | None) -> str:
    return dict(choices).get(code or "", code or "")


# --- the incubation pipeline ---------------------------------------------------------------

STAGES = (
    ("application", N_("接受申请")),
    ("screening", N_("筛选评估")),
    ("entry", N_("入壳")),
    ("incubation", N_("孵化")),
    ("graduation", N_("出壳")),
    ("follow_up", N_("跟踪辅导")),
)
EXITS = (
    ("rejected", N_("未通过")),
    ("withdrawn", N_("撤回")),
    ("terminated", N_("退出孵化")),
)
ALL_STATES = STAGES + EXITS
STAGE_CODES = tuple(code for code, _label in STAGES)
EXIT_CODES = tuple(code for code, _label in EXITS)
MIN_SCREENING_REVIEWS = 2
# 孵化方式: in the center's space for 6 or 12 months, or off-site.
TRACKS = (
    ("in_park_6", N_("园内孵化 6 个月")),
    ("in_park_12", N_("园内孵化 12 个月")),
    ("off_park", N_("园外孵化")),
)
FOLLOW_UP_MONTHS = (3, 6, 12)


# What each stage means for the applicant, in plain words, and what they should do next.
STAGE_GUIDE = {
    None: N_("尚未提交入壳申请。请填写入壳申请并上传所需材料。"),
    "application": N_("申请已受理。中心将核对材料，资料齐全后转入筛选评估。"),
    "screening": N_("正在筛选评估。评审将对您的申请打分，请保持电话畅通，可能安排面谈或实地走访。"),
    "entry": N_("已录取入壳。请与中心签订入驻协议，并提交盖章的协议扫描件。"),
    "incubation": N_("正在孵化。请按孵化计划推进各项节点，按时提交报告和服务记录。"),
    "graduation": N_("正在进行出壳评估。请完成交接事项并提交总结报告。"),
    "follow_up": N_("已出壳。中心将在出壳后 3、6、12 个月回访，了解组织发展情况。"),
    "rejected": N_("本次申请未通过筛选。欢迎完善方案后参加下一批次招募。"),
    "withdrawn": N_("申请已撤回或已退出孵化。"),
    "terminated": N_("孵化已终止。如有疑问请联系中心工作人员。"),
}


GRADES = (("", N_("未定级")), ("1A", "1A"), ("2A", "2A"), ("3A", "3A"), ("4A", "4A"), ("5A", "5A"))

# Entries people add to the timeline besides stage changes.
NOTE_KINDS = (
    ("consultation", N_("咨询指导")),
    ("interview", N_("面谈")),
    ("site_visit", N_("实地走访")),
    ("note", N_("备注")),
)


# 出壳清单: what must be done before an organization leaves (space only for in-park tracks).
GRADUATION_CHECKLIST = (
    ("final_report", N_("提交孵化总结报告")),
    ("ledger_archived", N_("服务记录台账整理归档")),
    ("finance_settled", N_("补贴资金使用情况结算说明")),
    ("registration", N_("完成登记或备案（未完成的说明原因）")),
    ("space_returned", N_("退还场地、工位、钥匙及借用物品")),
    ("follow_up_contact", N_("确定跟踪辅导联系人")),
)
IN_PARK_ONLY_CHECKS = ("space_returned",)
CHECKLIST_STAGES = ("incubation", "graduation")


def checklist_for(track: str | None) -> tuple[tuple[str, str], ...]:
    in_park = (track or "").startswith("in_park")
    return tuple(
        (code, label)
        for code, label in GRADUATION_CHECKLIST
        if in_park or code not in IN_PARK_ONLY_CHECKS
    )


def checklist_missing(track: str | None, done: set[str]) -> tuple[str, ...]:
    return tuple(label for code, label in checklist_for(track) if code not in done)


def stage_label(code: str | None) -> str:
    return dict(ALL_STATES).get(code or "", N_("未进入孵化"))


def stage_text(code: str | None) -> str:
    return text(stage_label(code))


@dataclass(frozen=True)
class Facts:
    """What the guards look at, gathered by the service."""

    profile_missing: tuple[str, ...] = ()
    screening_reviews: int = 0
    screening_band: str | None = None
    graduation_reviews: int = 0
    graduation_band: str | None = None
    open_blocking_items: int = 0
    has_attachment: bool = False
    has_reason: bool = False
    application_ready: bool = False
    track: str | None = None
    service_package: tuple[str, ...] = ()
    agreement_missing: tuple[str, ...] = ()
    midterm_reviews: int = 0
    midterm_band: str | None = None
    checklist_missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Transition:
    code: str
    label: str
    sources: tuple[str | None, ...]
    target: str
    roles: frozenset[str]
    needs_reason: bool = False
    needs_attachment: bool = False
    needs_track: bool = False
    # Extra conditions: (check over the facts, message when it fails).
    checks: tuple[str, ...] = field(default_factory=tuple)


STAFF_ROLES = frozenset({ADMIN, STAFF})

# Stages in which an organization is housed by the center (an agreement, desks, a handover).
HOUSED_STAGES = ("entry", "incubation", "graduation")

TRANSITIONS = (
    # Online (or staff-entered) application submitted with everything it needs.
    Transition(
        "apply",
        N_("提交入壳申请"),
        (None,),
        "application",
        STAFF_ROLES | {APPLICANT},
        checks=("application_ready",),
    ),
    # A paper application taken in at the counter (一门受理).
    Transition("accept", N_("受理申请"), (None,), "application", STAFF_ROLES),
    Transition(
        "submit",
        N_("提交筛选评估"),
        ("application",),
        "screening",
        STAFF_ROLES | {APPLICANT},
        checks=("profile_complete",),
    ),
    Transition(
        "admit",
        N_("录取入壳"),
        ("screening",),
        "entry",
        STAFF_ROLES,
        needs_reason=True,
        needs_track=True,
        checks=("screening_reviewed", "screening_admits", "package_chosen"),
    ),
    Transition(
        "request_more",
        N_("待补材料，退回申请人补充"),
        ("screening",),
        "application",
        STAFF_ROLES,
        needs_reason=True,
    ),
    Transition(
        "reject",
        N_("不予录取"),
        ("screening",),
        "rejected",
        STAFF_ROLES,
        needs_reason=True,
        checks=("screening_reviewed",),
    ),
    Transition(
        "sign_agreement",
        N_("签订入驻协议，开始孵化"),
        ("entry",),
        "incubation",
        STAFF_ROLES,
        needs_attachment=True,
        checks=("agreement_ready",),
    ),
    Transition(
        "extend",
        N_("续驻（协议延长 6 个月）"),
        ("incubation",),
        "incubation",
        STAFF_ROLES,
        needs_reason=True,
    ),
    # The mid-term review decides: go on, or put things right by a deadline (or 终止 below).
    Transition(
        "midterm_pass",
        N_("中期评估通过，继续孵化"),
        ("incubation",),
        "incubation",
        STAFF_ROLES,
        checks=("midterm_reviewed", "midterm_passes"),
    ),
    Transition(
        "midterm_rectify",
        N_("中期评估：限期整改"),
        ("incubation",),
        "incubation",
        STAFF_ROLES,
        needs_reason=True,
        checks=("midterm_reviewed",),
    ),
    Transition(
        "request_graduation",
        N_("申请出壳评估"),
        ("incubation",),
        "graduation",
        STAFF_ROLES | {APPLICANT},
    ),
    Transition(
        "graduate",
        N_("准予出壳，转入跟踪辅导"),
        ("graduation",),
        "follow_up",
        STAFF_ROLES,
        checks=("graduation_reviewed", "graduation_passes", "checklist_complete", "nothing_open"),
    ),
    Transition(
        "postpone",
        N_("延期出壳，继续孵化"),
        ("graduation",),
        "incubation",
        STAFF_ROLES,
        needs_reason=True,
        checks=("graduation_reviewed",),
    ),
    Transition(
        "withdraw",
        N_("撤回申请或退出孵化"),
        ("application", "screening", "entry", "incubation"),
        "withdrawn",
        STAFF_ROLES | {APPLICANT},
        needs_reason=True,
    ),
    Transition(
        "terminate",
        N_("终止孵化（退出）"),
        ("entry", "incubation", "graduation"),
        "terminated",
        STAFF_ROLES,
        needs_reason=True,
    ),
)
BY_CODE = {t.code: t for t in TRANSITIONS}


def _check_error(check: str, facts: Facts) -> str | None:
    if check == "profile_complete" and facts.profile_missing:
        return _("申请资料不完整，缺少：{missing}").format(
            missing=_("、").join(text(m) for m in facts.profile_missing)
        )
    if check == "application_ready" and not facts.application_ready:
        return _("申请表尚未填写完整或缺少必需的材料")
    if check == "screening_reviewed" and facts.screening_reviews < MIN_SCREENING_REVIEWS:
        return _("至少需要 {n} 位评审提交筛选评分，目前 {done} 位").format(
            n=MIN_SCREENING_REVIEWS, done=facts.screening_reviews
        )
    if check == "screening_admits" and facts.screening_band != "admit":
        return _("筛选评分均分未达到录取档次")
    if check == "graduation_reviewed" and facts.graduation_reviews < 1:
        return _("尚无提交的出壳评估评分")
    if check == "graduation_passes" and facts.graduation_band != "graduate":
        return _("出壳评估均分未达到准予出壳档次")
    if check == "nothing_open" and facts.open_blocking_items:
        return _("还有 {n} 项孵化节点、整改、交接或总结报告事项未办结").format(
            n=facts.open_blocking_items
        )
    if check == "package_chosen" and not facts.service_package:
        return _("请选择服务包（至少一项服务）")
    if check == "agreement_ready" and facts.agreement_missing:
        return _("入驻协议尚未完成，缺少：{missing}").format(
            missing=_("、").join(text(m) for m in facts.agreement_missing)
        )
    if check == "midterm_reviewed" and facts.midterm_reviews < 1:
        return _("尚无提交的中期评估评分")
    if check == "midterm_passes" and facts.midterm_band in (None, "fail"):
        return _("中期评估均分不合格，请选择限期整改或终止孵化")
    if check == "checklist_complete" and facts.checklist_missing:
        return _("出壳清单尚未完成：{missing}").format(
            missing=_("、").join(text(m) for m in facts.checklist_missing)
        )
    return None


def transition_error(stage: str | None, code: str, role: str, facts: Facts) -> str | None:
    """None when the transition may happen now, else what is missing."""
    transition = BY_CODE.get(code)
    if transition is None:
        return _("未知的操作")
    if role not in transition.roles:
        return _("您的角色不能执行“{action}”").format(action=text(transition.label))
    if stage not in transition.sources:
        return _("“{action}”只能在{sources}阶段进行，当前为“{stage}”").format(
            action=text(transition.label),
            sources=_("、").join(f"“{text(stage_label(s))}”" for s in transition.sources),
            stage=text(stage_label(stage)),
        )
    if transition.needs_reason and not facts.has_reason:
        return _("请填写“{action}”的理由").format(action=text(transition.label))
    if transition.needs_track and facts.track not in dict(TRACKS):
        return _("请选择孵化方式")
    if transition.needs_attachment and not facts.has_attachment:
        return _("请上传盖章的入驻协议扫描件")
    for check in transition.checks:
        if error := _check_error(check, facts):
            return error
    return None


def available(stage: str | None, role: str) -> list[Transition]:
    """The transitions this role could make from this stage (guards aside)."""
    return [t for t in TRANSITIONS if stage in t.sources and role in t.roles]


def is_exit(stage: str | None) -> bool:
    return stage in EXIT_CODES
