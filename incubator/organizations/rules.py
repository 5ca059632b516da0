"""Organization rules without I/O: the registry's choices and the credit-code check."""

from __future__ import annotations

import re

from incubator.core.i18n import N_, _

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
