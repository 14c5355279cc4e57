"""Revisions and commits: rev-parse, log (with trailers, with changes, with authors), blame, merge
bases, and the commits a target names."""


from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from checker.errors import BadInput
from checker.git import diffs, process, repository
from checker.git.formats import (
    LOG_FORMAT,
    STATS_FORMAT,
    Authored,
    Blamed,
    Change,
    Commit,
    abbrev,
    parse_authored,
    parse_blame,
    parse_log,
    parse_log_changes,
    parse_range,
)
from checker.record import record


def rev_parse(root: Path, rev: str) -> str:
    """Full commit id of ``rev``; BadInput naming the revision when it does not exist."""
    if rev.startswith("-"):
        raise process.GitError(f"not a revision: {rev}")
    try:
        return process.run(root, "rev-parse", "--verify", "--quiet", "--end-of-options",
                   f"{rev}^{{commit}}").decode().strip()
    except process.GitError:
        raise process.GitError(f"unknown revision {rev!r} (not a commit in this "
                               f"repository)") from None


def log(root: Path, *rev_args: str, paths: Sequence[str] = ()) -> list[Commit]:
    """Commits named by ``rev_args`` (rev-list syntax), oldest first, with their Plan trailers;
    with ``paths``, only the commits that touched them."""
    out = process.run(root, "log", "-z", "--no-color", "--encoding=UTF-8", f"--format={LOG_FORMAT}",
              *rev_args, "--",
              *(f":(literal){p}" for p in paths))
    return parse_log(out)


def blame_line(root: Path, path: str, line: int, rev: str | None = None) -> Blamed | None:
    """The commit that wrote line ``line`` of ``path`` as the work tree (or ``rev``) has it,
    renames followed, with the file's name and the line's number there (all zeros: not
    committed yet); BadInput when there is no such line."""
    try:
        out = process.run(root, "blame", "--porcelain", "-L", f"{line},{line}",
                  *([rev] if rev else []), "--", path)
    except process.GitError as exc:
        raise BadInput(f"{path}:{line}: {exc}".replace("git blame: ", "")) from None
    return parse_blame(out)


def history(root: Path, rev_args: Sequence[str]) -> tuple[list[tuple[Commit, list[Change]]],
                                                          dict[str, Authored]]:
    """Every commit ``rev_args`` names, oldest first, with its changes against its first
    parent (a merge: none) and who made it: two ``git log`` passes, whatever the count."""
    changes = parse_log_changes(process.run(root, "log", "-z", "--root", "--diff-merges=off",
                                    "--encoding=UTF-8", f"--format={LOG_FORMAT}",
                                    *diffs.NAME_STATUS, *rev_args, "--"))
    authored = parse_authored(process.run(root, "log", "-z", "--encoding=UTF-8",
                                  f"--format={STATS_FORMAT}", *rev_args, "--"))
    return changes, authored


def log_changes(root: Path, shas: Sequence[str]) -> dict[str, list[Change]]:
    """Each non-merge commit of ``shas`` with its changes against its parent (a root commit
    against the empty tree), from one ``git log`` (the ids on its stdin): what ``diff``
    gives commit by commit, without a process per commit. Merges are left out
    (``checker.merges`` reads them)."""
    if not shas:
        return {}
    out = process.run(root, "log", "--stdin", "--no-walk=unsorted", "--root", "--diff-merges=off",
              "--encoding=UTF-8", f"--format={LOG_FORMAT}", *diffs.NAME_STATUS, "--",
              stdin="\n".join(shas).encode() + b"\n")
    return {c.sha: changes for c, changes in parse_log_changes(out) if len(c.parents) <= 1}


