"""``planscope explain`` as text (one line per path: its class, the deciding pattern and
where it is written) or as one JSON object."""

from __future__ import annotations

import json

from checker.judge import explain as explaining
from checker.judge.explain import Explained, Explanation
from checker.render.text import display

_WORDS = {explaining.FORBIDDEN: "forbidden", explaining.IN_SCOPE: "in scope",
          explaining.DRIFT: "drift", explaining.EXEMPT: "exempt",
          explaining.UNCLAIMED: "unclaimed"}


def _line(e: Explained, against: str) -> str:
    head = f"{_WORDS[e.verdict]:<10} {display(e.path)}"
    if e.rule is not None:
        return f"{head}: '{display(e.rule.pattern)}' at {e.rule.where} ({e.rule.list})"
    if e.verdict == explaining.DRIFT:
        return f"{head}: no pattern of {against} or always_allow matches it"
    return f"{head}: no slice claims it and no exempt.paths pattern matches it"


def as_text(result: Explanation) -> str:
    claim = result.claim
    if claim is not None and claim.plan is not None:
        against = f"slice '{'+'.join(s.id for s in claim.slices)}'"
        head = f"planscope: explain against {claim.ref} (from {claim.source})"
    else:
        against = "the slice"
        head = ("planscope: explain with no slice claimed ('Plan: none')" if claim is not None
                else "planscope: explain with no slice claimed: pass --plan PLAN#SLICE")
    return "\n".join([head, *(_line(e, against) for e in result.paths)]) + "\n"


def as_json(result: Explanation) -> str:
    claim = result.claim
    doc = {
        "plan": claim.plan.path if claim and claim.plan else None,
        "slice": "+".join(s.id for s in claim.slices) if claim and claim.slices else None,
        "claimed_by": claim.source if claim else None,
        "exit_code": result.exit_code,
        "paths": [{"path": e.path, "verdict": e.verdict,
                   "pattern": e.rule.pattern if e.rule else None,
                   "where": e.rule.where if e.rule else None,
                   "list": e.rule.list if e.rule else None} for e in result.paths],
    }
    return json.dumps(doc, indent=2) + "\n"
