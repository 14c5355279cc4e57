"""What a merge adds that none of its parents had: the only part of a merge that is judged.

A merge's result differs from its first parent by everything the merged branch brought, and
those commits are judged one by one. What the merge itself adds is where its result differs
from the tree git's own merge of the two parents gives (``git merge-tree``):

- on a path git merges cleanly, any difference: an "evil merge" that edits what no side
  changed, and also one that keeps one side's version where git would have taken the
  other's (a fix on the base undone by the merge);
- on a path that conflicted, a resolution that differs from every parent (new code); taking
  one side's version as it is adds nothing;
- a path the first parent had deleted since the merge base and the result brings back is a
  change to that path, even when it equals the other parent (forbidden when the path is).

A clean merge adds nothing. An octopus merge is re-merged the way git's octopus strategy
makes it, one parent after the other (each step kept as a commit object nothing refers
to); a git before 2.38 has no re-merge to compare with: there every path that differs from
all parents counts (git's combined diff), and the restored paths too.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from checker.git import diffs, process
from checker.git.formats import Change


def own_changes(root: Path, parents: Sequence[str], result: str) -> tuple[str, list[Change]]:
    """(what the merge's own changes are diffed from, those changes) for a merge of
    ``parents`` into ``result`` (a commit, or the tree of a merge being committed)."""
    remerged = _remerge(root, parents)
    base = remerged[0] if remerged else parents[0]
    found = diffs.diff(root, base, result)
    restored = _restored(root, parents, result)
    if not found and not restored:
        return base, []
    everywhere = set.intersection(*(diffs.changed_names(root, p, result) for p in parents)) \
        if found else set()
    conflicted = remerged[1] if remerged else None
    own = [c for c in found
           if any(p in everywhere or (conflicted is not None and p not in conflicted)
                  or p in restored for p in c.paths)]
    seen = {p for c in own for p in c.paths}
    own += [Change("A", p) for p in sorted(restored) if p not in seen]
    return base, own


# who the re-merge's steps are by: a fixed name and time, so the same parents give the same
# objects (never a user's identity, which a server or CI may not have configured)
_WHO = {"GIT_AUTHOR_NAME": "planscope", "GIT_AUTHOR_EMAIL": "planscope@localhost",
        "GIT_COMMITTER_NAME": "planscope", "GIT_COMMITTER_EMAIL": "planscope@localhost",
        "GIT_AUTHOR_DATE": "1970-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "1970-01-01T00:00:00Z"}


def _remerge(root: Path, parents: Sequence[str]) -> tuple[str, set[str]] | None:
    """The tree git's own merge of ``parents`` gives, and the paths that conflicted; an
    octopus is merged one parent after the other, as git's octopus strategy does."""
    done = diffs.merge_tree(root, parents[0], parents[1])
    if done is None or len(parents) == 2:
        return done
    tree, conflicted = done
    head = parents[0]
    for i, parent in enumerate(parents[1:-1], start=1):
        head = process.run(root, "commit-tree", tree, "-p", head, "-p", parent, "-m",
                           "planscope re-merge", env=_WHO).decode().strip()
        step = diffs.merge_tree(root, head, parents[i + 1])
        if step is None:
            return None
        tree, conflicted = step[0], conflicted | step[1]
    return tree, conflicted


def _restored(root: Path, parents: Sequence[str], result: str) -> set[str]:
    """Paths the first parent deleted since its merge base with another parent, which the
    result has."""
    back = diffs.added(root, parents[0], result)
    if not back:
        return set()
    try:
        bases = [process.run(root, "merge-base", parents[0], p).decode().strip()
                 for p in parents[1:]]
    except process.GitError:  # unrelated histories: nothing was deleted since a common base
        return set()
    return back & set().union(*(diffs.deleted(root, b, parents[0]) for b in bases if b))
