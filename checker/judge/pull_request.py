"""Judging a branch against its base: the pull request check (DESIGN §9).

The plans and the config are read from the base commit (``git show BASE:PATH``), never from
the branch: a pull request cannot widen its own scope. Each commit since the merge base is
checked against its own claim (its trailer, else the pull request body's ``Plan:`` line, else
the head branch). A branch that changes a plan that governs one of its commits gets a
``plan-changed`` finding, blocking unless that plan file is inside the claimed slice's own
scope. A shallow clone without the base commit (or with the branch's history cut) is bad
input (exit 2) whose message says to set ``fetch-depth: 0``.

The result is one word: pass | drift | forbidden | plan-changed | rules-changed |
unverified | error. ``rules-changed``: every commit passed, and one of them changes only
the rules (``checker.rules.ruleschange``); it does not fail the check, it asks for a
person's review (CODEOWNERS on the rule files).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from checker import errors
from checker.errors import BadInput
from checker.event import Event
from checker.git import blobs, diffs, process, repository, revs
from checker.judge import adoption, changes, pipeline, targets
from checker.judge.changes import Target
from checker.judge.pipeline import Options, UnitResult
from checker.record import field, record, replace
from checker.rules.book import Rulebook
from checker.rules.config import Config

BODY_SOURCE = "the 'Plan:' line of the pull request body"
SHALLOW_HINT = (
    "this is a shallow clone (actions/checkout fetches a single commit unless told "
    "otherwise): set 'fetch-depth: 0' on the actions/checkout step so that the base commit "
    "and every commit of the pull request are present"
)


@record(frozen=True)
class PlanChange:
    """A plan that governs a commit of the pull request and that the pull request changes."""

    plan: str
    claims: tuple[str, ...]  # the slice refs that were judged by it
    blocking: bool  # False when the plan file is inside the claimed slice's scope
    diff: str


@record
class BranchResult:
    results: list[UnitResult]
    code: int
    config: Config
    opts: Options
    event: Event
    base: str | None = None  # the commit plans and config were read from
    merge_base: str | None = None
    head: str | None = None
    plan_changes: list[PlanChange] = field(default_factory=list)
    adopting: bool = False  # no commit below the base had a config: there are no rules yet
    new_plans: dict[str, str] = field(default_factory=dict)  # allow-new: path → its text
    root: Path | None = None  # the repository, for the summary's scope-discipline line

    @property
    def adopted(self) -> bool:
        """The adoption, and every commit of it passed: said in one line."""
        return self.adopting and self.code == errors.OK


def _short(sha: str | None) -> str:
    return (sha or "")[:9]


def history(root: Path, base_rev: str, event: Event) -> tuple[str, str, str]:
    """(base, merge base, head) commits; a shallow clone that lacks them is bad input."""
    shallow = repository.is_shallow(root)
    try:
        base = revs.rev_parse(root, base_rev)
    except process.GitError:
        if shallow:
            raise BadInput(f"the base commit {base_rev} is not in this clone: "
                           f"{SHALLOW_HINT}") from None
        raise BadInput(f"the base commit {base_rev} is not in this clone: fetch it "
                       f"(actions/checkout with 'fetch-depth: 0' fetches every branch)") from None
    if event.head is not None and not repository.commit_exists(root, event.head):
        where = f"the head commit {event.head} of the {event.name} event is not in this clone"
        if shallow:
            raise BadInput(f"{where}: {SHALLOW_HINT}")
        raise BadInput(f"{where}: check out the pull request (actions/checkout does, on "
                       f"pull_request and merge_group events)")
    head = event.head or revs.rev_parse(root, "HEAD")
    try:
        mb = revs.merge_base(root, base, head)
    except process.GitError:
        if shallow:
            raise BadInput(f"no common ancestor of the base {_short(base)} and the head "
                           f"{_short(head)} in this clone: {SHALLOW_HINT}") from None
        raise
    if shallow:
        cut = repository.shallow_boundary(root)
        if any(c.sha in cut for c in revs.log(root, f"{mb}..{head}")):
            raise BadInput(f"the history between the base {_short(base)} and the head "
                           f"{_short(head)} is cut short in this clone: {SHALLOW_HINT}")
    return base, mb, head


def new_plans(root: Path, results: Sequence[UnitResult], base: str,
              head: str) -> dict[str, str]:
    """The claimed plans that the base does not have (read from the head: plans_in_pr
    allow-new), with their text, for reviewers to read in full."""
    out: dict[str, str] = {}
    for r in results:
        for part in (r.claim.parts if r.claim is not None else ()):
            path = part.plan.path
            if path not in out and blobs.show(root, base, path) is None:
                out[path] = (blobs.show(root, head, path) or b"").decode("utf-8", "replace")
    return out


def plan_changes(root: Path, results: Sequence[UnitResult],
                 mb: str, head: str, new: Collection[str] = ()) -> list[PlanChange]:
    """The plans that govern a commit of the pull request and that it changes; blocking
    unless the claimed slices' own rules allow the plan file."""
    changed = {p for c in diffs.diff(root, mb, head) for p in c.paths}
    refs_of: dict[str, list[str]] = {}
    blocking: dict[str, bool] = {}
    for r in results:
        if r.claim is None or r.rules is None:
            continue
        for part in r.claim.parts:
            path = part.plan.path
            if path not in changed or path in new:
                continue
            inside = r.rules.allows(path) and not r.rules.forbidden(path)
            if r.claim.ref not in refs_of.setdefault(path, []):
                refs_of[path].append(r.claim.ref)
            blocking[path] = blocking.get(path, False) or not inside
    out = []
    for path, refs in refs_of.items():
        raw = diffs.hunks(root, mb, head, paths=[path])
        out.append(PlanChange(path, tuple(refs), blocking[path],
                              raw.decode("utf-8", "replace")))
    return out


