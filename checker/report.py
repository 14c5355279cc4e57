"""Results → text a person can act on, or one JSON object (DESIGN §5)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from checker.check import UnitResult
from checker.scope import Touched


def display(path: str) -> str:
    """A path safe to print: undecodable bytes and control characters shown escaped."""
    raw = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in raw)


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
    }


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def to_json(results: Sequence[UnitResult], exit_code: int, per_commit: bool) -> str:
    """One object. A per-commit check (a range without --plan) adds ``commits``, one object
    each, and sums the DESIGN §5 keys up over them: the top-level shape is the same always."""
    units = [unit_json(r) for r in results]
    if not per_commit:
        (doc,) = units
        return json.dumps(doc)
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
        "exit_code": exit_code,
        "commits": units,
    }
    return json.dumps(doc)


def unit_text(r: UnitResult) -> list[str]:
    """The report lines of one unit (its error, if any, is printed apart)."""
    head = r.unit.label
    claim = r.claim
    if claim is None or claim.plan is None or r.scope is None:
        if r.error:
            return []
        return [f"planscope: ok: {head}" + (f": {r.notes[0]}" if r.notes else ""),
                *(f"  {n}" for n in r.notes[1:])]
    s = r.scope
    status = "ok" if r.ok else "FAIL"
    lines = [f"planscope: {status}: {head} against {claim.ref} (from {claim.source}): "
             f"{len(s.in_scope)} in scope, {len(s.drift)} drift, {len(s.forbidden)} forbidden"]
    for t in s.forbidden:
        lines.append(f"  forbidden  {display(t.path)} ({t.status})")
    for t in s.drift:
        v = r.verdicts.get(t.path)
        judged = f" -> {v.verdict} ({v.confidence:.2f}): {v.reason}" if v else ""
        lines.append(f"  drift      {display(t.path)} ({t.status}){judged}")
    for p in s.untouched:
        lines.append(f"  untouched  {display(p)}")
    ver = r.verification
    if ver is not None:
        how = "cached verdicts" if ver.cached else f"{ver.calls} call, {ver.elapsed_s:.1f}s"
        lines.append(f"  verified   by {ver.provider} {ver.model} ({how})")
    lines += [f"  {n}" for n in r.notes]
    blocking = [t for t in s.drift if r.verdicts.get(t.path) is None
                or r.verdicts[t.path].verdict != "incidental"]
    if s.forbidden:
        lines.append(f"  -> forbidden paths never pass: take them out of this change "
                     f"({claim.plan.path} forbids them)")
    if blocking and not r.ok:
        slice_ids = "+".join(x.id for x in claim.slices)
        lines.append(
            f"  -> {len(blocking)} path(s) outside slice '{slice_ids}': add them to the slice in "
            f"{claim.plan.path} (files or allow), move them to a commit of their own, or, if that "
            f"commit needs no plan, give it the trailer 'Plan: none'"
        )
    return lines


def to_text(results: Sequence[UnitResult]) -> tuple[str, str]:
    """(report for stdout, error lines for stderr)."""
    if not results:
        return "planscope: ok: no commits to check", ""
    out = [line for r in results for line in unit_text(r)]
    err = [f"planscope: error: {line}" for r in results if r.error for line in r.error.splitlines()]
    return "\n".join(out), "\n".join(err)
