"""One ZIP per organization for auditors: its PDFs (showcase, decision, agreement, certificate),
its documents as uploaded, its ledger as XLSX and its timeline as CSV."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from incubator.activities import exports
from incubator.activities import service as activities
from incubator.core import files
from incubator.core.auth import CurrentUser
from incubator.core.i18n import _, text
from incubator.core.tables import StoredFile
from incubator.core.xlsx import csv_bytes
from incubator.organizations import pipeline_service as pipeline
from incubator.organizations import rules as organization_rules
from incubator.organizations.service import get_organization
from incubator.reporting import documents, showcase

Render = Callable[[str, dict[int, str]], Awaitable[bytes]]
UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def safe_name(name: str) -> str:
    """A file name that cannot climb out of its folder in the archive."""
    cleaned = UNSAFE.sub("_", name).strip(". ") or "file"
    return cleaned[:120]


def timeline_csv(events: list[dict]) -> bytes:
    labels = {t.code: t.label for t in organization_rules.TRANSITIONS}
    return csv_bytes(
        [_("时间"), _("操作人"), _("操作"), _("从"), _("到"), _("说明"), _("附件")],
        [
            [
                e["at"],
                e["actor_name"],
                text(labels.get(e["action"], e["action"])),
                text(organization_rules.stage_label(e["from_stage"])) if e["from_stage"] else "",
                text(organization_rules.stage_label(e["to_stage"])) if e["to_stage"] else "",
                e["reason"],
                e["attachment_name"] or "",
            ]
            for e in events
        ],
    )


async def build(
    user: CurrentUser, organization_id: int, uploads_dir: Path, render: Render
) -> tuple[str, bytes] | None:
    """(archive name, ZIP bytes), or None when the organization is not the caller's to see."""
    organization = await get_organization(user, organization_id)
    if organization is None:
        return None
    entries: list[tuple[str, bytes]] = []
    built = await showcase.organization_report(user, organization_id, None, uploads_dir)
    if built is not None:
        entries.append((_("亮点活动展示.pdf"), await render(built.html, built.uploads)))
    for kind, name in (
        ("decision", _("筛选决定通知书.pdf")),
        ("agreement", _("入驻协议与承诺书.pdf")),
        ("certificate", _("出壳证书.pdf")),
    ):
        try:
            document = await documents.build(user, organization_id, kind)
        except documents.DocumentMissing:
            continue
        if document is not None:
            entries.append((name, await render(document, {})))
    ledger_rows = await activities.export_rows(
        user, {"organization": str(organization_id)}, showcase.NEWEST_FIRST
    )
    entries.append((_("服务记录台账.xlsx"), exports.ledger_xlsx(ledger_rows)))
    entries.append((_("时间线.csv"), timeline_csv(await pipeline.timeline(organization_id))))
    folder = _("材料")
    for index, document in enumerate(await pipeline.documents(organization_id), start=1):
        stored = (
            await StoredFile.select(StoredFile.storage_name)
            .where(StoredFile.id == document["file"])
            .first()
        )
        if stored is None:
            continue
        path = files.storage_path(uploads_dir, stored["storage_name"])
        if path.exists():
            kind = document["label"]
            label = safe_name(text(kind))
            entries.append(
                (f"{folder}/{index:02d}-{label}-{safe_name(document['name'])}", path.read_bytes())
            )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return f"{safe_name(organization['name'])}-{_('档案')}.zip", buffer.getvalue()
