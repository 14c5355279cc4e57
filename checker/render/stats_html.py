"""``planscope stats --html FILE``: one self-contained page (no script, no network): the
drift rate per week, per executor and per plan as inline SVG, a table per plan with its
slices, and the paths that drifted most often."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from checker.history.stats import Row
from checker.render import svg
from checker.render.svg import escape

STYLE = """body{font:14px system-ui,sans-serif;margin:2em;max-width:60em;color:#222}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em}
table{border-collapse:collapse}td,th{padding:.2em .6em;border-bottom:1px solid #ddd;
text-align:right}td:first-child,th:first-child{text-align:left}
svg text{font:12px system-ui,sans-serif;fill:#222}svg .title{font-weight:600}
.bar{fill:#c0504d}.trend{stroke:#c0504d;stroke-width:2}.point{fill:#c0504d}
.axis{stroke:#999}.grid{stroke:#eee}svg .tick{fill:#555}svg .axis-title{fill:#555}
figure{margin:0 0 1em}figcaption{color:#555;font-size:.9em}details{margin:.3em 0}"""


def _rate(r: Row) -> float:
    rates = r.rates()
    return rates["drift"] + rates["forbidden"]


def _hover(r: Row) -> str:
    return (f"{r.key}: {r.commits} commits, {r.changed} paths changed, {r.drift} drift, "
            f"{r.forbidden} forbidden, {r.incidental} incidental")


def _table(rows: Sequence[Row], total: Row | None = None) -> str:
    head = ("group", "commits", "changed", "in scope", "drift", "forbidden", "incidental",
            "unclaimed", "plan edits", "refused", "drift rate")
    out = ["<table><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>"]
    for r in [*rows, *([total] if total else [])]:
        cells = (r.key, r.commits, r.changed, r.in_scope, r.drift, r.forbidden, r.incidental,
                 r.unclaimed, r.plan_edits_after_claim, r.guard_refusals,
                 f"{_rate(r):.1%}" if r.claimed else "-")
        out.append("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in cells) + "</tr>")
    out.append("</table>")
    return "".join(out)


def monday(key: str) -> datetime.date | None:
    """``2026-W48`` → the Monday of that week; None for a key that is not a week."""
    try:
        year, number = key.split("-W")
        return datetime.date.fromisocalendar(int(year), int(number), 1)
    except ValueError:
        return None


def _figure(chart: str, caption: str, rows: Sequence[tuple[str, str]], what: str) -> str:
    """A chart with its caption, and its numbers as a table for those who cannot see it."""
    table = ("<table><tr><th>" + escape(what) + "</th><th>drift rate</th></tr>"
             + "".join(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in rows)
             + "</table>")
    return (f"<figure>{chart}<figcaption>{escape(caption)}</figcaption>"
            f"<details><summary>The numbers in this chart</summary>{table}</details></figure>")


def page(title: str, weeks: Sequence[Row], by_executor: Sequence[Row],
         by_plan: Sequence[Row], by_slice: Sequence[Row], total: Row,
         top: Sequence[tuple[str, int]]) -> str:
    """The report as one HTML document (well-formed XML too)."""
    dated = [(day, r.key, _rate(r)) for r in weeks if r.claimed
             and (day := monday(r.key)) is not None]
    executors = [r for r in by_executor if r.claimed]
    plans = [r for r in by_plan if r.claimed]
    share = "drift and forbidden paths, share of the claimed paths"
    sections = [
        f"<h1>{escape(title)}</h1>",
        f"<p>{total.commits} commits, {total.changed} paths changed: {total.in_scope} in "
        f"scope, {total.drift} drift, {total.forbidden} forbidden, {total.incidental} judged "
        f"incidental; {total.unclaimed} commits with no claim; {total.plan_edits_after_claim} "
        f"plan edits after the plan's first claimed commit; {total.guard_refusals} edits "
        f"refused by the guard.</p>",
        "<h2>Drift rate per week</h2>",
        _figure(svg.line("week", f"Drift rate per week: {share}", dated,
                         "week (placed by date: a gap is a week with no claimed commit)",
                         "drift rate"),
                f"Each point is an ISO week with claimed commits; {share}.",
                [(k, f"{v:.1%}") for _, k, v in dated], "week"),
        "<h2>Drift rate per executor</h2>",
        _figure(svg.bars("executor", f"Drift rate per executor: {share}",
                         [(r.key, _rate(r), _hover(r)) for r in executors]),
                f"One bar per executor (the agent or person the commits name); {share}.",
                [(r.key, f"{_rate(r):.1%}") for r in executors], "executor"),
        "<h2>Drift rate per plan</h2>",
        _figure(svg.bars("plan", f"Drift rate per plan: {share}",
                         [(r.key, _rate(r), _hover(r)) for r in plans]),
                f"One bar per plan; {share}.",
                [(r.key, f"{_rate(r):.1%}") for r in plans], "plan"),
        "<h2>Plans and their slices</h2>",
        _table(by_slice, total),
        "<h2>Paths that drifted most often</h2>",
        "<table><tr><th>path</th><th>commits</th></tr>"
        + "".join(f"<tr><td>{escape(p)}</td><td>{n}</td></tr>" for p, n in top)
        + "</table>" if top else "<p>No path drifted.</p>",
    ]
    return ("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">"
            f"<head><meta charset=\"utf-8\"/><title>{escape(title)}</title>"
            f"<style>{STYLE}</style></head><body>" + "".join(sections) + "</body></html>\n")
