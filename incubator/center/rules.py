"""The center's rules: zones, what an entry agreement must hold, support kinds. No I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from incubator.core.dates import add_months
from incubator.core.i18n import N_, _

ZONES = (
    ("office", N_("办公区")),
    ("training", N_("培训区")),
    ("display", N_("展示区")),
)
AGREEMENT_STATUSES = (
    ("draft", N_("待签订")),
    ("signed", N_("履行中")),
    ("ended", N_("已终止")),
)
# The service package (服务包) the center offers; an agreement picks from it.
SERVICES = (
    ("office_space", N_("免费办公场地及水电网络")),
    ("meeting_rooms", N_("会议室、培训室使用")),
    ("capacity_training", N_("能力建设培训")),
    ("mentoring", N_("专业导师辅导")),
    ("registration_help", N_("登记注册（备案）协助")),
    ("project_design", N_("项目设计与申报辅导")),
    ("finance_agency", N_("财务代理记账")),
    ("resource_matching", N_("资源对接")),
    ("publicity", N_("宣传推广")),
)
DEFAULT_OBLIGATIONS = N_(
    "遵守中心管理制度，爱护场地设施；按孵化计划推进各项节点，按时提交月度服务记录和季度报告；"
    "参加中心组织的培训与评估；不得将场地转借他人或用于营利活动；"
    "孵化期满或退出时 15 日内退还场地和物品。"
)
DEFAULT_COMMITMENT = N_(
    "本组织承诺：所提交材料真实有效；坚持公益性和非营利性，依法依章程开展活动；"
    "接受街道及孵化中心的指导、监督和评估；如违反协议，同意中心终止孵化并收回场地。"
)
# Tracks that use the center's space need a desk; the period follows the track.
TRACK_MONTHS = {"in_park_6": 6, "in_park_12": 12, "off_park": 12}
IN_PARK_TRACKS = ("in_park_6", "in_park_12")
RENEWAL_MONTHS = 6
MAX_PERIOD_DAYS = 2 * 366
ENDING_SOON_DAYS = 30

SUPPORT_KINDS = (
    ("coaching", N_("导师辅导")),
    ("training", N_("培训")),
    ("resource", N_("资源对接")),
    ("subsidy", N_("小额补贴")),
)


def default_period(track: str | None, start: dt.date) -> tuple[dt.date, dt.date]:
    months = TRACK_MONTHS.get(track or "", 12)
    return start, add_months(start, months) - dt.timedelta(days=1)


@dataclass(frozen=True)
class AgreementDraft:
    period_start: dt.date | None
    period_end: dt.date | None
    signed_on: dt.date | None
    services: tuple[str, ...]
    desk_ids: tuple[int, ...]
    track: str | None


def agreement_errors(draft: AgreementDraft, today: dt.date) -> dict[str, str]:
    """Field -> message for what is wrong with an agreement as entered."""
    errors: dict[str, str] = {}
    start, end = draft.period_start, draft.period_end
    if start and end:
        if end <= start:
            errors["period_end"] = _("协议结束日期必须晚于开始日期")
        elif (end - start).days > MAX_PERIOD_DAYS:
            errors["period_end"] = _("一次协议期限最长两年，到期可办理续驻")
    if draft.signed_on and draft.signed_on > today:
        errors["signed_on"] = _("签订日期不能晚于今天")
    unknown = set(draft.services) - {code for code, _label in SERVICES}
    if unknown:
        errors["services"] = _("请选择有效的服务项目")
    elif not draft.services:
        errors["services"] = _("请至少选择一项服务")
    if draft.track in IN_PARK_TRACKS and not draft.desk_ids:
        errors["desks"] = _("园内孵化须分配至少一个工位或展位")
    return errors


def missing_for_signing(agreement: dict | None) -> tuple[str, ...]:
    """What the agreement still lacks before the stamped scan can start incubation."""
    if agreement is None:
        return (N_("入驻协议"),)
    missing = []
    if not agreement.get("signed_on"):
        missing.append(N_("签订日期"))
    if not agreement.get("services"):
        missing.append(N_("服务项目"))
    return tuple(missing)


def service_codes(stored: str) -> tuple[str, ...]:
    return tuple(code for code in stored.split(",") if code)


@dataclass(frozen=True)
class ZoneUse:
    code: str
    label: str
    rooms: int
    capacity: int
    area: int
    desks: int
    taken: int

    @property
    def free(self) -> int:
        return self.desks - self.taken

    @property
    def rate(self) -> int:
        """Occupancy in whole percent."""
        return round(100 * self.taken / self.desks) if self.desks else 0


def zone_use(rooms: Iterable[dict]) -> list[ZoneUse]:
    """Per zone: rooms, seats, desks and desks taken, from rooms carrying their desk lists."""
    result = []
    rooms = list(rooms)
    for code, label in ZONES:
        in_zone = [r for r in rooms if r["zone"] == code]
        desks = [d for r in in_zone for d in r["desks"]]
        result.append(
            ZoneUse(
                code=code,
                label=label,
                rooms=len(in_zone),
                capacity=sum(r["capacity"] for r in in_zone),
                area=sum(r["area"] for r in in_zone),
                desks=len(desks),
                taken=sum(1 for d in desks if d.get("holder")),
            )
        )
    return result


def support_totals(records: Iterable[dict]) -> list[dict]:
    """Per support kind: how many, hours and yuan."""
    totals = {
        code: {"kind": code, "count": 0, "hours": Decimal(0), "amount": Decimal(0)}
        for code, _label in SUPPORT_KINDS
    }
    for record in records:
        row = totals.get(record["kind"])
        if row is None:
            continue
        row["count"] += 1
        row["hours"] += Decimal(str(record["hours"] or 0))
        row["amount"] += Decimal(str(record["amount"] or 0))
    return list(totals.values())
