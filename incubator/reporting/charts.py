"""Charts as SVG markup, the same on the pages and in the PDFs (no script, no external files).
Labels are escaped here: the result may be marked safe by the caller."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH = 640
HEIGHT = 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 24, 40
BAR = "#b71c1c"


def axis_top(value: float) -> float:
    """The axis maximum: four equal steps of 1, 2, 2.5 or 5 times a power of ten, at least 1."""
    quarter = max(value / 4, 1)
    magnitude = 10 ** (len(str(int(quarter))) - 1)
    # Whole-number ticks for small counts; 25, 250 ... only from ten upwards.
    for step in (1, 2, 5, 10) if magnitude == 1 else (1, 2, 2.5, 5, 10):
        if quarter <= step * magnitude:
            return 4 * step * magnitude
    return 40 * magnitude


def bar_chart(series: Sequence[tuple[str, float]], title: str, unit: str = "") -> str:
    """A vertical bar chart of (label, value) pairs, with a title, an axis and value labels."""
    top = axis_top(max((v for _label, v in series), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(series), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}" '
        'font-family="Noto Sans CJK SC, sans-serif" font-size="11">',
        f'<text x="{WIDTH / 2}" y="14" text-anchor="middle" font-size="13" font-weight="700">'
        f"{escape(title)}</text>",
    ]
    for step in range(5):
        value = top * step / 4
        y = TOP + plot_h - plot_h * step / 4
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#555">'
            f"{value:g}</text>"
        )
    for index, (label, value) in enumerate(series):
        height = plot_h * value / top if top else 0
        x = LEFT + index * slot + slot * 0.15
        y = TOP + plot_h - height
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{height:.1f}" '
            f'fill="{BAR}"><title>{escape(label)}: {value:g}{escape(unit)}</title></rect>'
        )
        if value:
            parts.append(
                f'<text x="{x + slot * 0.35:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                f'font-size="10">{value:g}</text>'
            )
        parts.append(
            f'<text x="{x + slot * 0.35:.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle" '
            f'fill="#333">{escape(label)}</text>'
        )
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        'stroke="#444"/></svg>'
    )
    return "".join(parts)
