"""Hand-written SVG charts for the report: labelled bars a marketer reads at a glance.

Each function returns an ``<svg>`` element as text, to be written inline into the page: no
plotting library, no script, nothing fetched. Every bar carries its value printed beside it,
already rounded and with its unit, so the picture needs no axis to be read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

WIDTH = 720
ROW = 24
LABEL_WIDTH = 190
VALUE_WIDTH = 110
TOP = 34
LABEL_CHARS = 30
"""Longer labels are cut to fit left of the bars; the full label shows on hover."""
COLOURS = {"main": "#4c78a8", "stayed": "#4c78a8", "moved_in": "#f58518", "new": "#54a24b"}


def _label(x: float, y: float, name: str) -> str:
    shown = name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1].rstrip() + "\u2026"
    return f'<text x="{x}" y="{y}" text-anchor="end" font-size="11"><title>{escape(name)}</title>{escape(shown)}</text>'


def _frame(height: int, title: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" class="chart" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">'
        f"<title>{escape(title)}</title>"
        f'<text x="4" y="18" font-size="14" font-weight="bold">{escape(title)}</text>{body}</svg>'
    )


def bar_chart(
    labels: Sequence[str], values: Sequence[float | None], *, title: str, label: Callable[[float | None], str]
) -> str:
    """One horizontal bar per label, its value printed (by ``label``) at the end of the bar."""
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    largest = max((v for v in values if v is not None and v > 0), default=1.0)
    rows = []
    for i, (name, value) in enumerate(zip(labels, values, strict=True)):
        y = TOP + i * ROW
        length = span * max(value or 0.0, 0.0) / largest
        rows.append(
            _label(LABEL_WIDTH - 8, y + 16, str(name))
            + f'<rect class="bar" x="{LABEL_WIDTH}" y="{y + 4}" width="{length:.1f}" height="{ROW - 8}" '
            f'fill="{COLOURS["main"]}"/>'
            f'<text class="value" x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 16}">{escape(label(value))}</text>'
        )
    return _frame(TOP + ROW * len(labels) + 8, title, "".join(rows))


def stacked_bar_chart(
    labels: Sequence[str],
    parts: dict[str, Sequence[float]],
    *,
    title: str,
    label: Callable[[float | None], str],
    colours: Sequence[str],
) -> str:
    """One bar per label split into ``parts`` (name -> values), with a legend and each bar's total."""
    totals = [sum(values[i] for values in parts.values()) for i in range(len(labels))]
    largest = max(totals, default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    legend_y = TOP + ROW * len(labels) + 10
    body = []
    for i, name in enumerate(labels):
        y, x = TOP + i * ROW, float(LABEL_WIDTH)
        body.append(_label(LABEL_WIDTH - 8, y + 16, str(name)))
        for (part, values), colour in zip(parts.items(), colours, strict=True):
            length = span * values[i] / largest
            body.append(
                f'<rect class="bar" x="{x:.1f}" y="{y + 4}" width="{length:.1f}" height="{ROW - 8}" fill="{colour}">'
                f"<title>{escape(part)}: {escape(label(values[i]))}</title></rect>"
            )
            x += length
        body.append(f'<text class="value" x="{x + 6:.1f}" y="{y + 16}">{escape(label(totals[i]))}</text>')
    for j, (part, colour) in enumerate(zip(parts, colours, strict=True)):
        x = LABEL_WIDTH + j * 150
        body.append(
            f'<rect x="{x}" y="{legend_y}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 18}" y="{legend_y + 11}">{escape(part)}</text>'
        )
    return _frame(legend_y + 22, title, "".join(body))
