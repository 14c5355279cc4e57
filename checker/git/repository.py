"""Where a work tree's repository lives and what it says of itself: top folder, git directories,
HEAD's branch, MERGE_HEAD, config, shallow clones, remotes."""


from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import NamedTuple

from checker.git import process


class Facts(NamedTuple):
    """Where a work tree's repository lives, all absolute."""

    top: Path  # the top folder of the work tree
    git_dir: Path  # this work tree's git directory (.git/worktrees/NAME in a linked one)
    common_dir: Path  # the directory every work tree shares (.git of the main one)
    hooks_dir: Path  # where git looks for hooks (core.hooksPath, else the common hooks/)


@functools.cache
def facts(cwd: Path) -> Facts:
    """One ``git rev-parse`` for the facts every command needs, remembered for the run;
    GitError outside a work tree."""
    try:
        out = process.run(cwd, "rev-parse", "--show-toplevel", "--absolute-git-dir",
                          "--git-common-dir", "--git-path", "hooks")
    except process.GitError:
        raise process.GitError(f"not inside a git repository: {cwd}") from None
    lines = os.fsdecode(out).rstrip("\n").split("\n")
    if len(lines) != 4:
        raise process.GitError(f"not inside a git repository: {cwd}")
    common, hooks = Path(lines[2]), Path(lines[3])
    return Facts(Path(lines[0]), Path(lines[1]),
                 common if common.is_absolute() else (cwd / common).resolve(),
                 hooks if hooks.is_absolute() else (cwd / hooks).resolve())


def git_dirs(place: Path) -> tuple[Path, ...] | None:
    """The git directory, common directory and hooks folder of the repository ``place``
    belongs to, and the ``.git`` entry of its work tree; also from inside a git directory
    (where ``facts`` fails: no work tree). None when it belongs to none."""
    try:
        if place.is_dir():
            found = facts(place)
            return found.git_dir, found.common_dir, found.hooks_dir, found.top / ".git"
    except process.GitError:
        pass
    folder = next((p for p in (place, *place.parents) if p.is_dir()), None)
    if folder is None:
        return None
    try:
        out = process.run(folder, "rev-parse", "--absolute-git-dir", "--git-common-dir",
                          "--git-path", "hooks")
    except process.GitError:
        return None
    lines = os.fsdecode(out).rstrip("\n").split("\n")
    if len(lines) != 3:
        return None
    git_dir, common, hooks = (Path(x) if Path(x).is_absolute() else (folder / x).resolve()
                              for x in lines)
    return git_dir, common, hooks


def repo_root(cwd: Path | None = None) -> Path:
    return facts(cwd or Path.cwd()).top


@functools.cache
def empty_tree(root: Path) -> str:
    """The id of the empty tree (what a root commit is diffed against)."""
    return process.run(root, "hash-object", "-t", "tree", "--stdin", stdin=b"").decode().strip()


def merge_heads(root: Path) -> list[str]:
    """The commits being merged in (MERGE_HEAD), while a merge is being concluded."""
    try:
        text = (facts(root).git_dir / "MERGE_HEAD").read_text("ascii")
    except (OSError, UnicodeDecodeError):
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


def commit_parents(root: Path) -> list[str]:
    """The parents the commit being made will have, as ``git commit`` computes them: HEAD
    (none on an unborn branch), then each MERGE_HEAD while a merge is being concluded; unless
    MERGE_MODE says ``no-ff``, git drops a parent another one reaches, so a MERGE_HEAD that
    HEAD already has makes an ordinary commit."""
    head = [] if not has_commits(root) else [
        process.run(root, "rev-parse", "--verify", "HEAD^{commit}").decode().strip()]
    merging = merge_heads(root)
    if not merging:
        return head
    parents = list(dict.fromkeys([*head, *merging]))
    try:
        mode = (facts(root).git_dir / "MERGE_MODE").read_text("ascii")
    except (OSError, UnicodeDecodeError):
        mode = ""
    if "no-ff" in mode.split() or len(parents) < 2:
        return parents
    kept = set(process.run(root, "merge-base", "--independent", *parents).decode().split())
    return [p for p in parents if p in kept]


