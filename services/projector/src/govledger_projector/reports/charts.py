"""Inline SVG charts (no external assets, print-friendly, readable without colour)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import NamedTuple

BAR = "#1f5fa8"
ALT = "#c4512c"


class Label(NamedTuple):
    """A chart's words: SVG text content (escaped; may hold one ``<tspan>`` per language, so
    a page's CSS can show one) and the same words as plain text, to size the label column."""

    markup: str
    plain: str


def label(text: str) -> Label:
    """Plain text as a label."""
    return Label(escape(text), text)


NO_UNIT = Label("", "")
SHARE_LABELS = (label("민간 private"), label("공공 public"))


def text_width(text: str, size: int = 13) -> int:
    """A generous estimate of a label's width in pixels (Hangul is about a square)."""
    return round(sum(size if ord(c) > 0x2E7F else size * 0.62 for c in text))


def bar_chart(bars: Sequence[tuple[Label, float]], *, title: str, unit: Label = NO_UNIT,
              width: int = 560) -> str:
    """Horizontal bars with their values written out; ``title`` is the SVG's accessible name.
    The label column is as wide as the longest label (two languages need more room)."""
    row, top = 28, 8
    left = max(150, 16 + max((text_width(name.plain) for name, _ in bars), default=0))
    width = max(width, left + 360)
    height = top * 2 + row * max(1, len(bars))
    peak = max((v for _, v in bars), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" class="chart">',
             f"<title>{escape(title)}</title>"]
    span = width - left - 90
    for n, (name, value) in enumerate(bars):
        y = top + n * row
        w = max(1, round(span * value / peak))
        shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
        parts += [
            f'<text x="{left - 8}" y="{y + 18}" text-anchor="end" font-size="13">'
            f"{name.markup}</text>",
            f'<rect x="{left}" y="{y + 4}" width="{w}" height="{row - 10}" fill="{BAR}"/>',
            f'<text x="{left + w + 6}" y="{y + 18}" font-size="13">{shown}{unit.markup}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)


def share_bar(private: int, public: int, *, width: int = 560,
              labels: tuple[Label, Label] = SHARE_LABELS) -> str:
    """One stacked bar: private (민간) against public (공공) seats, ``labels`` naming them."""
    total = private + public or 1
    split = round(width * private / total)
    pct = 100 * private / total
    private_label, public_label = (name.markup for name in labels)
    title = escape(f"{labels[0].plain} {private} / {labels[1].plain} {public} ({pct:.1f}%)")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="46" '
        f'viewBox="0 0 {width} 46" class="chart"><title>{title}</title>'
        f'<rect x="0" y="0" width="{split}" height="24" fill="{BAR}"/>'
        f'<rect x="{split}" y="0" width="{width - split}" height="24" fill="{ALT}"/>'
        f'<text x="4" y="40" font-size="13">{private_label} {private} ({pct:.1f}%)</text>'
        f'<text x="{width - 4}" y="40" font-size="13" text-anchor="end">'
        f"{public_label} {public}</text></svg>")
