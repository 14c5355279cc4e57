"""Which slices have landed: a slice has landed on a base (the default branch, unless a base
is given) when commits on that base claim it, each judged as ``check --commit`` judges it
(``checker.history.judged``: the one claim order, fixups and reverts, the baseline).

Slice state comes from here, so nobody has to edit ``status: done`` by hand for status,
pr-body, ``validate --against``, plan-review and the hand-off gate to know what is done; a
``status: done`` written in the plan still counts. ``planscope status --write`` records it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from checker import errors
from checker.git import process, repository, revs
from checker.git.formats import Commit
from checker.history import judged
from checker.judge import adoption
from checker.judge.pipeline import UnitResult
from checker.record import field, record
from checker.rules.config import Config
from checker.rules.plan import Plan, Slice

Key = tuple[str, str]  # (plan path, slice id)


@record(frozen=True)
class Landed:
    """The slices commits on ``base`` claim, with those commits (oldest first)."""

    base: str | None  # the revision looked at; None when no base is known
    commits: Mapping[Key, tuple[str, ...]] = field(default_factory=dict)

    def of(self, plan: Plan, s: Slice) -> tuple[str, ...]:
        return self.commits.get((plan.path, s.id), ())

    def done(self, plan: Plan, s: Slice) -> bool:
        """Whether the slice is done: its commits landed, or the plan says so."""
        return s.status == "done" or bool(self.of(plan, s))

    def finished(self, plan: Plan) -> bool:
        """Whether every slice of the plan is done (or the plan says it is)."""
        return plan.status == "done" or all(self.done(plan, s) for s in plan.slices)


NOTHING = Landed(None)


def default_base(root: Path) -> str | None:
    """The default branch, as a full ref name: what ``refs/remotes/origin/HEAD`` points to
    (only a ref under ``refs/remotes/origin/``), else ``refs/remotes/origin/main`` or
    ``master``, else a local ``main`` or ``master``; None when nothing tells. Full names: a
    tag or a local branch called ``main`` or ``origin/main`` is not the default branch."""
    try:
        ref = process.run(root, "symbolic-ref", "--quiet", "refs/remotes/origin/HEAD")
        name = ref.decode("utf-8", "replace").strip()
        if name.startswith("refs/remotes/origin/") and repository.commit_exists(root, name):
            return name
    except process.GitError:
        pass
    return next((ref for ref in ("refs/remotes/origin/main", "refs/remotes/origin/master",
                                 "refs/heads/main", "refs/heads/master")
                 if repository.commit_exists(root, ref)), None)


def _short(ref: str) -> str:
    return ref.removeprefix("refs/remotes/").removeprefix("refs/heads/")


def landed(root: Path, config: Config, base: str | None = None,
           known: Sequence[tuple[Commit, UnitResult]] = ()) -> Landed:
    """The slices the commits on ``base`` (default: the default branch) claim and pass;
    ``known``: commits already judged (status's), not judged again."""
    rev = base if base is not None else default_base(root)
    if rev is None or not repository.commit_exists(root, rev):
        return NOTHING
    commits = revs.log(root, *adoption.commits_after(root, config), revs.rev_parse(root, rev))
    results = {c.sha: r for c, r in known}
    todo = [c for c in commits if c.sha not in results]
    results.update(zip((c.sha for c in todo), judged.judged(root, todo), strict=True))
    found: dict[Key, list[str]] = {}
    for commit in commits:
        result = results[commit.sha]
        claim = result.claim
        if claim is None or claim.none or not _counts(result):
            continue
        for part in claim.parts:
            for s in part.slices:
                found.setdefault((part.plan.path, s.id), []).append(commit.sha)
    return Landed(_short(rev), {k: tuple(v) for k, v in found.items()})


def _counts(result: UnitResult) -> bool:
    """Whether a commit on the base lands the slices it claims: not when its check errs (a
    claim refused, a plan not handed off) or it touched a forbidden path. Drift lands: the
    pull request check let it through (a verdict of the verification pass, a person)."""
    forbidden = result.scope is not None and bool(result.scope.forbidden)
    return result.exit_code in (errors.OK, errors.DRIFT) and not forbidden


def done_at(root: Path, config: Config) -> Callable[[str], Callable[[Plan, Slice], bool]]:
    """For ``validation.validate``: which slices are done at a revision (asked lazily)."""
    return lambda rev: landed(root, config, rev).done
