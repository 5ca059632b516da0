"""Social organizations: the registry's reads and writes (the pipeline builds on these)."""

from __future__ import annotations

from incubator.core import audit
from incubator.core.auth import CurrentUser
from incubator.core.db import write_transaction
from incubator.organizations.tables import Organization


async def create_organization(
    actor: CurrentUser | None, name: str, community_id: int | None = None
) -> int:
    row = {"name": name, "community": community_id}
    async with write_transaction():
        rows = await Organization.insert(Organization(**row)).returning(Organization.id)
        await audit.record(actor, "organization", rows[0]["id"], "create", after=row)
    return rows[0]["id"]


async def organization_id_by_name(name: str) -> int | None:
    row = await Organization.select(Organization.id).where(Organization.name == name).first()
    return row["id"] if row else None
