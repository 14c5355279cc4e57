"""``planscope plan-review`` results as text or one JSON object."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from checker import errors
from checker.errors import Outcome
from checker.model import reply as mreply
from checker.model.readiness import DISAGREE, READY, UNAVAILABLE, Opinion, describe
from checker.render.text import display, plural
from checker.rules.config import Reviewer

if TYPE_CHECKING:
    from checker.model.readiness import Result


def headline(out: Result) -> str:
    head = f"{out.plan.path}: plan review:"
    if out.lint:
        return (f"{head} NOT READY: the plan disagrees with the repository at HEAD "
                f"(planscope validate --against HEAD); no reviewer was asked")
    if out.verdict == UNAVAILABLE:
        return f"{head} COULD NOT RUN: {', '.join(out.failed)} gave no answer"
    if not out.opinions:
        return f"{head} NOT READY: no reviewer could run"
    spread = out.spread or 0.0
    if out.verdict == READY:
        why = f"every reviewer finds it ready, confidence >= ready_at {out.ready_at:.2f}"
    elif out.verdict == DISAGREE:
        why = (f"confidence spread {spread:.2f} >= disagree_at {out.disagree_at:.2f}; "
               f"ready_at {out.ready_at:.2f}")
    elif not any(o.finds_ready(out.ready_at) for o in out.opinions.values()):
        why = f"no reviewer finds it ready (ready_at {out.ready_at:.2f})"
    else:
        why = (f"reviewers split, confidence spread {spread:.2f} < disagree_at "
               f"{out.disagree_at:.2f}; ready_at {out.ready_at:.2f}")
    return f"{head} {out.verdict.upper()} ({why})"


def table(out: Result) -> list[str]:
    """The reviewers side by side, one column each."""
    cols = list(out.reviewers)
    rows: list[tuple[str, list[str]]] = [("", [r.name for r in cols])]
    if any(describe(r) != r.name for r in cols):
        rows.append(("model", [describe(r) for r in cols]))
    if any(r.focus.strip() for r in cols):
        rows.append(("focus", [_short(r.focus) or "-" for r in cols]))

    def cell(r: Reviewer, f: Any) -> str:
        o = out.opinions.get(r.name)
        return "-" if o is None else str(f(o))

    rows += [
        ("confidence", [cell(r, lambda o: f"{o.confidence:.2f}") for r in cols]),
        ("ready", [cell(r, lambda o: "yes" if o.ready else "no") for r in cols]),
        ("gaps", [cell(r, lambda o: len(o.gaps)) for r in cols]),
        ("wrong assumptions", [cell(r, lambda o: len(o.wrong_assumptions)) for r in cols]),
        *([("blockers", [cell(r, lambda o: len(o.blockers)) for r in cols])]
          if any(o.blockers for o in out.opinions.values()) else []),
        ("answer", ["could not run" if r.name in out.failed else
                    cell(r, lambda o: "cached" if o.answer.cached else "asked") for r in cols]),
    ]
    first = max(len(label) for label, _ in rows)
    widths = [max(len(row[1][i]) for row in rows) for i in range(len(cols))]
    lines = []
    for label, cells in rows:
        text = "  " + label.ljust(first) + "".join(
            "   " + c.ljust(w) for c, w in zip(cells, widths, strict=True))
        lines.append(text.rstrip())
    return lines


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 24 else text[:23] + "…"


def as_text(out: Result) -> Outcome:
    lines = [headline(out)]
    if out.lint:
        lines += [f"  {display(f)}" for f in out.lint]
        return Outcome(out.exit_code, errors.text(lines))
    lines += table(out)
    for r in out.reviewers:
        o = out.opinions.get(r.name)
        if o is None:
            continue
        if out.verdict == DISAGREE:
            gaps, wrong = out.only[r.name]
            lines.append(f"  only {r.name} raised:")
            if not gaps and not wrong:
                lines.append("    (nothing the others did not)")
        else:
            gaps, wrong = o.gaps, o.wrong_assumptions
            if gaps or wrong or o.blockers:
                lines.append(f"  {r.name} raised:")
        lines += [f"    blocker: {b}" for b in o.blockers]  # shown always: they gate
        lines += [f"    gap: {g}" for g in gaps]
        lines += [f"    wrong assumption: {w}" for w in wrong]
    lines += [f"  {n}" for n in out.notes]
    if out.recorded:
        lines.append(f"  recorded {plural(out.recorded_count, 'review')} in {out.plan.path}")
    err = "".join(errors.error_text(f"reviewer {name} could not run: {why}")
                  for name, why in out.failed.items() if out.verdict == UNAVAILABLE)
    return Outcome(out.exit_code, errors.text(lines), err)


def as_json(out: Result) -> Outcome:
    reviewers = []
    for r in out.reviewers:
        o = out.opinions.get(r.name)
        only = out.only.get(r.name, ((), ()))
        reviewers.append({
            "name": r.name,
            "provider": r.provider,
            "model": describe(r),
            "focus": r.focus or None,
            "confidence": o.confidence if o else None,
            "ready": o.ready if o else None,
            "gaps": list(o.gaps) if o else [],
            "wrong_assumptions": list(o.wrong_assumptions) if o else [],
            "blockers": list(o.blockers) if o else [],
            "only_raised": {"gaps": list(only[0]), "wrong_assumptions": list(only[1])},
            "cached": o.answer.cached if o else None,
            "calls": o.answer.calls if o else 0,
            "elapsed_s": round(o.answer.elapsed_s, 3) if o else None,
            "error": out.failed.get(r.name),
        })
    return Outcome(out.exit_code, json.dumps({
        "ok": out.exit_code == errors.OK,
        "exit_code": out.exit_code,
        "plan": out.plan.path,
        "verdict": out.verdict,
        "ready_at": out.ready_at,
        "disagree_at": out.disagree_at,
        "spread": None if out.spread is None else round(out.spread, 4),
        "lint": out.lint,
        "reviewers": reviewers,
        "recorded": out.recorded,
        "notes": out.notes,
    }) + "\n")


def note_line(o: Opinion) -> str:
    """One line for the plan's ``reviews:`` list."""
    first = (o.blockers or o.wrong_assumptions or o.gaps or ("",))[0]
    text = (f"{'ready' if o.ready else 'not ready'}; {plural(len(o.gaps), 'gap')}, "
            f"{plural(len(o.wrong_assumptions), 'wrong assumption')}"
            + (f", {plural(len(o.blockers), 'blocker')}" if o.blockers else "")
            + (f"; first: {first}" if first else ""))
    return mreply.clean_reason(text)
