"""Classify changed paths against a slice: in scope, drift, or forbidden (forbid wins)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pathspec

from checker.gitio import Change
from checker.plan import Plan, Slice, literal


@dataclass(frozen=True)
class Touched:
    path: str
    status: str  # the git status letter of the change that touched it


@dataclass(frozen=True)
class Scope:
    """A slice's patterns, compiled once."""

    allowed: pathspec.PathSpec[Any]
    forbidden: pathspec.PathSpec[Any]
    planned: tuple[str, ...]  # literal planned paths, for "untouched"


@dataclass(frozen=True)
class ScopeResult:
    changed: tuple[Touched, ...]
    in_scope: tuple[Touched, ...]
    drift: tuple[Touched, ...]
    forbidden: tuple[Touched, ...]
    untouched: tuple[str, ...]


def compile_scope(plan: Plan, slices: Sequence[Slice], always_allow: Sequence[str]) -> Scope:
    """Scope = create + modify + delete + tests + allow + always_allow, minus forbid."""
    allowed: list[str] = [*always_allow]
    forbidden: list[str] = [*plan.forbid]
    planned: list[str] = []
    for s in slices:
        allowed += [*s.planned, *s.allow]
        forbidden += s.forbid
        planned += [p for p in map(literal, s.planned) if p is not None and p not in planned]
    return Scope(
        allowed=pathspec.PathSpec.from_lines("gitignore", allowed),
        forbidden=pathspec.PathSpec.from_lines("gitignore", forbidden),
        planned=tuple(planned),
    )


def classify(changes: Sequence[Change], scope: Scope) -> ScopeResult:
    """Every touched path lands in exactly one of in_scope / drift / forbidden."""
    changed = [Touched(path, c.status) for c in changes for path in c.paths]
    in_scope, drift, forbidden = [], [], []
    for t in changed:
        if scope.forbidden.match_file(t.path):
            forbidden.append(t)
        elif scope.allowed.match_file(t.path):
            in_scope.append(t)
        else:
            drift.append(t)
    touched = {t.path for t in changed}
    untouched = tuple(
        p for p in scope.planned
        if p not in touched and not any(t.startswith(p + "/") for t in touched)
    )
    return ScopeResult(tuple(changed), tuple(in_scope), tuple(drift), tuple(forbidden), untouched)
