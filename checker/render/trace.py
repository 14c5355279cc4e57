"""``planscope trace`` as text: a commit per line, its paths with the sections of the slice
that allow them (or what the check said of them), and the assumptions they rest on. Every
text a commit or a plan carries is shown escaped (``display``)."""

from __future__ import annotations

from collections.abc import Sequence

from checker.history.trace import CommitTrace
from checker.render.text import display


def lines(traces: Sequence[CommitTrace]) -> list[str]:
    out = []
    for t in traces:
        said = f" ({t.source})" if t.source else ""
        out.append(f"{t.commit[:9]} {display(t.subject)}  [{display(t.claim)}{display(said)}]"
                   if t.commit else f"[{display(t.claim)}]")
        for p in t.paths:
            several = "+" in t.claim  # a claim of several slices: say which one it was
            which = f" of {p.slice.partition('#')[2]}" if several and p.slice else ""
            where = f" ({', '.join(p.sections)}{which})" if p.sections else ""
            at = f":{p.line}" if p.line is not None else ""
            moved = f", now {display(p.now)}" if p.now else ""
            why = f": {display(p.reason)}" if p.reason else ""
            out.append(f"    {display(p.path)}{at}{where}{why}{moved}")
            for a in p.assumptions:
                out.append(f"        assumption {a.id or '(no id)'}: {display(a.text)}  "
                           f"[{a.why}]")
                out += [f"          found wrong by {display(r)}" for r in a.reviews]
    return out
