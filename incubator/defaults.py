"""Data every installation needs, not only the demo: created on `incubator migrate` if missing."""

from __future__ import annotations

from incubator.scoring.seeds import ensure_seed_rubrics


async def ensure_defaults() -> None:
    await ensure_seed_rubrics()
