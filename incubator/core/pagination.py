"""One pagination convention for pages and the API: ?page=&page_size=."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def _positive(raw: Any, default: int, high: int) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return default
    return min(max(value, 1), high)


def page_request(params: Mapping[str, Any], default_size: int = DEFAULT_PAGE_SIZE) -> PageRequest:
    """Out-of-range or malformed values fall back to the nearest sensible page, never an error."""
    return PageRequest(
        page=_positive(params.get("page"), 1, 10**6),
        page_size=_positive(params.get("page_size"), default_size, MAX_PAGE_SIZE),
    )


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def as_api(self, item: Any = None) -> dict[str, Any]:
        items = [item(i) for i in self.items] if item else list(self.items)
        return {"items": items, "total": self.total, "page": self.page, "page_size": self.page_size}

    def window(self, width: int = 2) -> list[int | None]:
        """Page numbers to show, with None where a gap is elided."""
        shown = {1, self.pages, *range(self.page - width, self.page + width + 1)}
        numbers = sorted(n for n in shown if 1 <= n <= self.pages)
        out: list[int | None] = []
        for n in numbers:
            if out and out[-1] is not None and n - out[-1] > 1:
                out.append(None)
            out.append(n)
        return out


async def paginate(query: Any, count_query: Any, request: PageRequest) -> Page:
    total = await count_query
    rows = await query.limit(request.page_size).offset(request.offset)
    return Page(items=rows, total=total, page=request.page, page_size=request.page_size)


def query_string(params: Mapping[str, Any], **overrides: Any) -> str:
    """The current filters with some values replaced, for pagination and sort links."""
    merged = {k: v for k, v in {**params, **overrides}.items() if v not in (None, "")}
    return "?" + urlencode(merged)


@dataclass(frozen=True)
class Sort:
    """A sortable column choice from `?sort=key` or `?sort=-key` (descending)."""

    key: str
    descending: bool

    @property
    def param(self) -> str:
        return ("-" if self.descending else "") + self.key


def sort_request(params: Mapping[str, Any], allowed: Sequence[str], default: str) -> Sort:
    """Only keys the page offers; anything else falls back to the default order."""
    raw = str(params.get("sort") or default)
    key = raw.lstrip("-")
    if key not in allowed:
        raw, key = default, default.lstrip("-")
    return Sort(key=key, descending=raw.startswith("-"))


@dataclass(frozen=True)
class ListQuery:
    """A list page's request as read from the query string: its filters (every declared name,
    '' when absent), its order and its page."""

    filters: dict[str, str]
    sort: Sort
    page: PageRequest

    @property
    def params(self) -> dict[str, str]:
        """The filters and the order, for pagination, sort and export links."""
        return {**self.filters, **({"sort": self.sort.param} if self.sort.key else {})}


@dataclass(frozen=True)
class ListSpec:
    """What one list accepts, declared once beside its service: the filter names, the sortable
    keys and the default order (`-key` for descending). Pages, exports and the API read their
    query through it, so they filter and sort alike."""

    filters: Sequence[str]
    sorts: Sequence[str] = ()
    default_sort: str = ""  # none: the list has one order of its own
    page_size: int = DEFAULT_PAGE_SIZE

    def read(self, params: Mapping[str, Any]) -> ListQuery:
        return ListQuery(
            filters={k: _text(params.get(k)) for k in self.filters},
            sort=sort_request(params, self.sorts, self.default_sort),
            page=page_request(params, self.page_size),
        )


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()