def commit_base(root: Path, commit: Commit) -> str:
    """What a commit is diffed against: its first parent, or the empty tree for a root commit.

    The oldest commit of a shallow clone shows no parents without being a root commit:
    diffing it against the empty tree would call every file in the repository changed.
    """
    if commit.parents:
        return commit.parents[0]
    shallow = repository.git_path(root, "shallow")
    if shallow.is_file() and commit.sha in shallow.read_text(encoding="ascii", errors="replace"):
        raise process.GitError(
            f"commit {commit.short}: its parent is not in this shallow clone; fetch more "
            f"history (git fetch --deepen=50, or fetch-depth: 0 in actions/checkout)"
        )
    return repository.empty_tree(root)


def merge_base(root: Path, a: str, b: str) -> str:
    try:
        return process.run(root, "merge-base", a, b).decode().strip()
    except process.GitError:
        raise process.GitError(f"no common ancestor between {a} and {b}") from None


def tips(root: Path) -> list[str]:
    """The distinct commits every branch, tag and remote-tracking branch, and HEAD, point
    at now (the stash left out: its commits are no work of a branch)."""
    out = process.run(root, "for-each-ref", "--format=%(objectname) %(objecttype)",
                      "refs/heads", "refs/tags", "refs/remotes")
    found = [line.split()[0] for line in out.decode().splitlines()
             if line.endswith(" commit") or line.endswith(" tag")]
    head = head_commit(root)
    return list(dict.fromkeys([*found, *([head.sha] if head else [])]))


def made_since(root: Path, before: Sequence[str]) -> list[Commit]:
    """Commits every branch, tag, remote-tracking branch and HEAD reach now that none of
    the commits ``before`` reached, oldest first: what was committed anywhere since."""
    args = ["HEAD"] if head_commit(root) is not None else []
    return log(root, *args, "--branches", "--tags", "--remotes",
               *(["--not", *before] if before else []))


def head_commit(root: Path) -> Commit | None:
    """The commit HEAD points at; None on an unborn branch."""
    try:
        sha = rev_parse(root, "HEAD")
    except process.GitError:
        return None
    return log(root, "-1", sha)[0]



def is_ancestor(root: Path, ancestor: str, rev: str) -> bool:
    """Whether ``ancestor`` is ``rev`` or reachable from it."""
    try:
        process.run(root, "merge-base", "--is-ancestor", ancestor, rev)
    except process.GitError:
        return False
    return True


@record(frozen=True)
class Span:
    """The commits a target names, oldest first (merges included), and the whole diff they
    make together: ``base`` to ``head``."""

    label: str
    base: str
    head: str
    commits: tuple[Commit, ...]


def span(root: Path, kind: str, rev: str, exclude: Sequence[str] = ()) -> Span:
    """``commit`` REV (against its first parent), ``range`` A..B, or ``base`` REF (the
    changes on HEAD since its merge base with REF); ``exclude`` (rev-list arguments such as
    ``^BASELINE``) leaves commits out of a range's list, not out of its whole diff."""
    if kind == "commit":
        sha = rev_parse(root, rev)
        commit = log(root, "-1", sha)[0]
        return Span(f"commit {commit.short} {commit.subject!r}", commit_base(root, commit), sha,
                    (commit,))
    if kind == "range":
        a, b = (rev_parse(root, r) for r in parse_range(rev))
        return Span(f"range {rev}", a, b, tuple(log(root, f"{a}..{b}", *exclude)))
    if kind == "base":
        head = rev_parse(root, "HEAD")
        mb = merge_base(root, rev_parse(root, rev), head)
        return Span(f"changes since {abbrev(rev)}", mb, head,
                    tuple(log(root, f"{mb}..{head}", *exclude)))
    raise ValueError(kind)


def added_date(root: Path, path: str) -> str | None:
    """The author date (ISO 8601) of the oldest commit of HEAD's history that added
    ``path``; None when none did."""
    out = process.run(root, "log", "--diff-filter=A", "--format=%aI", "HEAD", "--",
                      f":(literal){path}")
    dates = out.decode("utf-8", "replace").split()
    return dates[-1] if dates else None
