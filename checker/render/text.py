"""Check results as text a person can act on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from checker import errors
from checker.judge import adoption
from checker.judge.pipeline import UnitResult

if TYPE_CHECKING:
    from checker.judge.pull_request import BranchResult


def short(sha: str | None) -> str:
    """A commit id as messages show it."""
    return (sha or "")[:9]


def plural(n: int, word: str) -> str:
    """``3 commits``, ``1 commit``."""
    return f"{n} {word}{'s' * (n != 1)}"


LISTED = 50  # a change drifting more paths than this lists the first SHOWN and counts the rest
SHOWN = 20


def display(path: str) -> str:
    """A path safe to print: undecodable bytes and control characters shown escaped."""
    if path.isprintable():  # no control character, no undecodable byte (a surrogate)
        return path
    raw = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in raw)


FORBIDDEN_ADVICE = ("  -> forbidden paths never pass, whatever the change claims: take them out "
                    "of this change")


def _forbidden_lines(r: UnitResult) -> list[str]:
    forbidden = r.scope.forbidden if r.scope is not None else ()
    return [f"  forbidden  {display(t.path)} ({t.status})"
            + (f" by {r.forbid_rules[t.path]}" if r.forbid_rules.get(t.path) else "")
            for t in forbidden]


def _unclaimed_text(r: UnitResult) -> list[str]:
    """A change that claims no slice: fine, unless it touches a forbidden path."""
    head = r.unit.label
    said = f": {r.notes[0]}" if r.notes else ""
    forbidden = r.scope.forbidden if r.scope is not None else ()
    if forbidden:
        return [f"planscope: FAIL: {head}{said}; {len(forbidden)} forbidden",
                *_forbidden_lines(r), *(f"  {n}" for n in r.notes[1:]), FORBIDDEN_ADVICE]
    if r.error:
        return []
    return [f"planscope: ok: {head}{said}", *(f"  {n}" for n in r.notes[1:])]


def _drift_lines(r: UnitResult, every: bool) -> list[str]:
    """One line per drifted path; past LISTED of them, the first SHOWN and a count."""
    assert r.scope is not None and r.claim is not None and r.claim.plan is not None
    drift = r.scope.drift
    listed = drift if every or len(drift) <= LISTED else drift[:SHOWN]
    lines = []
    for t in listed:
        v = r.verdicts.get(t.path)
        judged = f" -> {v.verdict} ({v.confidence:.2f}): {v.reason}" if v else ""
        lines.append(f"  drift      {display(t.path)} ({t.status}){judged}")
    if len(listed) < len(drift):
        rest = drift[len(listed):]
        folders = len({t.path.rpartition("/")[0] for t in rest})
        lines.append(f"  drift      ... and {len(rest):,} more in {plural(folders, 'folder')} "
                     f"(planscope check --all lists every one)")
    return lines


def _drift_advice(r: UnitResult) -> list[str]:
    assert r.scope is not None and r.claim is not None and r.claim.plan is not None
    blocking = [t for t in r.scope.drift if r.verdicts.get(t.path) is None
                or r.verdicts[t.path].verdict != "incidental"]
    if not blocking or r.ok or not r.drift_blocks:
        return []
    slice_ids = "+".join(x.id for x in r.claim.slices)
    own = ("move them to a commit of their own with the trailer 'Plan: none' (they need no "
           "plan)" if not r.drift_needs_plan else
           "move them to a commit of their own that claims the slice they belong to")
    return [f"  -> {len(blocking)} path(s) outside slice '{slice_ids}': {own}; or widen the "
            f"slice in {r.claim.plan.path} (files or allow) in a commit of its own first (a "
            f"rules change: a pull request judges by its base's plans, so it lands first)"]


def unit_text(r: UnitResult, every: bool = False) -> list[str]:
    """The report lines of one unit (its error, if any, is printed apart); ``every``: every
    drifted path, however many."""
    claim, s = r.claim, r.scope
    if claim is None or claim.plan is None or s is None:
        return _unclaimed_text(r)
    lines = [f"planscope: {'ok' if r.ok else 'FAIL'}: {r.unit.label} against {claim.ref} (from "
             f"{claim.source}): {len(s.in_scope)} in scope, {len(s.drift)} drift, "
             f"{len(s.forbidden)} forbidden",
             *_forbidden_lines(r), *_drift_lines(r, every),
             *(f"  untouched  {display(p)}" for p in s.untouched)]
    ver = r.verification
    if ver is not None:
        how = "cached verdicts" if ver.cached else f"{ver.calls} call, {ver.elapsed_s:.1f}s"
        lines.append(f"  verified   by {ver.provider} {ver.model} ({how})")
    lines += [f"  {n}" for n in r.notes]
    return lines + ([FORBIDDEN_ADVICE] if s.forbidden else []) + _drift_advice(r)


def to_text(results: Sequence[UnitResult], every: bool = False) -> tuple[str, str]:
    """(report for stdout, error lines for stderr), each ending with a newline when not empty."""
    if not results:
        return "planscope: ok: no commits to check\n", ""
    out = errors.text(line for r in results for line in unit_text(r, every))
    err = "".join(errors.error_text(r.error) + errors.text(f"planscope: {display(n)}"
                                                          for n in r.notes)
                  for r in results if r.error)
    return out, err


def branch_text(out: BranchResult, every: bool = False) -> tuple[str, str]:
    """``check --base``: the report of every commit, the plan changes, and the result word
    the pull request check would give."""
    from checker.judge.pull_request import result_word

    if out.adopted:
        return f"planscope: ok: {adoption.PULL_REQUEST_NOTE}\nplanscope: result: pass\n", ""
    report, err = to_text(out.results, every)
    lines = [f"planscope: plan-changed: {c.plan} ({'blocking' if c.blocking else 'allowed'}: "
             f"the check reads plans from the base {short(out.base)})" for c in out.plan_changes]
    lines += [f"planscope: new plan {p} (plans_in_pr: allow-new): judged as written in the "
              f"change" for p in out.new_plans]
    return report + errors.text([*lines, f"planscope: result: {result_word(out)}"]), err
