"""The branch a commit was made on, after it was merged: the one its merge commit names.

A branch claims the commits made on it (``checker.judge.claims``, DESIGN §4). Once merged,
the branch's name is gone from the commits; a merge commit keeps it in its message, as git
and the forges write it:

- ``Merge branch 'NAME'`` (``… into TARGET``, ``… of URL``: git, GitLab);
- ``Merge remote-tracking branch 'REMOTE/NAME'``;
- ``Merge pull request #N from OWNER/NAME`` (GitHub).

The commits a merge brings are those reachable from its other parents and not from its
first parent. A commit two merges bring (a branch merged into a branch, then into main) is
the innermost's: the branch it was made on. A fast-forward or a squash leaves no merge
commit, so no name: trailers are what survive those. The message is the executor's to write,
like a trailer: naming a branch claims its slice, and the slice judges the commits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from checker.git import process, revs
from checker.git.formats import Commit

_NAMED = (
    re.compile(r"Merge branch '([^'\n]+)'"),
    re.compile(r"Merge remote-tracking branch '[^/'\n]+/([^'\n]+)'"),
    re.compile(r"Merge pull request #\d+ from [^/\s]+/(\S+)"),
)


def branch_named(subject: str) -> str | None:
    """The branch a merge commit's subject says it merged, or None."""
    for pattern in _NAMED:
        found = pattern.match(subject)
        if found:
            return found.group(1)
    return None


def merged_branches(commits: Sequence[Commit]) -> dict[str, str]:
    """commit → the branch the merge that brought it names, for the commits of ``commits``
    (in any order) a merge among them brought. Only these commits are walked: history
    outside them is not read. The newest commit's first-parent line is walked once (each
    commit seen once); within what a merge on it brought, a merge of a branch into that
    branch names its own commits (the innermost name wins)."""
    by_sha = {c.sha: c for c in commits}
    order = _topological(by_sha)
    parents = {p for c in commits for p in c.parents}
    on_line: set[str] = set()  # the first-parent lines of the heads
    for head in (c for c in reversed(commits) if c.sha not in parents):
        sha: str | None = head.sha
        while sha is not None and sha in by_sha and sha not in on_line:
            on_line.add(sha)
            sha = by_sha[sha].parents[0] if by_sha[sha].parents else None
    out: dict[str, str] = {}
    covered: set[str] = set()  # every ancestor of the lines so far
    for commit in sorted((by_sha[s] for s in on_line), key=lambda c: order[c.sha]):
        brought = _ancestors(by_sha, commit.parents[1:], covered)
        name = branch_named(commit.subject) if len(commit.parents) > 1 else None
        if name is not None:
            out.update(_inner(by_sha, brought, sorted(brought, key=order.__getitem__)))
            for sha in brought:
                out.setdefault(sha, name)
        covered |= brought | _ancestors(by_sha, [commit.sha], covered)
    return out


def _inner(by_sha: dict[str, Commit], brought: set[str], oldest_first: list[str]
           ) -> dict[str, str]:
    """Within ``brought``, the commits each named merge among them brought (the oldest, the
    innermost, first)."""
    out: dict[str, str] = {}
    for sha in oldest_first:
        merge = by_sha[sha]
        name = branch_named(merge.subject) if len(merge.parents) > 1 else None
        if name is None:
            continue
        first = _ancestors(by_sha, merge.parents[:1])
        for got in (_ancestors(by_sha, merge.parents[1:]) - first) & brought:
            out.setdefault(got, name)
    return out


def _topological(by_sha: dict[str, Commit]) -> dict[str, int]:
    """Each commit's place in an order where parents come before their children."""
    children: dict[str, list[str]] = {s: [] for s in by_sha}
    waiting = {s: 0 for s in by_sha}
    for c in by_sha.values():
        for p in c.parents:
            if p in by_sha:
                children[p].append(c.sha)
                waiting[c.sha] += 1
    ready = [s for s, n in waiting.items() if n == 0]
    out: dict[str, int] = {}
    while ready:
        sha = ready.pop()
        out[sha] = len(out)
        for child in children[sha]:
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    return out


def _ancestors(by_sha: dict[str, Commit], tips: Sequence[str],
               stop: set[str] | frozenset[str] = frozenset()) -> set[str]:
    """``tips`` and their ancestors among ``by_sha``, not walking past ``stop``."""
    seen: set[str] = set()
    todo = [t for t in tips if t in by_sha and t not in stop]
    while todo:
        sha = todo.pop()
        if sha in seen:
            continue
        seen.add(sha)
        todo.extend(p for p in by_sha[sha].parents
                    if p in by_sha and p not in seen and p not in stop)
    return seen


def merge_of(root: Path, commit: Commit, tip: str) -> str | None:
    """The branch named by the merge that brought ``commit`` into ``tip``'s history (the
    oldest merge on the way from it to ``tip`` whose first parent does not hold it), for one
    commit judged on its own; None when none did (or it has trailers of its own)."""
    if commit.plan_trailers or len(commit.parents) > 1:
        return None
    try:
        found = revs.log(root, "--ancestry-path", "--merges", f"{commit.sha}..{tip}")
    except process.GitError:
        return None
    for merge in found:  # oldest first: the first whose first parent lacks it brought it
        if not revs.is_ancestor(root, commit.sha, merge.parents[0]):
            return branch_named(merge.subject)
    return None
