"""What changed: trees, the index and the work tree compared (names with -z, pinned options), line
counts, hunks, git's own re-merge."""


from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from checker.git import process
from checker.git.formats import (
    Change,
    parse_hidden,
    parse_name_status,
    parse_numstat,
    parse_status,
)

NAME_STATUS = (
    "--no-color",
    "--no-ext-diff",
    "--no-relative",
    "--ignore-submodules=none",
    "--name-status",
    "-z",
    "-M",
)


def diff(root: Path, *revs: str, cached: bool = False) -> list[Change]:
    """Changes between two trees (``diff(root, A, B)``) or of the index (``cached=True``)."""
    args = ["diff", *NAME_STATUS]
    if cached:
        args.append("--cached")
    return parse_name_status(process.run(root, *args, *revs, "--"))


def changed_names(root: Path, a: str, b: str) -> set[str]:
    """Every path that differs between two trees (renames as their two names)."""
    out = process.run(root, "diff", "--no-color", "--no-ext-diff", "--no-relative", "--no-renames",
              "--ignore-submodules=none", "--name-only", "-z", a, b, "--")
    return {os.fsdecode(name) for name in out.split(b"\0") if name}


def merge_tree(root: Path, ours: str, theirs: str) -> tuple[str, set[str]] | None:
    """The tree git's own merge of two commits gives, conflicts left in as markers, and the
    paths that conflicted (``git merge-tree --write-tree``, git 2.38 and later); None when
    git cannot say."""
    try:
        out = process.run(root, "merge-tree", "--write-tree", "--no-messages", "--name-only",
                          "-z", ours, theirs, ok=(0, 1))
    except process.GitError:
        return None
    first, *conflicted = out.split(b"\0")
    tree = first.decode("ascii", "replace").strip()
    if len(tree) not in (40, 64) or any(c not in "0123456789abcdef" for c in tree):
        return None
    return tree, {os.fsdecode(p) for p in conflicted if p}


def deleted(root: Path, a: str, b: str) -> set[str]:
    """The paths ``a`` has and ``b`` does not."""
    return _filtered(root, a, b, "D")


def added(root: Path, a: str, b: str) -> set[str]:
    """The paths ``b`` has and ``a`` does not."""
    return _filtered(root, a, b, "A")


def _filtered(root: Path, a: str, b: str, status: str) -> set[str]:
    out = process.run(root, "diff", "--no-color", "--no-ext-diff", "--no-relative",
                      "--no-renames", f"--diff-filter={status}", "--name-only", "-z", a, b, "--")
    return {os.fsdecode(name) for name in out.split(b"\0") if name}


def write_tree(root: Path) -> str:
    """The tree the index holds (what the commit being made will record)."""
    return process.run(root, "write-tree").decode("ascii").strip()


def staged(root: Path) -> list[Change]:
    return diff(root, cached=True)


def status_paths(root: Path) -> list[str]:
    """Every path the work tree or the index changes against HEAD, and every untracked file
    not ignored (one ``git status``)."""
    return parse_status(process.run(root, "status", "--porcelain=v2", "-z", "--untracked-files=all",
                            "--ignore-submodules=none"))


def hidden_paths(root: Path) -> set[str]:
    """Tracked paths whose work-tree changes git does not see (``update-index
    --assume-unchanged`` or ``--skip-worktree``)."""
    return parse_hidden(process.run(root, "ls-files", "-v", "-z", "--full-name"))


def worktree_changes(root: Path, base: str) -> list[Change]:
    """The work tree against the commit or tree ``base``: tracked files as ``git diff BASE``
    sees them, and the untracked files not ignored, as added."""
    changes = diff(root, base)
    out = process.run(root, "ls-files", "--others", "--exclude-standard", "-z", "--full-name")
    known = {p for c in changes for p in c.paths}
    changes += [Change("A", name) for name in
                (os.fsdecode(n) for n in out.split(b"\0") if n) if name not in known]
    return changes


def changed_lines(root: Path, *revs: str, cached: bool = False) -> int | None:
    """Added plus deleted lines (``None`` when a binary file is among the changes); a rename
    counts as the deletion of one file and the addition of the other (moving code is change)."""
    args = ["diff", "--no-color", "--no-ext-diff", "--no-relative", "--numstat", "-z",
            "--no-renames"]
    if cached:
        args.append("--cached")
    return parse_numstat(process.run(root, *args, *revs, "--"))


def hunks(root: Path, *revs: str, cached: bool = False, paths: Sequence[str]) -> bytes:
    """The unified diff (3 lines of context) of ``paths`` only, between two trees or of the
    index (``cached=True``). Binary files show as "Binary files … differ", never their bytes;
    textconv filters are not run. An empty ``paths`` gives an empty diff, not the whole one."""
    if not paths:
        return b""
    args = ["diff", "-U3", "--no-color", "--no-ext-diff", "--no-textconv", "--no-relative",
            "--src-prefix=a/", "--dst-prefix=b/", "-M"]
    if cached:
        args.append("--cached")
    return process.run(root, *args, *revs, "--", *(f":(literal){p}" for p in paths))


def unstaged(root: Path, paths: Sequence[str]) -> list[str]:
    """Which of ``paths`` (files or folders) differ between the working tree and the index."""
    out = process.run(root, "diff", "--no-color", "--no-ext-diff", "--no-relative",
                      "--name-only", "-z", "--", *(f":(top,literal){p}" for p in paths))
    return [os.fsdecode(p) for p in out.split(b"\0") if p]
