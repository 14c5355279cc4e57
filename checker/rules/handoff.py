"""The hand-off gate (config ``handoff``): work may claim a plan only once it is handed off,
by its status and, when asked, by its latest reviews."""

from __future__ import annotations

from checker.rules.config import Handoff
from checker.rules.plan import Plan


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
