"""Long reports are paginated here, before WeasyPrint: their rows are grouped into sheets, each
starting on a new page. A sheet's layout then depends on nothing before it, so page ranges can be
laid out in parallel worker processes and joined into exactly the document one process would make.

Heights are estimated from the text (CJK is 1 em wide, ASCII as wide as Noto Sans CJK SC draws
it, a little more for bold) and erring high: a sheet a little short of full is fine, one that
spills onto a second page is not (the renderer notices and numbers the pages again, but the
spilled page looks poor)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from incubator.core.i18n import _

PT_PER_MM = 72 / 25.4
# Advance widths (em) of ASCII 32-126 in Noto Sans CJK SC Regular, read from its hmtx table.
_ASCII_EM = (
    0.224,
    0.323,
    0.474,
    0.555,
    0.555,
    0.921,
    0.68,
    0.278,
    0.338,
    0.338,
    0.467,
    0.555,
    0.278,
    0.347,
    0.278,
    0.392,
    0.555,
    0.555,
    0.555,
    0.555,
    0.555,
    0.555,
    0.555,
    0.555,
    0.555,
    0.555,
    0.278,
    0.278,
    0.555,
    0.555,
    0.555,
    0.474,
    0.946,
    0.608,
    0.657,
    0.638,
    0.688,
    0.589,
    0.552,
    0.689,
    0.728,
    0.293,
    0.535,
    0.646,
    0.543,
    0.812,
    0.723,
    0.742,
    0.633,
    0.742,
    0.635,
    0.596,
    0.599,
    0.721,
    0.575,
    0.878,
    0.573,
    0.531,
    0.603,
    0.338,
    0.392,
    0.338,
    0.555,
    0.559,
    0.606,
    0.563,
    0.618,
    0.51,
    0.62,
    0.554,
    0.325,
    0.564,
    0.607,
    0.275,
    0.275,
    0.552,
    0.284,
    0.926,
    0.61,
    0.606,
    0.62,
    0.62,
    0.388,
    0.468,
    0.377,
    0.607,
    0.521,
    0.802,
    0.498,
    0.521,
    0.475,
    0.338,
    0.27,
    0.338,
    0.555,
)
# Indexed by byte; bold text is up to ~5% wider, so every narrow glyph is counted 5% wider.
_BYTE_EM = tuple(1.05 * _ASCII_EM[b - 32] if 32 <= b <= 126 else 1.0 for b in range(128))
# Estimates err high by this share of a page, so rounding never spills a sheet.
SAFETY = 0.96


def text_em(text: str) -> float:
    """The width of `text` in em: 1 for CJK and other wide characters, the font's for ASCII."""
    narrow = text.encode("ascii", "ignore")
    return (len(text) - len(narrow)) + sum(map(_BYTE_EM.__getitem__, narrow))


def line_count(text: str, width_em: float) -> int:
    """Lines `text` takes in a box `width_em` wide, breaking anywhere (word-break: break-all
    loses less than one character per line)."""
    width = text_em(text)
    if width <= width_em:
        return 1
    return math.ceil(width / max(width_em - 1, 1))


@dataclass
class Sheet:
    """One page's worth of a report: a kind the template knows, and its items."""

    kind: str
    items: list[Any] = field(default_factory=list)
    opens: bool = False  # the first sheet of its kind: carries the heading
    closes: bool = False  # the last sheet of its kind: carries totals and signatures
    pages: int = 1  # physical pages expected (more only for a single giant row)


def paginate(
    kind: str,
    heights: Sequence[float],
    items: Sequence[Any],
    *,
    page: float,
    opening: float,
    closing: float,
    repeated: float = 0.0,
) -> list[Sheet]:
    """Groups `items` into sheets of at most `page` points: every sheet also holds `repeated`
    (a table header), the first `opening` (the title), the last `closing` (totals, signatures).
    An item taller than a page gets a sheet of its own."""
    budget = page * SAFETY
    sheets: list[Sheet] = [Sheet(kind, opens=True)]
    used = opening + repeated
    for item, height in zip(items, heights, strict=True):
        current = sheets[-1]
        if current.items and used + height > budget:
            current = Sheet(kind)
            sheets.append(current)
            used = repeated
        current.items.append(item)
        used += height
        if used > budget:
            current.pages = math.ceil(used / budget)
    last = sheets[-1]
    if used + closing > budget and len(last.items) > 1:
        # The closing lines take the last item with them rather than stand alone.
        carried = last.items.pop()
        sheets.append(Sheet(kind, [carried]))
    elif used + closing > budget:
        last.pages += 1
    sheets[-1].closes = True
    return sheets


def parts(sheets: Sequence[Sheet], min_parts: int, max_pages: int) -> list[list[Sheet]]:
    """Consecutive runs of sheets to lay out in parallel: a multiple of `min_parts` (the
    workers, at least 1) as the sheets allow, and none over `max_pages`, which bounds a
    worker's memory and paces the progress."""
    total = sum(s.pages for s in sheets)
    wanted = max(min_parts, math.ceil(total / max_pages))
    # A multiple of the workers, so that none idles while another lays out the last run.
    wanted = max(1, min(math.ceil(wanted / min_parts) * min_parts, len(sheets)))
    target = total / wanted
    runs: list[list[Sheet]] = [[]]
    pages = 0
    for sheet in sheets:
        if runs[-1] and pages + sheet.pages > target * len(runs) + 0.5:
            runs.append([])
        runs[-1].append(sheet)
        pages += sheet.pages
    return runs


def page_label_css(first: int | None = None, total: int | None = None) -> Markup:
    """The @page rules that print "page x / y" at the foot: from CSS counters for a whole
    document, or starting at `first` of `total` for one part of a report laid out in parallel."""
    before, middle, after = (
        _("第 {x} 页 / 共 {y} 页").replace("{x}", "\0").replace("{y}", "\0").split("\0")
    )
    count = "counter(pages)" if total is None else _css_string(str(total))
    before, middle, after = (_css_string(text) for text in (before, middle, after))
    content = f"{before} counter(page) {middle} {count} {after}"
    rules = f"@page {{ @bottom-right {{ content: {content}; }} }}"
    if first is not None:
        # WeasyPrint shows a reset page counter's value on that page as it is.
        rules += f" @page :first {{ counter-reset: page {int(first)}; }}"
    # Built only from our own strings and integers, quoted for CSS.
    return Markup(rules)  # noqa: S704


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ") + '"'


def planned_pages(sheets: Sequence[Sheet]) -> int:
    return sum(s.pages for s in sheets)
