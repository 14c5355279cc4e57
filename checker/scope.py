"""Classify changed paths against a slice: in scope, drift, or forbidden (forbid wins)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import pathspec

from checker.gitformats import Change
from checker.plan import Plan, Slice, literal


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


class Patterns:
    """Gitignore-style patterns parsed by pathspec, matched as one combined regex.

    pathspec compiles each pattern to a regex and tries them one by one in Python; with no
    negated pattern, "any of them matches" is one alternation that ``re`` runs in C.
    """

    def __init__(self, lines: Sequence[str]) -> None:
        self.spec: pathspec.PathSpec[Any] = pathspec.PathSpec.from_lines("gitignore", lines)
        patterns = self.spec.patterns
        regexes = [getattr(p, "regex", None) for p in patterns]
        self._combined: re.Pattern[str] | None = None
        if patterns and all(
            p.include and isinstance(r, re.Pattern) and not r.groupindex
            for p, r in zip(patterns, regexes, strict=True)
        ):
            self._combined = re.compile("|".join(f"(?:{r.pattern})" for r in regexes if r))

    def match(self, path: str) -> bool:
        if self._combined is not None:
            return self._combined.search(path) is not None
        return self.spec.match_file(path)


Rules = Sequence[tuple[str, Sequence[str]]]  # (where the patterns are written, the patterns)


class Forbids:
    """Forbid patterns in groups: the config's, each plan's, each slice's. A path is
    forbidden when any group matches it, so a ``!negation`` in one group never cancels
    another group's rule (a slice cannot unforbid what its plan forbids)."""

    def __init__(self, groups: Rules) -> None:
        self.groups = [(origin, tuple(patterns), Patterns(patterns))
                       for origin, patterns in groups if patterns]

    def match(self, path: str) -> bool:
        return any(compiled.match(path) for _, _, compiled in self.groups)

    def rule(self, path: str) -> str:
        """The first rule that forbids ``path``: ``'app/auth/**' (forbid of plans/x.yaml)``."""
        for origin, patterns, compiled in self.groups:
            if compiled.match(path):
                hit = next((p for p in patterns if not p.startswith("!")
                            and Patterns([p]).match(path)), patterns[0])
                return f"'{hit}' ({origin})"
        return ""


@dataclass(frozen=True)
class Scope:
    """A slice's patterns, compiled once."""

    allowed: Patterns
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
                  forbids: Rules = ()) -> Scope:
    """Scope = create + modify + delete + tests + allow + always_allow, minus every forbid:
    ``forbids`` (the config's and the other plans'), the plan's, and each slice's."""
    allowed: list[str] = [*always_allow]
    groups: list[tuple[str, Sequence[str]]] = [*forbids, (f"forbid of {plan.path}", plan.forbid)]
    planned: list[str] = []
    for s in slices:
        allowed += [*s.planned, *s.allow]
        groups.append((f"slice '{s.id}' forbid", s.forbid))
        planned += [p for p in map(literal, s.planned) if p is not None]
    return Scope(allowed=Patterns(allowed), forbidden=Forbids(groups),
                 planned=tuple(dict.fromkeys(planned)))


def forbidden_only(changes: Sequence[Change], forbids: Forbids) -> ScopeResult:
    """A change that claims no slice: only what no change may touch is looked at."""
    changed = tuple(t for c in changes for t in Touched.of(c))
    hits = tuple(t for t in changed if forbids.match(t.path))
    return ScopeResult(changed, (), (), hits, ())


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
    touched = {t.path for t in changed}
    untouched = tuple(
        p
        for p in scope.planned
        if p not in touched and not any(t.startswith(p + "/") for t in touched)
    )
    return ScopeResult(tuple(changed), tuple(in_scope), tuple(drift), tuple(forbidden), untouched)
