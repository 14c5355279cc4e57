"""``fixup!``, ``squash!`` and ``amend!`` commits take their target's claim.

A commit whose subject starts with one of these is folded into its target by ``git rebase
--autosquash``, so without a ``Plan:`` trailer of its own it is checked against the target's
trailer. The target is found like git finds it: the nearest earlier commit whose subject is
the rest of the subject, else a commit id, else a subject that starts with it, among the
last ``SEARCH`` commits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from checker.git import process, revs
from checker.git.formats import Commit
from checker.judge import claims
from checker.judge.pipeline import Unit

SEARCH = 500  # how many earlier commits a fixup!/squash! target is looked for in
_FIXUP = re.compile(r"(?:(?:fixup|squash|amend)! )+")


def fixup_target(subject: str) -> tuple[str, str] | None:
    """``("fixup!", "rest")`` for a fixup!/squash!/amend! subject, else None."""
    m = _FIXUP.match(subject)
    if m is None or not subject[m.end():].strip():
        return None
    return subject[: m.end()].split()[0], subject[m.end():]


def find_target(target: str, candidates: Sequence[Commit]) -> Commit | None:
    """The commit a fixup!/squash! points at, among ``candidates`` (nearest first)."""
    real = [c for c in candidates if fixup_target(c.subject) is None]
    for c in real:
        if c.subject == target:
            return c
    if re.fullmatch(r"[0-9a-f]{4,64}", target):
        for c in real:
            if c.sha.startswith(target):
                return c
    for c in real:
        if c.subject.startswith(target):
            return c
    return None


def _earlier(root: Path, rev: str | None) -> list[Commit]:
    """``rev`` and the commits before it, nearest first (none on an unborn branch)."""
    if rev is None:
        return []
    try:
        return list(reversed(revs.log(root, f"--max-count={SEARCH}", rev)))
    except process.GitError:
        return []


def adopt_target(root: Path, unit: Unit, subject: str, before: str | None,
                 notes: list[str]) -> Unit:
    """A fixup!/squash! unit without a trailer of its own takes its target's trailer."""
    found = fixup_target(subject)
    if found is None or unit.trailers:
        return unit
    kind, target = found
    commit = find_target(target, _earlier(root, before))
    if commit is None:
        notes.append(f"'{kind}' target {target!r} is not among the last {SEARCH} commits; "
                     f"give this commit a '{claims.TRAILER}:' trailer of its own")
        return unit
    if not commit.plan_trailers:
        return unit
    return replace(unit, trailers=commit.plan_trailers,
                   trailer_source=f"commit {commit.short}, the target of '{kind}'")