def has_commits(root: Path) -> bool:
    """False on an unborn branch (a new repository before its first commit)."""
    try:
        process.run(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    except process.GitError:
        return False
    return True


def current_branch(root: Path) -> str | None:
    """The checked-out branch's name; None when HEAD is detached. HEAD is read the way git
    writes it (``ref: refs/heads/NAME``); anything else (the reftable format's placeholder)
    is asked of git."""
    try:
        head = (facts(root).git_dir / "HEAD").read_bytes().decode("utf-8", "replace").strip()
    except OSError:
        head = ""
    name = head.removeprefix("ref: refs/heads/")
    if name != head and name and name != ".invalid":
        return name
    if len(head) in (40, 64) and all(c in "0123456789abcdef" for c in head):
        return None  # detached
    try:
        out = process.run(root, "symbolic-ref", "--quiet", "--short", "HEAD")
    except process.GitError:
        return None
    return out.decode("utf-8", "replace").strip() or None


def common_dir(root: Path) -> Path:
    """The repository's shared git directory (``.git`` of the main worktree), absolute."""
    return facts(root).common_dir


def locate(cwd: Path) -> tuple[Path, Path] | None:
    """(top of the work tree, this work tree's own git directory), both absolute; None when
    ``cwd`` is not inside a work tree. In a linked worktree the git directory is
    ``.git/worktrees/NAME``, so what is kept there is per worktree."""
    if not cwd.is_dir():
        return None
    try:
        found = facts(cwd)
    except process.GitError:
        return None
    return found.top, found.git_dir


def git_path(root: Path, name: str) -> Path:
    """``git rev-parse --git-path NAME``, absolute: worktree-aware, and ``hooks`` follows
    ``core.hooksPath`` the way git itself does when it looks for a hook."""
    out = os.fsdecode(process.run(root, "rev-parse", "--git-path", name).rstrip(b"\n"))
    path = Path(out)
    return path if path.is_absolute() else root / path


# The settings the commit path reads, read by one git call (names as git prints them).
SETTINGS = ("commit.cleanup", "core.commentstring", "core.commentchar", "core.ignorecase",
            "core.precomposeunicode")


def settings(root: Path) -> dict[str, str | None]:
    """``SETTINGS`` as set (the last value of each; None for a key given without ``=``,
    which git reads as true); unset ones are absent. One ``git config`` call, not one a key."""
    pattern = "^(" + "|".join(k.replace(".", "\\.") for k in SETTINGS) + ")$"
    try:
        out = process.run(root, "config", "-z", "--get-regexp", pattern)
    except process.GitError:  # none is set
        return {}
    found: dict[str, str | None] = {}
    for item in out.split(b"\0"):
        if item:
            key, sep, value = item.decode("utf-8", "replace").partition("\n")
            found[key.lower()] = value if sep else None
    return found


def config_get(root: Path, key: str) -> str | None:
    """The value of a git config key (the last one when set several times); None when unset."""
    if key.lower() in SETTINGS:
        found = settings(root)
        return (found[key.lower()] or "") if key.lower() in found else None
    try:
        out = process.run(root, "config", "--get", key)
    except process.GitError:
        return None
    return out.decode("utf-8", "replace").rstrip("\n")


def _true(value: str | None) -> bool:
    """A git boolean: a key without a value, true/yes/on, or a non-zero number."""
    if value is None:
        return True
    word = value.strip().lower()
    if word in ("true", "yes", "on"):
        return True
    try:  # git's integers take a k, m or g unit
        return int(word[:-1] if word[-1:] in ("k", "m", "g") else word) != 0
    except ValueError:  # false, no, off, empty; and what git would refuse as a boolean
        return False


def name_folding(root: Path) -> tuple[bool, bool]:
    """(ignore case, compare in NFC): whether git compares names in this repository ignoring
    case (``core.ignorecase``) or in NFC (``core.precomposeUnicode``), as ``git init`` sets
    them on such a file system."""
    found = settings(root)
    return (_true(found["core.ignorecase"]) if "core.ignorecase" in found else False,
            _true(found["core.precomposeunicode"]) if "core.precomposeunicode" in found
            else False)


def config_set_local(root: Path, key: str, value: str) -> None:
    process.run(root, "config", "--local", key, value)


def config_unset_local(root: Path, key: str) -> None:
    process.run(root, "config", "--local", "--unset-all", key)


def remote_default(root: Path, remote: str) -> str | None:
    """The remote's default branch as a remote-tracking name (``origin/main``): its HEAD when
    known (set by clone or ``git remote set-head``), else ``main`` or ``master`` when that
    exists; None when nothing tells."""
    try:
        ref = process.run(root, "symbolic-ref", "--quiet", f"refs/remotes/{remote}/HEAD")
        return ref.decode().strip().removeprefix("refs/remotes/")
    except process.GitError:
        pass
    for name in ("main", "master"):
        if commit_exists(root, f"refs/remotes/{remote}/{name}"):
            return f"{remote}/{name}"
    return None


def is_shallow(root: Path) -> bool:
    """Whether this clone is shallow (``git clone --depth N``, ``actions/checkout``'s default)."""
    out = process.run(root, "rev-parse", "--is-shallow-repository")
    return out.strip() == b"true"


def shallow_boundary(root: Path) -> set[str]:
    """The commits whose parents a shallow clone does not have (empty when not shallow)."""
    try:
        text = git_path(root, "shallow").read_text(encoding="ascii")
    except OSError:
        return set()
    return {line.strip() for line in text.splitlines() if line.strip()}

def commit_exists(root: Path, sha: str) -> bool:
    """Whether ``sha`` names a commit present in this repository."""
    try:
        process.run(root, "cat-file", "-e", f"{sha}^{{commit}}")
    except process.GitError:
        return False
    return True


def identity(root: Path) -> str:
    """Who git says the user is: ``Name <email>`` (``git var GIT_COMMITTER_IDENT``)."""
    try:
        ident = process.run(root, "var", "GIT_COMMITTER_IDENT").decode("utf-8", "replace")
    except process.GitError:
        return "unknown"
    return ident.rsplit(">", 1)[0] + ">" if ">" in ident else ident.strip() or "unknown"
