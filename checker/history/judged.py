"""History as the check judged it: the commits a question names, each judged on its own by
``checker.judge.targets.judge_commits`` (the rules of its first parent, the one claim order,
fixups and reverts, the baseline), with the verdicts the verification pass gave before
instead of a new call; and what each commit did for each slice it claims. status, stats,
trace and pr-body read history only through here, so they say what ``check --commit`` says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from checker import state
from checker.git.formats import Change, Commit
from checker.judge import targets
from checker.judge.pipeline import Options, UnitResult
from checker.model.verify import Verdict
from checker.record import field, record

Key = tuple[str, str]  # (plan path, slice id)


def recorded_verdicts(root: Path) -> dict[tuple[str, str], Verdict]:
    """(commit, path) → the last verdict the verification pass gave that path of that commit
    (``.git/planscope/verdicts.jsonl``; a staged check is not there by commit)."""
    out: dict[tuple[str, str], Verdict] = {}
    for logged in state.read_log(root, state.VERDICT_LOG):
        sha = logged.get("commit")
        if not isinstance(sha, str) or not sha:
            diff = str(logged.get("diff", ""))
            if ".." not in diff:
                continue
            sha = diff.rpartition("..")[2]
        for v in logged.get("verdicts") or ():
            if not isinstance(v, dict) or v.get("verdict") not in ("incidental", "drift"):
                continue
            try:
                sure = float(v.get("confidence", 0.0))
            except (TypeError, ValueError):
                sure = 0.0
            path = str(v.get("path"))
            out[(sha, path)] = Verdict(path, str(v["verdict"]), str(v.get("reason", "")), sure)
    return out


def judged(root: Path, commits: Sequence[Commit],
           known: Mapping[str, list[Change]] | None = None) -> list[UnitResult]:
    """Each commit judged as ``check --commit`` judges it, no model asked: drift keeps the
    verdict the verification pass recorded for it, if any."""
    opts = Options(verify=False, recorded=recorded_verdicts(root))
    return targets.judge_commits(root, commits, opts, known)


@record
class SliceWork:
    """What one commit did for one slice it claims."""

    touched: list[str] = field(default_factory=list)  # every path attributed to the slice
    in_scope: list[str] = field(default_factory=list)
    drift: list[str] = field(default_factory=list)  # not judged incidental
    incidental: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    forbidden: list[str] = field(default_factory=list)


def by_slice(result: UnitResult) -> dict[Key, SliceWork]:
    """The commit's paths under each slice it claims: a path in scope under the first claimed
    slice that allows it (a squash commit of two slices splits its paths between them), a
    drifted or forbidden path under the first claimed slice."""
    claim, scope, rules = result.claim, result.scope, result.rules
    if claim is None or claim.none or scope is None or rules is None:
        return {}
    out: dict[Key, SliceWork] = {(p.plan.path, s.id): SliceWork()
                                 for p in claim.parts for s in p.slices}
    first = next(iter(out))
    for t in scope.in_scope:
        work = out[rules.slice_for(t.path) or first]
        work.touched.append(t.path)
        work.in_scope.append(t.path)
    work = out[first]
    for t in scope.forbidden:
        work.touched.append(t.path)
        work.forbidden.append(t.path)
    for t in scope.drift:
        work.touched.append(t.path)
        v = result.verdicts.get(t.path)
        if v is not None and v.verdict == "incidental":
            work.incidental.append((t.path, v.reason))
        else:
            work.drift.append(t.path)
    return out
