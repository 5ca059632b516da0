"""The navigation: each module registers its links (with the roles that see them) as it lands."""

from __future__ import annotations

from dataclasses import dataclass

from incubator.core.auth import CurrentUser


@dataclass(frozen=True)
class NavItem:
    label: str
    path: str
    roles: frozenset[str]
    order: int = 100


_ITEMS: list[NavItem] = []


def register(*items: NavItem) -> None:
    for item in items:
        if item not in _ITEMS:
            _ITEMS.append(item)
    _ITEMS.sort(key=lambda i: i.order)


def visible_nav(user: CurrentUser | None) -> list[NavItem]:
    if user is None:
        return []
    return [item for item in _ITEMS if user.role in item.roles]