def judge(root: Path, target: Target | None, opts: Options, event: Event) -> BranchResult:
    """Check a pull request (or the given target) the way the action does."""
    base_rev = target.rev if target is not None and target.kind == "base" else None
    if target is None:
        if not event.checks_a_change:
            raise BadInput(
                "--format github checks a pull request: give --base REF, or run it on a "
                "pull_request or merge_group event (GITHUB_EVENT_NAME and GITHUB_EVENT_PATH)"
            )
        base_rev = event.base
    if base_rev is None:  # --commit / --range / --staged: the rules checker.judge.targets says
        assert target is not None
        results, book = targets.judge_target(root, target, opts)
        return BranchResult(results, pipeline.exit_code(results), book.config, opts, event)
    base, mb, head = history(root, base_rev, event)
    opts = replace(opts, pr_refs=event.body_refs, pr_source=BODY_SOURCE,
                   branch=event.head_branch)
    in_force = adoption.last_rules(root, base)
    if in_force is None:  # the adoption: each commit by the rules it was made under
        results, _ = targets.judge_target(root, Target("range", f"{mb}..{head}"), opts)
        return BranchResult(results, pipeline.exit_code(results), Rulebook(root, head).config,
                            opts, event, base, mb, head, adopting=True)
    book = Rulebook(root, in_force)
    allow_new = book.config.plans_in_pr == "allow-new"
    if allow_new:
        book = book.view(new_from=head)
    units = changes.units(root, Target("range", f"{mb}..{head}"), book.config,
                          whole=opts.plan_ref is not None)
    results = targets.judge_units(root, book, opts, units)
    added = new_plans(root, results, base, head) if allow_new else {}
    found = plan_changes(root, results, mb, head, added)
    code = pipeline.exit_code(results)
    if any(c.blocking for c in found):
        code = max(code, errors.DRIFT)
    return BranchResult(results, code, book.config, opts, event, base, mb, head, found,
                        root=root, new_plans=added)


def drift_paths(out: BranchResult) -> list[str]:
    """Distinct changed paths outside their slice and not judged incidental, forbidden paths
    included, plus plan files a pull request changes against the rules: ``drift-count``."""
    paths: list[str] = []
    for r in out.results:
        if r.scope is None:
            continue
        judged = [t.path for t in r.scope.drift
                  if t.path not in r.verdicts or r.verdicts[t.path].verdict != "incidental"]
        for path in (*(t.path for t in r.scope.forbidden), *judged):
            if path not in paths:
                paths.append(path)
    paths += [c.plan for c in out.plan_changes if c.blocking and c.plan not in paths]
    return paths


def result_word(out: BranchResult) -> str:
    """The ``result`` output: pass | drift | forbidden | plan-changed | rules-changed |
    error | unverified. A forbidden path names the result even beside a commit that cannot
    be judged (the exit code stays that of bad input): it needs no claim to be decided."""
    if out.code == errors.OK:
        return "rules-changed" if rules_changes(out) else "pass"
    if any(r.scope and r.scope.forbidden for r in out.results):
        return "forbidden"
    if out.code == errors.BAD_INPUT:
        return "error"
    if out.code == errors.VERIFY_UNAVAILABLE:
        return "unverified"
    if any(c.blocking for c in out.plan_changes):
        return "plan-changed"
    return "drift"


def rules_changes(out: BranchResult) -> list[UnitResult]:
    """The commits that change only the rules (judged; not skipped as the adoption)."""
    return [r for r in out.results if r.rules_change is not None]
