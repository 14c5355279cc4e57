"""``planscope status`` as text (a line per plan, or a plan's slices in detail) or as one
JSON object."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from checker.history.status import SliceStatus
from checker.render.text import display
from checker.rules.plan import Plan


def to_json(plan: Plan, statuses: Sequence[SliceStatus]) -> dict[str, Any]:
    return {
        "plan": plan.path,
        "id": plan.id,
        "title": plan.title,
        "status": plan.status,
        "slices": [
            {
                "id": st.slice.id,
                "title": st.slice.title,
                "status": st.slice.status,
                "state": st.state,
                "landed": list(st.landed),
                "depends_on": list(st.slice.depends_on),
                "commits": [{"sha": c.sha, "subject": c.subject} for c in st.commits],
                "touched": list(st.touched),
                "untouched": list(st.untouched),
                "drift": list(st.drift),
                "incidental": [{"path": p, "reason": why} for p, why in st.incidental],
                "forbidden": list(st.forbidden),
                "gaps": [{"text": g.text, "by": g.by, "time": g.time, "status": g.status}
                         for g in st.slice.gaps],
            }
            for st in statuses
        ],
    }


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def summary_line(plan: Plan, statuses: Sequence[SliceStatus]) -> str:
    """One line for the plan; a commit that claims several slices counts once, and so does
    a path several slices drifted or touched."""
    planned = sum(len(st.planned) for st in statuses)
    touched = sum(len(st.touched) for st in statuses)
    commits = len({c.sha for st in statuses for c in st.commits})
    drift = len({p for st in statuses for p in st.drift})
    forbidden = len({p for st in statuses for p in st.forbidden})
    return (
        f"{plan.path}  {plan.id}  {plan.status}  {_n(len(plan.slices), 'slice')}  "
        f"{_n(commits, 'commit')}  {touched}/{planned} planned files touched  {drift} drift  "
        f"{forbidden} forbidden"
    )


def detail_lines(plan: Plan, statuses: Sequence[SliceStatus], base: str | None = None
                 ) -> list[str]:
    lines = [f"{display(plan.path)} ({plan.id}): {display(plan.title)} [{plan.status}]"]
    width = max(len(st.slice.id) for st in statuses)
    for st in statuses:
        after = f"  after {', '.join(st.slice.depends_on)}" if st.slice.depends_on else ""
        lines.append(
            f"  {st.slice.id:<{width}}  {st.slice.status:<11}  {st.state:<11}  "
            f"{_n(len(st.commits), 'commit')}  "
            f"{len(st.touched)}/{len(st.planned)} planned files touched{after}"
        )
        lines += [f"      done       {display(p)}" for p in st.touched]
        lines += [f"      untouched  {display(p)}" for p in st.untouched]
        lines += [f"      drift      {display(p)}" for p in st.drift]
        lines += [f"      incidental {display(p)}: {display(why)}" for p, why in st.incidental]
        lines += [f"      forbidden  {display(p)}" for p in st.forbidden]
        lines += [f"      open gap   {display(g.text)} ({display(g.by)}, {g.time})"
                  for g in st.slice.open_gaps]
        lines += [f"      commit     {c.short} {display(c.subject)}" for c in st.commits]
        if st.landed:
            lines.append(f"      landed     {_n(len(st.landed), 'commit')} on "
                         f"{display(base or 'the default branch')}"
                         + ("" if st.slice.status == "done" else
                            " (planscope status --write records it as done)"))
    return lines
