"""``planscope review``: a change's whole diff against its slice (``checker.judge.change_review``
decides), printed as text, JSON or for GitHub; ``--record`` keeps the review in the plan."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from pathlib import Path

from checker import errors
from checker.errors import BadInput, Outcome
from checker.judge.change_review import Result, run, setup


def record(root: Path, result: Result, today: datetime.date | None = None) -> None:
    """``--record``: the model's review appended to the plan's ``reviews:`` (as
    ``plan-review --record`` does: checker.planrecord), its notes saying what was reviewed."""
    from checker.history import planrecord
    from checker.model import reply as mreply

    m, answer = result.model, result.answer
    if m is None or answer is None:
        result.notes.append("nothing recorded: the model gave no review")
        return
    first = next((f.message for f in m.findings), "")
    said = (f"diff review of {result.span.base[:9]}..{result.span.head[:9]}: "
            f"{'matches the plan' if m.matches_plan else 'does not match the plan'}; "
            f"{len(m.findings)} finding{'s' * (len(m.findings) != 1)}"
            + (f"; first: {first}" if first else ""))
    planrecord.record(root, result.plan.path, [{
        "reviewer": answer.model, "confidence": round(m.confidence, 2),
        "at": (today or datetime.date.today()).isoformat(), "notes": mreply.clean_reason(said)}])
    result.notes.append(f"recorded the review in {result.plan.path}")


def review(root: Path, base: str | None, rev_range: str | None, plan_ref: str | None,
           no_cache: bool, fmt: str, env: Mapping[str, str],
           record_it: bool = False) -> Outcome:
    """``planscope review``: exit 0 matches the plan, 1 a blocker or does not match, 2 bad
    input, 3 the model could not be asked (``verify.on_error: fail``)."""
    from checker.render import review as show

    if fmt != "github":
        how = setup(root, base, rev_range, None)
        result = run(root, how.book, how.span, plan_ref, no_cache=no_cache)
        if record_it:
            record(root, result)
        return show.as_json(result) if fmt == "json" else show.as_text(result)
    if record_it:
        raise BadInput("--record writes the plan file of the work tree: not with --format github")
    try:
        how = setup(root, base, rev_range, env)
        result = run(root, how.book, how.span, plan_ref, no_cache=no_cache)
    except errors.PlanscopeError as exc:
        return show.github_error(exc, env)
    return show.as_github(result, env)
