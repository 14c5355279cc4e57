"""Classify changed paths against a slice: in scope, drift, or forbidden (forbid wins)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from checker.git.formats import Change
from checker.rules.globlint import literal
from checker.rules.globs import EXACT, Fold, Matcher
from checker.rules.plan import Plan, Slice


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


Rules = Sequence[tuple[str, Sequence[str]]]  # (where the patterns are written, the patterns)


class Forbids:
    """Forbid patterns in groups: the config's, each plan's, each slice's. A path is
    forbidden when any group matches it, so a ``!negation`` in one group never cancels
    another group's rule (a slice cannot unforbid what its plan forbids)."""

    def __init__(self, groups: Rules, fold: Fold = EXACT) -> None:
        self.groups = [(origin, fold.matcher(patterns)) for origin, patterns in groups if patterns]

    def match(self, path: str) -> bool:
        return any(compiled.match(path) for _, compiled in self.groups)

    def which(self, path: str) -> tuple[str, str] | None:
        """The first rule that forbids ``path``: (the pattern, where it is written)."""
        for origin, compiled in self.groups:
            index = compiled.which(path)
            if index is not None:
                return compiled.patterns[index], origin
        return None

    def rule(self, path: str) -> str:
        """The first rule that forbids ``path``: ``'app/auth/**' (forbid of plans/x.yaml)``."""
        hit = self.which(path)
        return f"'{hit[0]}' ({hit[1]})" if hit else ""


@dataclass(frozen=True)
class Scope:
    """A slice's patterns, compiled once."""

    allowed: Matcher
    forbidden: Forbids
    planned: tuple[str, ...]  # literal planned paths, for "untouched"


@dataclass(frozen=True)
class ScopeResult:
    changed: tuple[Touched, ...]
    in_scope: tuple[Touched, ...]
    drift: tuple[Touched, ...]
    forbidden: tuple[Touched, ...]
    untouched: tuple[str, ...]


def compile_scope(plan: Plan, slices: Sequence[Slice], always_allow: Sequence[str],
                  forbids: Rules = (), fold: Fold = EXACT) -> Scope:
    """Scope = create + modify + delete + tests + allow + always_allow, minus every forbid:
    ``forbids`` (the config's and the other plans'), the plan's, and each slice's."""
    allowed: list[str] = [*always_allow]
    groups: list[tuple[str, Sequence[str]]] = [*forbids, (f"forbid of {plan.path}", plan.forbid)]
    planned: list[str] = []
    for s in slices:
        allowed += [*s.planned, *s.allow]
        groups.append((f"slice '{s.id}' forbid", s.forbid))
        planned += [p for p in map(literal, s.planned) if p is not None]
    return Scope(allowed=fold.matcher(allowed), forbidden=Forbids(groups, fold),
                 planned=tuple(dict.fromkeys(planned)))


def forbidden_only(changes: Sequence[Change], forbids: Forbids) -> ScopeResult:
    """A change that claims no slice: only what no change may touch is looked at."""
    changed = tuple(t for c in changes for t in Touched.of(c))
    hits = tuple(t for t in changed if forbids.match(t.path))
    return ScopeResult(changed, (), (), hits, ())


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


def classify(changes: Sequence[Change], scope: Scope) -> ScopeResult:
    """Every touched path lands in exactly one of in_scope / drift / forbidden."""
    changed = [t for c in changes for t in Touched.of(c)]
    in_scope, drift, forbidden = [], [], []
    for t in changed:
        if scope.forbidden.match(t.path):
            forbidden.append(t)
        elif scope.allowed.match(t.path):
            in_scope.append(t)
        else:
            drift.append(t)
    untouched = untouched_of(scope.planned, (t.path for t in changed))
    return ScopeResult(tuple(changed), tuple(in_scope), tuple(drift), tuple(forbidden), untouched)
