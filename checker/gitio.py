"""The only module that runs git. Names are read with ``-z``; user config cannot change
what is read (no colour, no external diff, no relative paths, explicit rename detection).

``GIT_INDEX_FILE`` and friends are inherited on purpose: inside ``git commit -a`` or
``git commit -- path`` the index being committed is a temporary one.
"""

from __future__ import annotations

import functools
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from checker.errors import BadInput

NAME_STATUS = (
    "--no-color",
    "--no-ext-diff",
    "--no-relative",
    "--ignore-submodules=none",
    "--name-status",
    "-z",
    "-M",
)


class GitError(BadInput):
    """git failed or the repository is not in a state we can read."""


def run(root: Path | None, *args: str, stdin: bytes | None = None) -> bytes:
    """Run ``git args`` in ``root``; a failure raises GitError with git's first error line."""
    try:
        proc = subprocess.run(
            ("git", *args),
            cwd=root,
            input=stdin,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = lines[0] if lines else f"exit code {proc.returncode}"
        raise GitError(f"git {args[0]}: {reason.removeprefix('fatal: ')}")
    return proc.stdout


def repo_root(cwd: Path | None = None) -> Path:
    try:
        out = run(cwd, "rev-parse", "--show-toplevel")
    except GitError:
        raise GitError(f"not inside a git repository: {cwd or Path.cwd()}") from None
    return Path(os.fsdecode(out.rstrip(b"\n")))


@dataclass(frozen=True)
class Change:
    """One changed path. ``old_path`` is set for renames (status ``R``)."""

    status: str  # A C D M R T U X (one letter)
    path: str
    old_path: str | None = None

    @property
    def paths(self) -> tuple[str, ...]:
        """The paths this change touches: a rename touches both names."""
        if self.status == "R" and self.old_path is not None:
            return (self.old_path, self.path)
        return (self.path,)


def parse_name_status(out: bytes) -> list[Change]:
    """Parse ``git diff --name-status -z`` output."""
    fields = out.split(b"\0")
    if fields and fields[-1] == b"":
        fields.pop()
    changes: list[Change] = []
    i = 0
    while i < len(fields):
        letter = fields[i][:1].decode("ascii")
        if letter in ("R", "C"):
            old, new = os.fsdecode(fields[i + 1]), os.fsdecode(fields[i + 2])
            # a copy leaves its source untouched: only the new path changed
            changes.append(Change(letter, new, old if letter == "R" else None))
            i += 3
        else:
            changes.append(Change(letter, os.fsdecode(fields[i + 1])))
            i += 2
    return changes


@functools.cache
def empty_tree(root: Path) -> str:
    """The id of the empty tree (what a root commit is diffed against)."""
    return run(root, "hash-object", "-t", "tree", "--stdin", stdin=b"").decode().strip()


def rev_parse(root: Path, rev: str) -> str:
    """Full commit id of ``rev``; BadInput naming the revision when it does not exist."""
    if rev.startswith("-"):
        raise GitError(f"not a revision: {rev}")
    try:
        return run(root, "rev-parse", "--verify", "--quiet", "--end-of-options",
                   f"{rev}^{{commit}}").decode().strip()
    except GitError:
        raise GitError(f"unknown revision {rev!r} (not a commit in this repository)") from None


def diff(root: Path, *revs: str, cached: bool = False) -> list[Change]:
    """Changes between two trees (``diff(root, A, B)``) or of the index (``cached=True``)."""
    args = ["diff", *NAME_STATUS]
    if cached:
        args.append("--cached")
    return parse_name_status(run(root, *args, *revs, "--"))


def staged(root: Path) -> list[Change]:
    return diff(root, cached=True)


def changed_lines(root: Path, *revs: str, cached: bool = False) -> int | None:
    """Added plus deleted lines (``None`` when a binary file is among the changes)."""
    args = ["diff", "--no-color", "--no-ext-diff", "--no-relative", "--numstat", "-z", "-M"]
    if cached:
        args.append("--cached")
    total = 0
    for record in run(root, *args, *revs, "--").split(b"\0"):
        parts = record.split(b"\t")
        if len(parts) < 3:
            continue
        if parts[0] == b"-" or parts[1] == b"-":
            return None
        total += int(parts[0]) + int(parts[1])
    return total


@dataclass(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    subject: str
    plan_trailers: tuple[str, ...]  # values of every ``Plan:`` trailer, in order

    @property
    def short(self) -> str:
        return self.sha[:9]


_LOG_FORMAT = "%H%x1f%P%x1f%s%x1f%(trailers:key=Plan,valueonly,separator=%x1e)"


def log(root: Path, *rev_args: str) -> list[Commit]:
    """Commits named by ``rev_args`` (rev-list syntax), oldest first, with their Plan trailers."""
    out = run(root, "log", "-z", "--no-color", f"--format={_LOG_FORMAT}", *rev_args, "--")
    commits = []
    for record in out.split(b"\0"):
        if not record:
            continue
        sha, parent_ids, subject, trailers = record.decode("utf-8", "replace").split("\x1f", 3)
        values = tuple(v.strip() for v in trailers.split("\x1e") if v.strip())
        commits.append(Commit(sha, tuple(parent_ids.split()), subject, values))
    commits.reverse()
    return commits


def merge_base(root: Path, a: str, b: str) -> str:
    try:
        return run(root, "merge-base", a, b).decode().strip()
    except GitError:
        raise GitError(f"no common ancestor between {a} and {b}") from None


def message_trailers(root: Path, message: str) -> list[tuple[str, str]]:
    """(key, value) trailers of a commit message, parsed by ``git interpret-trailers``."""
    out = run(root, "interpret-trailers", "--parse", "--no-divider",
              stdin=message.encode("utf-8", "surrogateescape"))
    pairs = []
    for line in out.decode("utf-8", "replace").splitlines():
        key, sep, value = line.partition(":")
        if sep:
            pairs.append((key.strip(), value.strip()))
    return pairs


def current_branch(root: Path) -> str | None:
    """The checked-out branch's short name; None when HEAD is detached."""
    try:
        out = run(root, "symbolic-ref", "--quiet", "--short", "HEAD")
    except GitError:
        return None
    return out.decode("utf-8", "replace").strip() or None


def tracked_files(root: Path, rev: str) -> set[str]:
    """Every file path in the tree of ``rev``."""
    out = run(root, "ls-tree", "-r", "-z", "--name-only", "--full-tree", rev)
    return {os.fsdecode(p) for p in out.split(b"\0") if p}
