"""Which slices have landed: a slice has landed on a base (the default branch, unless a base
is given) when commits on that base claim it, each judged as ``check --commit`` judges it
(``checker.history.judged``: the one claim order, fixups and reverts, the baseline).

Slice state comes from here, so nobody has to edit ``status: done`` by hand for status,
pr-body, ``validate --against``, plan-review and the hand-off gate to know what is done; a
``status: done`` written in the plan still counts. ``planscope status --write`` records it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from checker.git import repository, revs
from checker.git.formats import Commit
from checker.history import judged
from checker.judge import adoption
from checker.judge.pipeline import UnitResult
from checker.rules.config import Config
from checker.rules.plan import Plan, Slice

Key = tuple[str, str]  # (plan path, slice id)


@dataclass(frozen=True)
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
    """The default branch: the remote's (``origin/HEAD``, else ``origin/main`` or
    ``origin/master``), else a local ``main`` or ``master``; None when nothing tells."""
    found = repository.remote_default(root, "origin")
    if found is not None:
        return found
    return next((name for name in ("main", "master")
                 if repository.commit_exists(root, f"refs/heads/{name}")), None)


def landed(root: Path, config: Config, base: str | None = None,
           known: Sequence[tuple[Commit, UnitResult]] = ()) -> Landed:
    """The slices the commits on ``base`` (default: the default branch) claim; ``known``:
    commits already judged (status's), not judged again."""
    rev = base if base is not None else default_base(root)
    if rev is None or not repository.commit_exists(root, rev):
        return NOTHING
    commits = revs.log(root, *adoption.commits_after(root, config), rev)
    results = {c.sha: r for c, r in known}
    todo = [c for c in commits if c.sha not in results]
    results.update(zip((c.sha for c in todo), judged.judged(root, todo), strict=True))
    found: dict[Key, list[str]] = {}
    for commit in commits:
        claim = results[commit.sha].claim
        if claim is None or claim.none:
            continue
        for part in claim.parts:
            for s in part.slices:
                found.setdefault((part.plan.path, s.id), []).append(commit.sha)
    return Landed(rev, {k: tuple(v) for k, v in found.items()})


def done_at(root: Path, config: Config) -> Callable[[str], Callable[[Plan, Slice], bool]]:
    """For ``validation.validate``: which slices are done at a revision (asked lazily)."""
    return lambda rev: landed(root, config, rev).done
