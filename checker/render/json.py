"""Check results as one JSON object (DESIGN §5)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from checker.judge.pipeline import UnitResult
from checker.judge.pull_request import BranchResult, result_word
from checker.rules.scope import Touched


def _paths(items: Sequence[Touched]) -> list[str]:
    return [t.path for t in items]


def unit_json(r: UnitResult) -> dict[str, Any]:
    s = r.scope
    claim = r.claim
    ver = r.verification
    return {
        "ok": r.ok,
        "plan": claim.plan.path if claim and claim.plan else None,
        "slice": "+".join(x.id for x in claim.slices) if claim and claim.slices else None,
        "changed": _paths(s.changed) if s else [p for c in r.unit.changes for p in c.paths],
        "in_scope": _paths(s.in_scope) if s else [],
        "drift": [
            {
                "path": t.path,
                "status": t.status,
                "verdict": r.verdicts[t.path].verdict if t.path in r.verdicts else None,
                "reason": r.verdicts[t.path].reason if t.path in r.verdicts else None,
                "confidence": r.verdicts[t.path].confidence if t.path in r.verdicts else None,
            }
            for t in (s.drift if s else ())
        ],
        "forbidden": _paths(s.forbidden) if s else [],
        "forbidden_rules": dict(r.forbid_rules),
        "untouched": list(s.untouched) if s else [],
        "verification": None if ver is None else {
            "provider": ver.provider,
            "model": ver.model,
            "cached": ver.cached,
            "calls": ver.calls,
            "elapsed_s": round(ver.elapsed_s, 3),
            "input_tokens": ver.input_tokens,
            "output_tokens": ver.output_tokens,
        },
        "commit": r.unit.sha,
        "claimed_by": claim.source if claim else None,
        "exit_code": r.exit_code,
        "error": r.error,
        "notes": r.notes,
        "rules_change": None if r.rules_change is None else list(r.rules_change.said),
    }


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def to_json(results: Sequence[UnitResult], exit_code: int, per_commit: bool) -> str:
    """One object (see ``document``)."""
    return json.dumps(document(results, exit_code, per_commit))


def document(results: Sequence[UnitResult], exit_code: int, per_commit: bool) -> dict[str, Any]:
    """A per-commit check (a range without --plan) adds ``commits``, one object each, and sums
    the DESIGN §5 keys up over them: the top-level shape is the same always."""
    units = [unit_json(r) for r in results]
    if not per_commit:
        (doc,) = units
        return doc
    touched = {p for u in units for p in u["changed"]}
    plans = {u["plan"] for u in units}
    claims = {(u["plan"], u["slice"]) for u in units}
    calls = [u["verification"] for u in units if u["verification"]]
    doc = {
        "ok": exit_code == 0,
        "plan": plans.pop() if len(plans) == 1 else None,  # None when commits differ
        "slice": claims.pop()[1] if len(claims) == 1 else None,
        "changed": _dedupe([p for u in units for p in u["changed"]]),
        "in_scope": _dedupe([p for u in units for p in u["in_scope"]]),
        "drift": [dict(d, commit=u["commit"]) for u in units for d in u["drift"]],
        "forbidden": _dedupe([p for u in units for p in u["forbidden"]]),
        "untouched": _dedupe([p for u in units for p in u["untouched"] if p not in touched]),
        "verification": None if not calls else {
            "provider": calls[0]["provider"],
            "model": calls[0]["model"],
            "cached": all(c["cached"] for c in calls),
            "calls": sum(c["calls"] for c in calls),
            "elapsed_s": round(sum(c["elapsed_s"] for c in calls), 3),
            "input_tokens": sum(c["input_tokens"] for c in calls),
            "output_tokens": sum(c["output_tokens"] for c in calls),
        },
        "forbidden_rules": {k: v for u in units for k, v in u["forbidden_rules"].items()},
        "exit_code": exit_code,
        "commits": units,
    }
    return doc


def branch_json(out: BranchResult) -> str:
    """``check --base``: the pull request decision as one object, with its ``result`` word."""
    per_commit = out.opts.plan_ref is None
    doc = document(out.results, out.code, per_commit) if out.results or per_commit else {}
    return json.dumps({**doc, "ok": out.code == 0, "exit_code": out.code,
                       "result": result_word(out), "base": out.base,
                       "merge_base": out.merge_base, "head": out.head,
                       "adopting": out.adopting,
                       "plan_changes": [{"plan": c.plan, "claims": list(c.claims),
                                         "blocking": c.blocking} for c in out.plan_changes],
                       "new_plans": list(out.new_plans)})
