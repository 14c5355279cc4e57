"""Charts as plain SVG text (no library, no script): horizontal bars, and a line over time
placed by date (a gap in time is a gap on the axis). Each chart carries its title and a text
alternative (``<title>``, ``<desc>``) and an axis with values; every label is escaped, and
the numbers are drawn, so the chart reads without colour."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from xml.sax.saxutils import escape as _xml

from checker.render.text import display

ROW = 22  # height of one bar's row
LABEL = 260  # width of the label column
BAR = 360  # width of a full bar
TOPS = (0.04, 0.08, 0.2, 0.4, 1.0)  # the y-axis ends at the first that holds every value


def escape(text: str, entities: dict[str, str] | None = None) -> str:
    """Text for HTML and SVG: control and bidi characters shown escaped, then the markup."""
    return _xml(display(text), entities or {})


def _attr(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def _head(ident: str, title: str, desc: str, width: int, height: int) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" '
            f'aria-labelledby="{_attr(ident)}-t {_attr(ident)}-d">',
            f'<title id="{_attr(ident)}-t">{escape(title)}</title>',
            f'<desc id="{_attr(ident)}-d">{escape(desc)}</desc>',
            f'<text x="0" y="14" class="title">{escape(title)}</text>']


def _pct(value: float) -> str:
    return f"{value:.0%}" if abs(value * 100 - round(value * 100)) < 1e-9 else f"{value:.1%}"


def bars(ident: str, title: str, items: Sequence[tuple[str, float, str]],
         unit: str = "%") -> str:
    """One bar per (label, value, hover text); values are shares in [0, 1] for ``%``, with
    a scale under the bars."""
    height = ROW * len(items) + 52
    top = max([v for _, v, _ in items] + [1e-9]) if unit != "%" else 1.0
    shown = [f"{v:.1%}" if unit == "%" else f"{v:g}" for _, v, _ in items]
    desc = "; ".join(f"{label}: {s}" for (label, _, _), s in zip(items, shown, strict=True))
    out = _head(ident, title, desc or "no data", LABEL + BAR + 80, height)
    bottom = 24 + ROW * len(items)
    for i in range(5):
        x = LABEL + BAR * i / 4
        value = top * i / 4
        out += [f'<line class="grid" x1="{x:.1f}" y1="22" x2="{x:.1f}" y2="{bottom}"/>',
                f'<text x="{x:.1f}" y="{bottom + 14}" text-anchor="middle" class="tick">'
                f'{_pct(value) if unit == "%" else f"{value:g}"}</text>']
    for i, ((label, value, hover), said) in enumerate(zip(items, shown, strict=True)):
        y = 24 + i * ROW
        width = round(BAR * (value / top if top else 0), 1)
        out += [f'<text x="{LABEL - 6}" y="{y + 14}" text-anchor="end">{escape(label[:40])}'
                f'</text>',
                f'<rect class="bar" x="{LABEL}" y="{y + 2}" width="{width}" height="{ROW - 6}">'
                f'<title>{escape(hover)}</title></rect>',
                f'<text x="{LABEL + width + 6}" y="{y + 14}">{said}</text>']
    out.append("</svg>")
    return "".join(out)


def line(ident: str, title: str, points: Sequence[tuple[datetime.date, str, float]],
         x_title: str, y_title: str) -> str:
    """A share (0..1) per date as a polyline, each point placed by its date, with a dot and
    its label (as many along the x-axis as fit without overlapping); a y-axis with values."""
    width, height = 640, 250
    left, right, top_pad, bottom_pad = 64, 48, 30, 52
    inner_w, inner_h = width - left - right, height - top_pad - bottom_pad
    top = next((t for t in TOPS if all(v <= t + 1e-12 for _, _, v in points)), 1.0)
    first = points[0][0] if points else datetime.date.today()
    span = max((points[-1][0] - first).days, 1) if points else 1

    def x_of(day: datetime.date) -> float:
        return left + (inner_w * (day - first).days / span if len(points) > 1 else inner_w / 2)

    def y_of(value: float) -> float:
        return top_pad + inner_h * (1 - min(value, top) / top)

    desc = "; ".join(f"{label}: {v:.1%}" for _, label, v in points)
    out = _head(ident, title, desc or "no data", width, height)
    for i in range(5):
        value = top * i / 4
        y = y_of(value)
        out += [f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{width - right}" '
                f'y2="{y:.1f}"/>',
                f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">'
                f'{_pct(value)}</text>']
    out += [f'<line class="axis" x1="{left}" y1="{top_pad + inner_h}" x2="{width - right}" '
            f'y2="{top_pad + inner_h}"/>',
            f'<line class="axis" x1="{left}" y1="{top_pad}" x2="{left}" '
            f'y2="{top_pad + inner_h}"/>',
            f'<text x="{left + inner_w / 2:.1f}" y="{height - 6}" text-anchor="middle" '
            f'class="axis-title">{escape(x_title)}</text>',
            f'<text x="12" y="{top_pad + inner_h / 2:.1f}" text-anchor="middle" '
            f'class="axis-title" transform="rotate(-90 12 {top_pad + inner_h / 2:.1f})">'
            f'{escape(y_title)}</text>']
    xy = [(x_of(day), y_of(v)) for day, _, v in points]
    if len(xy) > 1:
        out.append('<polyline class="trend" fill="none" points="'
                   + " ".join(f"{x:.1f},{y:.1f}" for x, y in xy) + '"/>')
    labelled = -1e9  # where the last label along the x-axis went: they never overlap
    for (_, label, v), (x, y) in zip(points, xy, strict=True):
        out.append(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3.5">'
                   f'<title>{escape(label)}: {v:.1%}</title></circle>')
        if x - labelled >= 7.5 * len(label) + 8:
            labelled = x
            out.append(f'<text x="{x:.1f}" y="{top_pad + inner_h + 16}" text-anchor="middle" '
                       f'class="tick">{escape(label)}</text>')
    out.append("</svg>")
    return "".join(out)
