"""The hand-off gate (config ``handoff``): work may claim a plan only once it is handed off,
by its status and, when asked, by its latest reviews; and a slice not while it relies on an
assumption a reviewer found wrong, or a reviewer's blocking finding stops it, unless a person
signed that off (``signoffs:``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from checker.rules.config import Handoff
from checker.rules.plan import Plan, Review, Slice


def _either(words: tuple[str, ...]) -> str:
    quoted = [f"'{w}'" for w in words]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def _scores(values: list[float]) -> str:
    shown = [f"{v:.2f}" for v in values]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def refusal(plan: Plan, gate: Handoff) -> str | None:
    """Why ``plan`` is not handed off, in one line; None when it is."""
    why = []
    if plan.status not in gate.statuses:
        why.append(f"it is '{plan.status}': the hand-off needs {_either(gate.statuses)}")
    if gate.reviews:
        latest = list(plan.reviews[-gate.reviews:])
        low = [r.confidence for r in latest if r.confidence < gate.min_confidence]
        if len(latest) < gate.reviews:
            why.append(f"it has {len(latest)} review{'s' * (len(latest) != 1)}, the hand-off "
                       f"needs {gate.reviews} at {gate.min_confidence:.2f} or above "
                       f"(planscope plan-review {plan.path} --record)")
        elif low:
            scored = _scores([r.confidence for r in latest])
            each = "each " * (len(latest) > 1)
            why.append(f"reviewer{'s' * (len(latest) != 1)} scored {scored}; the hand-off "
                       f"needs {each}{gate.min_confidence:.2f} or above")
    if not why:
        return None
    return f"{plan.path} is not handed off: {'; '.join(why)}"


def latest(plan: Plan, ids: Callable[[Review], Sequence[str]]) -> dict[str, list[str]]:
    """Id → the reviewers whose latest review names it (the last review of each reviewer and
    model counts: a later one by the same that no longer names it clears it; another model
    under the same name does not)."""
    latest = {(r.reviewer, r.model): r for r in plan.reviews}
    out: dict[str, list[str]] = {}
    for r in latest.values():
        for i in ids(r):
            out.setdefault(i, []).append(r.reviewer)
    return {i: list(dict.fromkeys(who)) for i, who in out.items()}


def wrong_assumptions(plan: Plan) -> dict[str, list[str]]:
    """Assumption id → the reviewers whose latest review found it wrong."""
    return latest(plan, lambda r: r.assumptions)


def signed_off(plan: Plan) -> set[str]:
    return {a for s in plan.signoffs for a in s.overrides}


def unsigned_findings(plan: Plan, slices: Sequence[Slice]) -> dict[str, list[str]]:
    """The wrong assumptions ``slices`` rely on that no sign-off covers, with who found them."""
    wrong, signed = wrong_assumptions(plan), signed_off(plan)
    relied = {a for s in slices for a in s.relies_on}
    return {a: who for a, who in wrong.items() if a in relied and a not in signed}


def unsigned_blocks(plan: Plan, slices: Sequence[Slice]) -> dict[str, list[str]]:
    """Slice id → the reviewers whose latest review has a blocking finding on it, for those
    of ``slices`` no sign-off unblocks."""
    signed = {i for s in plan.signoffs for i in s.unblocks}
    ids = {s.id for s in slices} - signed
    return {i: who for i, who in latest(plan, lambda r: r.blocks).items() if i in ids}


def findings_said(found: dict[str, list[str]], blocked: dict[str, list[str]]) -> str:
    """The unsigned findings, in one phrase."""
    return "; ".join([*(f"assumption '{a}' found wrong by {', '.join(who)}"
                        for a, who in found.items()),
                      *(f"a blocking finding on slice '{i}' by {', '.join(who)}"
                        for i, who in blocked.items())])


def slice_refusal(plan: Plan, s: Slice) -> str | None:
    """Why work may not claim slice ``s`` yet: an assumption it relies on was found wrong,
    or a reviewer's blocking finding stops it."""
    found, blocked = unsigned_findings(plan, [s]), unsigned_blocks(plan, [s])
    if not found and not blocked:
        return None
    return (f"{plan.path}#{s.id} may not start: {findings_said(found, blocked)}: fix the plan "
            f"and review it again, or sign it off: planscope plan-review {plan.path} --record "
            f"--approve --override REASON")
