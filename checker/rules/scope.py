"""Changed paths classified against a change's rules (``checker.rules.ruleset``): in scope,
drift or forbidden (forbid wins), and the planned files no change touched."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from checker.git.formats import Change
from checker.record import record
from checker.rules.ruleset import RuleSet


class Touched(NamedTuple):
    path: str
    status: str  # the git status letter of the change that touched it
    other: str | None = None  # a rename's other name

    @staticmethod
    def of(change: Change) -> list[Touched]:
        """The paths a change touches: a rename touches both its names."""
        old, new = change.old_path, change.path
        if change.status == "R" and old is not None:
            return [Touched(old, "R", new), Touched(new, "R", old)]
        return [Touched(new, change.status)]


@record(frozen=True)
class ScopeResult:
    changed: tuple[Touched, ...]
    in_scope: tuple[Touched, ...]
    drift: tuple[Touched, ...]
    forbidden: tuple[Touched, ...]
    untouched: tuple[str, ...]


def untouched_of(planned: Sequence[str], touched: Iterable[str]) -> tuple[str, ...]:
    """The planned literal paths no touched path is, or lies under: one set of every touched
    path and each folder above it, so the cost grows with plan plus diff, not their product."""
    if not planned:
        return ()
    seen: set[str] = set()
    for path in touched:
        while path and path not in seen:
            seen.add(path)
            path = path.rpartition("/")[0]
    return tuple(p for p in planned if p not in seen)


def classify(changes: Sequence[Change], rules: RuleSet) -> ScopeResult:
    """Every touched path lands in exactly one of in_scope / drift / forbidden. A change that
    claims no slice is looked at for forbidden paths only (the rest is neither in scope nor
    drift: whether it needs a plan is the pipeline's question)."""
    changed = [t for c in changes for t in Touched.of(c)]
    if not rules.claimed:
        hits = tuple(t for t in changed if rules.forbidden(t.path))
        return ScopeResult(tuple(changed), (), (), hits, ())
    in_scope, drift, forbidden = [], [], []
    for t in changed:
        if rules.forbidden(t.path):
            forbidden.append(t)
        elif rules.allows(t.path):
            in_scope.append(t)
        else:
            drift.append(t)
    untouched = untouched_of(rules.planned, (t.path for t in changed))
    return ScopeResult(tuple(changed), tuple(in_scope), tuple(drift), tuple(forbidden), untouched)
