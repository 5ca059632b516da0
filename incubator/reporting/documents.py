"""The pipeline's documents, filled from the records: the decision letter (录取 / 不录取 /
待补材料), the entry agreement with its commitment (入驻协议 / 入驻承诺书), and the graduation
certificate (出壳证书)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from incubator.center import rules as center_rules
from incubator.center import service as center
from incubator.cooperation import rules as cooperation_rules
from incubator.cooperation import service as cooperation
from incubator.core.auth import CurrentUser
from incubator.core.i18n import LOCAL_TZ, N_, _, text
from incubator.ground.tables import Street
from incubator.organizations import pipeline_service as pipeline
from incubator.organizations import rules as organization_rules
from incubator.organizations.service import get_organization
from incubator.reporting import templates

DECISIONS = {
    "admit": N_("录取通知书"),
    "reject": N_("不予录取通知书"),
    "request_more": N_("补充材料通知书"),
}
KINDS = ("decision", "agreement", "certificate")
# 政社互动's agreement, by the agreement's id (the others are by the organization's).
COOPERATION = "cooperation"


class DocumentMissing(LookupError):
    """The record the document is filled from does not exist yet; the message says which."""


async def _issuer() -> str:
    street = await Street.select(Street.name).order_by(Street.id).first()
    return _("{street}社会组织发展中心").format(street=street["name"] if street else "")


async def build(user: CurrentUser, organization_id: int, kind: str) -> str | None:
    """The document's HTML, or None when the organization is not the caller's to see."""
    organization = await get_organization(user, organization_id)
    if organization is None or kind not in KINDS:
        return None
    events = await pipeline.timeline(organization_id)
    context: dict[str, Any] = {
        "organization": organization,
        "issuer": await _issuer(),
        "printed_at": dt.datetime.now(LOCAL_TZ),
        "track": text(
            organization_rules.label(organization_rules.TRACKS, organization["incubation_track"])
        )
        if organization["incubation_track"]
        else "",
    }
    if kind == "decision":
        decision = next((e for e in reversed(events) if e["action"] in DECISIONS), None)
        if decision is None:
            raise DocumentMissing(_("尚未作出筛选决定"))
        services = dict(center_rules.SERVICES)
        title = DECISIONS[decision["action"]]
        return templates.render(
            "decision.html",
            decision=decision,
            title=text(title),
            package=[
                text(services.get(c, c)) for c in organization["service_package"].split(",") if c
            ],
            **context,
        )
    if kind == "agreement":
        agreement = await center.current_agreement(organization_id)
        if agreement is None:
            raise DocumentMissing(_("尚未拟定入驻协议"))
        services = dict(center_rules.SERVICES)
        return templates.render(
            "agreement.html",
            agreement=agreement,
            services=[text(services.get(c, c)) for c in agreement["service_codes"]],
            zones=dict(center_rules.ZONES),
            **context,
        )
    graduated = next((e for e in reversed(events) if e["action"] == "graduate"), None)
    if graduated is None:
        raise DocumentMissing(_("尚未准予出壳"))
    agreement = await center.current_agreement(organization_id)
    admitted = next((e for e in events if e["action"] == "admit"), None)
    since = agreement["period_start"] if agreement else (admitted["at"] if admitted else None)
    return templates.render(
        "certificate.html", graduated_at=graduated["at"], since=since, **context
    )


async def cooperation_agreement(user: CurrentUser, agreement_id: int) -> str | None:
    """《基层群众自治组织协助政府工作协议书》 ready to sign: its two item lists, the parties,
    the signing lines; None when the agreement is not the caller's to see."""
    agreement = await cooperation.get_agreement(user, agreement_id)
    if agreement is None:
        return None
    return templates.render(
        "cooperation.html",
        agreement=agreement,
        lists=[
            (text(label), agreement[f"{code}_items"]) for code, label in cooperation_rules.LISTS
        ],
        printed_at=dt.datetime.now(LOCAL_TZ),
    )
