"""What other modules do when an organization moves between stages: hooks that a module
registers for transition codes, run by the pipeline inside the move's transaction, in the order
they were registered. The pipeline knows no module's reaction by name (center ends the
agreement at graduation, the pipeline plans follow-up visits, ...)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from incubator.core.auth import CurrentUser


@dataclass(frozen=True)
class Moved:
    actor: CurrentUser
    organization: dict  # as it was before the move
    code: str
    source: str | None
    target: str
    reason: str
    attachment_id: int | None


# A hook may return the reason with a note added (it goes to the timeline), or None.
Hook = Callable[[Moved], Awaitable[str | None]]
_HOOKS: dict[str, list[Hook]] = defaultdict(list)


def on(*codes: str) -> Callable[[Hook], Hook]:
    """Registers the decorated hook for these transition codes (once, whatever the imports)."""

    def register(hook: Hook) -> Hook:
        for code in codes:
            if hook not in _HOOKS[code]:
                _HOOKS[code].append(hook)
        return hook

    return register


async def run(moved: Moved) -> str:
    """Runs the hooks of the move's code; returns its reason as the hooks left it."""
    for hook in _HOOKS.get(moved.code, []):
        amended = await hook(moved)
        if amended is not None:
            moved = replace(moved, reason=amended)
    return moved.reason


def registered(code: str) -> list[Hook]:
    return list(_HOOKS.get(code, []))
