"""Small SVG charts for Dagster metadata, so a stakeholder sees a picture in the UI.

Rendered as a Markdown image with a data URI; plain SVG keeps plotting libraries out of the
dependencies.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from html import escape

import dagster as dg

WIDTH = 640
BAR_HEIGHT = 22
LABEL_WIDTH = 170
PALETTE = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2")


def _as_markdown(svg: str, title: str) -> dg.MetadataValue:
    encoded = base64.b64encode(svg.encode()).decode()
    return dg.MetadataValue.md(f"![{escape(title)}](data:image/svg+xml;base64,{encoded})")


def bar_chart(
    labels: Sequence[str], values: Sequence[float], *, title: str, value_format: str = "{:,.0f}"
) -> dg.MetadataValue:
    """Horizontal bars, one per label, with the value printed at the end of each bar."""
    top = 30
    height = top + BAR_HEIGHT * len(labels) + 10
    largest = max((v for v in values if v is not None), default=0) or 1
    span = WIDTH - LABEL_WIDTH - 90
    rows = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * BAR_HEIGHT
        length = span * max(value or 0, 0) / largest
        rows.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end">{escape(str(label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" height="{BAR_HEIGHT - 6}" fill="{PALETTE[0]}"/>'
            f'<text x="{LABEL_WIDTH + length + 5:.1f}" y="{y + 15}">{escape(value_format.format(value or 0))}</text>'
        )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/>'
        f'<text x="10" y="18" font-size="14" font-weight="bold">{escape(title)}</text>{"".join(rows)}</svg>'
    )
    return _as_markdown(svg, title)


def line_chart(
    x: Sequence[float], series: dict[str, Sequence[float]], *, title: str, x_label: str, y_label: str
) -> dg.MetadataValue:
    """Lines sharing one x axis, with a legend; for predicted-versus-actual curves."""
    height, left, right, top, bottom = 360, 60, 20, 30, 45
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    x_min, x_max = min(x), max(x)
    y_max = max(max(values) for values in series.values()) or 1

    def px(value: float) -> float:
        return left + plot_w * (value - x_min) / ((x_max - x_min) or 1)

    def py(value: float) -> float:
        return top + plot_h * (1 - value / y_max)

    parts = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#333"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#333"/>',
        f'<text x="{left + plot_w / 2}" y="{height - 10}" text-anchor="middle">{escape(x_label)}</text>',
        f'<text x="14" y="{top + plot_h / 2}" transform="rotate(-90 14 {top + plot_h / 2})" '
        f'text-anchor="middle">{escape(y_label)}</text>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{y_max:,.0f}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end">0</text>',
        f'<text x="{left}" y="{top + plot_h + 15}" text-anchor="middle">{x_min:g}</text>',
        f'<text x="{left + plot_w}" y="{top + plot_h + 15}" text-anchor="middle">{x_max:g}</text>',
    ]
    for i, (name, values) in enumerate(series.items()):
        colour = PALETTE[i % len(PALETTE)]
        points = " ".join(f"{px(a):.1f},{py(b):.1f}" for a, b in zip(x, values, strict=True))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts.append(f'<rect x="{left + 10}" y="{top + 8 + 16 * i}" width="12" height="3" fill="{colour}"/>')
        parts.append(f'<text x="{left + 28}" y="{top + 13 + 16 * i}">{escape(name)}</text>')
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/>'
        f'<text x="10" y="18" font-size="14" font-weight="bold">{escape(title)}</text>{"".join(parts)}</svg>'
    )
    return _as_markdown(svg, title)
