"""What an application needs, by the organization's registration status, without I/O."""

from __future__ import annotations

from dataclasses import dataclass

from incubator.core.i18n import N_, _, text

DOCUMENTS = (
    ("charter", N_("组织章程（草案）")),
    ("registration_certificate", N_("登记证书")),
    ("filing_proof", N_("备案证明")),
    ("name_approval", N_("名称核准通知书")),
    ("founders_signatures", N_("发起人签名")),
    ("leader_id", N_("负责人身份证")),
    ("project_proposal", N_("项目计划书")),
)
REQUIRED_DOCUMENTS = {
    "registered": ("charter", "registration_certificate", "leader_id", "project_proposal"),
    "filed": ("charter", "filing_proof", "leader_id", "project_proposal"),
    "unregistered": ("charter", "founders_signatures", "leader_id", "project_proposal"),
}
CHECKLIST = (
    ("annual_inspection_ok", N_("按时参加年检（年报），结论合格（新成立组织视为符合）")),
    ("no_penalties", N_("近两年未受到行政处罚")),
    ("not_blacklisted", N_("未列入活动异常名录或严重违法失信名单")),
    ("independent_account", N_("有独立账户或由街道代管账户，财务独立核算")),
)
PROJECT_FIELDS = (
    ("project_name", N_("项目名称")),
    ("project_summary", N_("项目概述")),
    ("target_group", N_("服务对象")),
    ("planned_activities", N_("计划开展的活动")),
)


@dataclass(frozen=True)
class Readiness:
    missing_fields: tuple[str, ...]
    missing_documents: tuple[str, ...]
    unchecked: tuple[str, ...]

    @property
    def ready(self) -> bool:
        return not (self.missing_fields or self.missing_documents or self.unchecked)

    def messages(self) -> list[str]:
        labels = dict(DOCUMENTS) | dict(CHECKLIST) | dict(PROJECT_FIELDS)
        out = [_("请填写：{field}").format(field=text(labels[f])) for f in self.missing_fields]
        out += [
            _("请上传：{document}").format(document=text(labels[d])) for d in self.missing_documents
        ]
        out += [_("请确认：{item}").format(item=text(labels[c])) for c in self.unchecked]
        return out


def readiness(registration_status: str, application: dict, documents: set[str]) -> Readiness:
    required = REQUIRED_DOCUMENTS.get(registration_status, REQUIRED_DOCUMENTS["unregistered"])
    return Readiness(
        missing_fields=tuple(f for f, _label in PROJECT_FIELDS if not application.get(f)),
        missing_documents=tuple(d for d in required if d not in documents),
        unchecked=tuple(c for c, _label in CHECKLIST if not application.get(c)),
    )


def tracking_number(street_code: str, year: int, sequence: int) -> str:
    return f"{street_code}-{year}-{sequence:04d}"


def round_errors(opens_on: object, closes_on: object, quota: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if opens_on and closes_on and closes_on < opens_on:  # type: ignore[operator]
        errors["closes_on"] = _("截止日期不能早于开始日期")
    if quota is not None and quota < 1:
        errors["quota"] = _("名额至少为 1")
    return errors


def open_round(rounds: list[dict], today: object) -> dict | None:
    """The round taking applications today (the one closing first if several overlap)."""
    current = [r for r in rounds if r["opens_on"] <= today <= r["closes_on"]]  # type: ignore[operator]
    return min(current, key=lambda r: r["closes_on"]) if current else None
