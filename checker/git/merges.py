"""What a merge adds that none of its parents had: the only part of a merge that is judged.

A merge's result differs from its first parent by everything the merged branch brought, and
those commits are judged one by one. What the merge itself adds is where its result differs
from every parent and from the tree git's own merge of the two parents gives: a conflict
resolution that writes new code, or an "evil merge" that edits what no side changed. A
clean merge adds nothing. An octopus merge (or a git before 2.38) has no re-merge to compare
with: there every path that differs from all parents counts (git's combined diff).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from checker.git import diffs
from checker.git.formats import Change


def own_changes(root: Path, parents: Sequence[str], result: str) -> tuple[str, list[Change]]:
    """(what the merge's own changes are diffed from, those changes) for a merge of
    ``parents`` into ``result`` (a commit, or the tree of a merge being committed)."""
    remerged = diffs.merge_tree(root, parents[0], parents[1]) if len(parents) == 2 else None
    base = remerged or parents[0]
    found = diffs.diff(root, base, result)
    if not found:
        return base, []
    everywhere = set.intersection(*(diffs.changed_names(root, p, result) for p in parents))
    return base, [c for c in found if any(p in everywhere for p in c.paths)]
