"""``planscope plan-review``: the readiness verdict (``checker.model.readiness``) printed;
``--record`` keeps the reviews in the plan and ``--approve`` may set its status."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from checker import errors
from checker.errors import Outcome
from checker.git import repository
from checker.history import planrecord
from checker.model.readiness import (
    Result,
    blocked_ids,
    describe,
    parse_reviewer,
    run,
    wrong_ids,
)
from checker.render.plan_review import note_line
from checker.rules import handoff
from checker.rules import plan as plan_mod
from checker.rules.config import Config


def _same(entry: dict[str, Any], review: plan_mod.Review) -> bool:
    """Whether ``entry`` says what ``review`` (recorded earlier) says, word for word."""
    return (entry["confidence"], entry["at"], entry["notes"], entry.get("focus", ""),
            tuple(entry.get("assumptions", ())), tuple(entry.get("blocks", ()))) == (
        review.confidence, review.at, review.notes, review.focus, review.assumptions,
        review.blocks)


def record(root: Path, out: Result, today: datetime.date | None = None) -> None:
    """Append the reviewers' answers to the plan's ``reviews:`` (see checker.planrecord); a
    cached answer already recorded that day, word for word, is not recorded again (a
    ``--override`` after a refused ``--approve`` asks the same reviewers again)."""

    at = (today or datetime.date.today()).isoformat()
    entries = [{"reviewer": o.reviewer.name, "confidence": round(o.confidence, 2), "at": at,
                "notes": note_line(o)} for o in out.opinions.values()]
    for entry, o in zip(entries, out.opinions.values(), strict=True):
        named = wrong_ids(out.plan, o.wrong_assumptions)
        if named:
            entry["assumptions"] = named
        if stopped := blocked_ids(out.plan, o.blockers):
            entry["blocks"] = stopped
        if o.reviewer.focus.strip():
            entry["focus"] = o.reviewer.focus.strip()[:200]
        entry["model"] = f"{o.reviewer.provider}:{describe(o.reviewer)}"[:200]
    latest = {(r.reviewer, r.model): r for r in out.plan.reviews}
    entries = [e for e, o in zip(entries, out.opinions.values(), strict=True)
               if not (o.answer.cached and (prior := latest.get((str(e["reviewer"]),
                                                                 str(e["model"]))))
                       and _same(e, prior))]
    if len(entries) < len(out.opinions):
        out.notes.append("the same cached answers are recorded already; not recorded again")
    out.recorded, out.recorded_count = bool(entries), len(entries)
    if entries:
        planrecord.record(root, out.plan.path, entries)


def approve(root: Path, config: Config, out: Result, override: str | None = None) -> None:
    """``--approve``: a plan in draft or review becomes approved when every reviewer scored
    at least the hand-off's ``min_confidence`` and no wrong assumption a slice relies on is
    left unsigned; with ``--override REASON`` a person signs those findings off and approves
    whatever the scores (``signoffs:``, apart from the reviews). A note says what was done."""
    bar = config.handoff.min_confidence
    scores = [o.confidence for o in out.opinions.values()]
    plan = plan_mod.load(root, out.plan.path)  # with the reviews just recorded
    found = handoff.unsigned_findings(plan, plan.slices)
    blocked = handoff.unsigned_blocks(plan, plan.slices)
    movable = out.plan.status in ("draft", "review")
    if override is not None and (found or blocked or movable):
        who = repository.identity(root)
        now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        reason = " ".join(override.split())
        entry: dict[str, object] = {"by": who, "time": now, "reason": reason}
        if found:
            entry["overrides"] = sorted(found)
        if blocked:
            entry["unblocks"] = sorted(blocked)
        planrecord.record(root, plan.path, [entry], key="signoffs")
        signed = "".join([f"; signed off {', '.join(sorted(found))}" if found else "",
                          f"; unblocked {', '.join(sorted(blocked))}" if blocked else ""])
        if movable:
            planrecord.set_status(root, plan.path, "approved")
        said = "status set to approved" if movable else f"status stays '{out.plan.status}'"
        out.notes.append(f"{said}; sign-off by {who} (--override: {reason}){signed}")
    elif not movable:
        out.notes.append(f"status stays '{out.plan.status}' (--approve moves a draft or a "
                         f"plan under review)")
    elif found or blocked:
        out.notes.append(f"status stays '{out.plan.status}': "
                         f"{handoff.findings_said(found, blocked)}; fix the plan and review "
                         f"it again, or --override REASON to sign them off")
        out.exit_code = max(out.exit_code, errors.DRIFT)  # whatever the scores: not handed off
    elif len(scores) >= 2 and min(scores) >= bar:
        planrecord.set_status(root, out.plan.path, "approved")
        out.notes.append(f"status set to approved: every reviewer at {bar:.2f} or above "
                         f"(handoff.min_confidence)")
    else:
        shown = ", ".join(f"{c:.2f}" for c in scores)
        out.notes.append(f"status stays '{out.plan.status}': approving needs every reviewer at "
                         f"{bar:.2f} or above (scored {shown})")
        out.exit_code = max(out.exit_code, errors.DRIFT)


def plan_review(root: Path, config: Config, rel: str, reviewer_specs: Sequence[str],
                record_them: bool, no_cache: bool, fmt: str,
                approve_it: bool = False, override: str | None = None) -> Outcome:
    """Exit 0 ready, 1 not ready or disagree, 2 bad input, 3 a reviewer could not be asked
    (``verify.on_error: fail``)."""
    from checker.render import plan_review as show

    if approve_it and not record_them:
        raise errors.BadInput("--approve sets the status from the reviews it records: "
                              "use it with --record")
    if override is not None and (not approve_it or not override.strip()):
        raise errors.BadInput("--override REASON signs findings off for --approve: use it "
                              "with --record --approve, and give a reason")
    reviewers = [parse_reviewer(s, config.verify.command) for s in reviewer_specs]
    from checker.history import landed

    result = run(root, config, rel, reviewers, no_cache=no_cache,
                 landed=landed.done_at(root, config))
    if record_them and result.recordable:
        record(root, result)
        if approve_it:
            approve(root, config, result, override)
    return show.as_json(result) if fmt == "json" else show.as_text(result)
