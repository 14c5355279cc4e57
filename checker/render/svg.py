"""Charts as plain SVG text (no library, no script): horizontal bars and a line over
weeks. Every label is escaped; the numbers are drawn, so the chart reads without colour."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

ROW = 22  # height of one bar's row
LABEL = 260  # width of the label column
BAR = 360  # width of a full bar


def bars(title: str, items: Sequence[tuple[str, float, str]], unit: str = "%") -> str:
    """One bar per (label, value, hover text); values are shares in [0, 1] for ``%``."""
    height = ROW * len(items) + 30
    top = max([v for _, v, _ in items] + [1e-9]) if unit != "%" else 1.0
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{LABEL + BAR + 80}" '
           f'height="{height}" aria-label="{escape(title, {chr(34): "&quot;"})}">',
           f'<text x="0" y="14" class="title">{escape(title)}</text>']
    for i, (label, value, hover) in enumerate(items):
        y = 24 + i * ROW
        width = round(BAR * (value / top if top else 0), 1)
        shown = f"{value:.1%}" if unit == "%" else f"{value:g}"
        out += [f'<text x="{LABEL - 6}" y="{y + 14}" text-anchor="end">{escape(label[:40])}'
                f'</text>',
                f'<rect class="bar" x="{LABEL}" y="{y + 2}" width="{width}" height="{ROW - 6}">'
                f'<title>{escape(hover)}</title></rect>',
                f'<text x="{LABEL + width + 6}" y="{y + 14}">{shown}</text>']
    out.append("</svg>")
    return "".join(out)


def line(title: str, points: Sequence[tuple[str, float]]) -> str:
    """A share (0..1) per week as a polyline with a dot and label per point."""
    width, height, pad = 640, 220, 40
    n = max(len(points) - 1, 1)
    xy = [(pad + (width - 2 * pad) * i / n, height - pad - (height - 2 * pad) * v)
          for i, (_, v) in enumerate(points)]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
           f'height="{height}" aria-label="{escape(title, {chr(34): "&quot;"})}">',
           f'<text x="0" y="14" class="title">{escape(title)}</text>',
           f'<line class="axis" x1="{pad}" y1="{height - pad}" x2="{width - pad}" '
           f'y2="{height - pad}"/>']
    if len(xy) > 1:
        out.append('<polyline class="trend" fill="none" points="'
                   + " ".join(f"{x:.1f},{y:.1f}" for x, y in xy) + '"/>')
    for (label, v), (x, y) in zip(points, xy, strict=True):
        out += [f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3">'
                f'<title>{escape(label)}: {v:.1%}</title></circle>',
                f'<text x="{x:.1f}" y="{height - pad + 16}" text-anchor="middle" '
                f'class="tick">{escape(label[2:4] + "-" + label[-3:] if len(label) > 4 else label)}'
                f'</text>']
    out.append("</svg>")
    return "".join(out)
