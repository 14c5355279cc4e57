"""The only module that runs git. Names are read with ``-z``; user config cannot change
what is read (no colour, no external diff, no relative paths, explicit rename detection).

``GIT_INDEX_FILE`` and friends are inherited on purpose: inside ``git commit -a`` or
``git commit -- path`` the index being committed is a temporary one.
"""

from __future__ import annotations

import functools
import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from checker import files
from checker.errors import BadInput
from checker.gitformats import (
    LOG_FORMAT,
    STATS_FORMAT,
    Authored,
    Blamed,
    Change,
    Commit,
    abbrev,
    auto_comment_prefix,
    clean_message,
    parse_authored,
    parse_batch,
    parse_blame,
    parse_hidden,
    parse_log,
    parse_log_changes,
    parse_name_status,
    parse_numstat,
    parse_range,
    parse_status,
)
from checker.globs import Fold

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


def run(root: Path | None, *args: str, stdin: bytes | None = None,
        ok: Sequence[int] = (0,)) -> bytes:
    """Run ``git args`` in ``root``; an exit code not in ``ok`` raises GitError with git's
    first error line."""
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
    if proc.returncode not in ok:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = lines[0] if lines else f"exit code {proc.returncode}"
        raise GitError(f"git {args[0]}: {reason.removeprefix('fatal: ')}")
    return proc.stdout


class Facts(NamedTuple):
    """Where a work tree's repository lives, all absolute."""

    top: Path  # the top folder of the work tree
    git_dir: Path  # this work tree's git directory (.git/worktrees/NAME in a linked one)
    common_dir: Path  # the directory every work tree shares (.git of the main one)


@functools.cache
def facts(cwd: Path) -> Facts:
    """One ``git rev-parse`` for the facts every command needs, remembered for the run;
    GitError outside a work tree."""
    try:
        out = run(cwd, "rev-parse", "--show-toplevel", "--absolute-git-dir", "--git-common-dir")
    except GitError:
        raise GitError(f"not inside a git repository: {cwd}") from None
    lines = os.fsdecode(out).rstrip("\n").split("\n")
    if len(lines) != 3:
        raise GitError(f"not inside a git repository: {cwd}")
    common = Path(lines[2])
    return Facts(Path(lines[0]), Path(lines[1]),
                 common if common.is_absolute() else (cwd / common).resolve())


def repo_root(cwd: Path | None = None) -> Path:
    return facts(cwd or Path.cwd()).top


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


def changed_names(root: Path, a: str, b: str) -> set[str]:
    """Every path that differs between two trees (renames as their two names)."""
    out = run(root, "diff", "--no-color", "--no-ext-diff", "--no-relative", "--no-renames",
              "--ignore-submodules=none", "--name-only", "-z", a, b, "--")
    return {os.fsdecode(name) for name in out.split(b"\0") if name}


def merge_tree(root: Path, ours: str, theirs: str) -> str | None:
    """The tree git's own merge of two commits gives, conflicts left in as markers
    (``git merge-tree --write-tree``, git 2.38 and later); None when git cannot say."""
    try:
        out = run(root, "merge-tree", "--write-tree", "--no-messages", ours, theirs, ok=(0, 1))
    except GitError:
        return None
    first = out.split(b"\n", 1)[0].decode("ascii", "replace").strip()
    return first if len(first) in (40, 64) and all(c in "0123456789abcdef" for c in first) \
        else None


def write_tree(root: Path) -> str:
    """The tree the index holds (what the commit being made will record)."""
    return run(root, "write-tree").decode("ascii").strip()


def merge_heads(root: Path) -> list[str]:
    """The commits being merged in (MERGE_HEAD), while a merge is being concluded."""
    try:
        text = (facts(root).git_dir / "MERGE_HEAD").read_text("ascii")
    except (OSError, UnicodeDecodeError):
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


def staged(root: Path) -> list[Change]:
    return diff(root, cached=True)


# What an executor could set in the repository's config to make git overlook its changes
# (a file restored to its size and time, an fsmonitor hook that runs its own code and
# answers "nothing changed"): planscope run's own git calls override it.
WATCHFUL = (("core.fsmonitor", "false"), ("core.checkStat", "default"),
            ("core.trustctime", "true"), ("core.untrackedCache", "false"),
            ("core.ignoreStat", "false"))


def watchful_config(env: Mapping[str, str]) -> dict[str, str]:
    """Environment entries (``GIT_CONFIG_COUNT``/``KEY``/``VALUE``, git 2.31 and later) that
    add ``WATCHFUL`` after any the caller already has."""
    try:
        count = int(env.get("GIT_CONFIG_COUNT", "0"))
    except ValueError:
        count = 0
    out = {"GIT_CONFIG_COUNT": str(count + len(WATCHFUL))}
    for i, (key, value) in enumerate(WATCHFUL, start=count):
        out[f"GIT_CONFIG_KEY_{i}"], out[f"GIT_CONFIG_VALUE_{i}"] = key, value
    return out


def status_paths(root: Path) -> list[str]:
    """Every path the work tree or the index changes against HEAD, and every untracked file
    not ignored (one ``git status``)."""
    return parse_status(run(root, "status", "--porcelain=v2", "-z", "--untracked-files=all",
                            "--ignore-submodules=none"))


def hidden_paths(root: Path) -> set[str]:
    """Tracked paths whose work-tree changes git does not see (``update-index
    --assume-unchanged`` or ``--skip-worktree``)."""
    return parse_hidden(run(root, "ls-files", "-v", "-z", "--full-name"))


def worktree_changes(root: Path, base: str) -> list[Change]:
    """The work tree against the commit or tree ``base``: tracked files as ``git diff BASE``
    sees them, and the untracked files not ignored, as added."""
    changes = diff(root, base)
    out = run(root, "ls-files", "--others", "--exclude-standard", "-z", "--full-name")
    known = {p for c in changes for p in c.paths}
    changes += [Change("A", name) for name in
                (os.fsdecode(n) for n in out.split(b"\0") if n) if name not in known]
    return changes


def changed_lines(root: Path, *revs: str, cached: bool = False) -> int | None:
    """Added plus deleted lines (``None`` when a binary file is among the changes)."""
    args = ["diff", "--no-color", "--no-ext-diff", "--no-relative", "--numstat", "-z", "-M"]
    if cached:
        args.append("--cached")
    return parse_numstat(run(root, *args, *revs, "--"))


def log(root: Path, *rev_args: str, paths: Sequence[str] = ()) -> list[Commit]:
    """Commits named by ``rev_args`` (rev-list syntax), oldest first, with their Plan trailers;
    with ``paths``, only the commits that touched them."""
    out = run(root, "log", "-z", "--no-color", "--encoding=UTF-8", f"--format={LOG_FORMAT}",
              *rev_args, "--",
              *(f":(literal){p}" for p in paths))
    return parse_log(out)


def blame_line(root: Path, path: str, line: int, rev: str | None = None) -> Blamed | None:
    """The commit that wrote line ``line`` of ``path`` as the work tree (or ``rev``) has it,
    renames followed, with the file's name and the line's number there (all zeros: not
    committed yet); BadInput when there is no such line."""
    try:
        out = run(root, "blame", "--porcelain", "-L", f"{line},{line}",
                  *([rev] if rev else []), "--", path)
    except GitError as exc:
        raise BadInput(f"{path}:{line}: {exc}".replace("git blame: ", "")) from None
    return parse_blame(out)


def history(root: Path, rev_args: Sequence[str]) -> tuple[list[tuple[Commit, list[Change]]],
                                                          dict[str, Authored]]:
    """Every commit ``rev_args`` names, oldest first, with its changes against its first
    parent (a merge: none) and who made it: two ``git log`` passes, whatever the count."""
    changes = parse_log_changes(run(root, "log", "-z", "--root", "--diff-merges=off",
                                    "--encoding=UTF-8", f"--format={LOG_FORMAT}",
                                    *NAME_STATUS, *rev_args, "--"))
    authored = parse_authored(run(root, "log", "-z", "--encoding=UTF-8",
                                  f"--format={STATS_FORMAT}", *rev_args, "--"))
    return changes, authored


def log_changes(root: Path, shas: Sequence[str]) -> dict[str, list[Change]]:
    """Each non-merge commit of ``shas`` with its changes against its parent (a root commit
    against the empty tree), from one ``git log`` (the ids on its stdin): what ``diff``
    gives commit by commit, without a process per commit. Merges are left out
    (``checker.merges`` reads them)."""
    if not shas:
        return {}
    out = run(root, "log", "--stdin", "--no-walk=unsorted", "--root", "--diff-merges=off",
              "--encoding=UTF-8", f"--format={LOG_FORMAT}", *NAME_STATUS, "--",
              stdin="\n".join(shas).encode() + b"\n")
    return {c.sha: changes for c, changes in parse_log_changes(out) if len(c.parents) <= 1}


def commit_base(root: Path, commit: Commit) -> str:
    """What a commit is diffed against: its first parent, or the empty tree for a root commit.

    The oldest commit of a shallow clone shows no parents without being a root commit:
    diffing it against the empty tree would call every file in the repository changed.
    """
    if commit.parents:
        return commit.parents[0]
    shallow = git_path(root, "shallow")
    if shallow.is_file() and commit.sha in shallow.read_text(encoding="ascii", errors="replace"):
        raise GitError(
            f"commit {commit.short}: its parent is not in this shallow clone; fetch more "
            f"history (git fetch --deepen=50, or fetch-depth: 0 in actions/checkout)"
        )
    return empty_tree(root)


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


def has_commits(root: Path) -> bool:
    """False on an unborn branch (a new repository before its first commit)."""
    try:
        run(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    except GitError:
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
        out = run(root, "symbolic-ref", "--quiet", "--short", "HEAD")
    except GitError:
        return None
    return out.decode("utf-8", "replace").strip() or None


def tracked_files(root: Path, rev: str) -> set[str]:
    """Every file path in the tree of ``rev``."""
    out = run(root, "ls-tree", "-r", "-z", "--name-only", "--full-tree", rev)
    return {os.fsdecode(p) for p in out.split(b"\0") if p}


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
    return run(root, *args, *revs, "--", *(f":(literal){p}" for p in paths))


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
    except GitError:
        return None
    return found.top, found.git_dir


def git_path(root: Path, name: str) -> Path:
    """``git rev-parse --git-path NAME``, absolute: worktree-aware, and ``hooks`` follows
    ``core.hooksPath`` the way git itself does when it looks for a hook."""
    out = os.fsdecode(run(root, "rev-parse", "--git-path", name).rstrip(b"\n"))
    path = Path(out)
    return path if path.is_absolute() else root / path


def config_get(root: Path, key: str) -> str | None:
    """The value of a git config key (the last one when set several times); None when unset."""
    try:
        out = run(root, "config", "--get", key)
    except GitError:
        return None
    return out.decode("utf-8", "replace").rstrip("\n")


def fold(root: Path) -> Fold:
    """Whether git compares names in this repository ignoring case (``core.ignorecase``) or
    in NFC (``core.precomposeUnicode``): set by ``git init`` on such a file system."""
    try:
        out = run(root, "config", "-z", "--type=bool", "--get-regexp",
                  r"^core\.(ignorecase|precomposeunicode)$")
    except GitError:  # neither is set
        return Fold()
    values = dict(item.split(b"\n", 1) for item in out.split(b"\0") if b"\n" in item)
    return Fold(values.get(b"core.ignorecase") == b"true",
                values.get(b"core.precomposeunicode") == b"true")


def config_set_local(root: Path, key: str, value: str) -> None:
    run(root, "config", "--local", key, value)


def config_unset_local(root: Path, key: str) -> None:
    run(root, "config", "--local", "--unset-all", key)


def head_commit(root: Path) -> Commit | None:
    """The commit HEAD points at; None on an unborn branch."""
    try:
        sha = rev_parse(root, "HEAD")
    except GitError:
        return None
    return log(root, "-1", sha)[0]


def commit_exists(root: Path, sha: str) -> bool:
    """Whether ``sha`` names a commit present in this repository."""
    try:
        run(root, "cat-file", "-e", f"{sha}^{{commit}}")
    except GitError:
        return False
    return True


INDEX = ""  # as a revision: the index (what the next commit will hold)


def where(rev: str) -> str:
    """A revision as messages name it."""
    return "in the index" if rev == INDEX else f"at {rev[:9]}"


def show(root: Path, rev: str, path: str) -> bytes | None:
    """The bytes of ``path`` as committed at ``rev`` (``git show REV:PATH``, no textconv), or
    as staged in the index for ``INDEX``; None when there is no file there. An unknown
    ``rev`` raises GitError."""
    try:
        return run(root, "cat-file", "blob", f"{rev}:{path}")
    except GitError:
        if rev != INDEX and not commit_exists(root, rev):
            raise GitError(f"unknown revision {rev!r} (not a commit in this repository)") from None
        return None


def show_text(root: Path, rev: str, path: str, max_bytes: int) -> str | None:
    """``show`` decoded as UTF-8; BadInput when the file is larger than ``max_bytes`` or is
    not UTF-8 text; None when ``rev`` has no file there."""
    raw = show(root, rev, path)
    return None if raw is None else text_of(raw, rev, path, max_bytes)


def read_blobs(root: Path, ids: Sequence[str]) -> dict[str, bytes]:
    """blob id → its bytes, for many blobs from one ``git cat-file --batch``; an id that
    names no blob is left out."""
    if not ids:
        return {}
    return parse_batch(run(root, "cat-file", "--batch", stdin="".join(
        f"{i}\n" for i in ids).encode("ascii")))


def read_at(root: Path, specs: Sequence[str]) -> list[bytes | None]:
    """The bytes of each ``REV:PATH`` of ``specs``, in order (None where there is no such
    file), from one ``git cat-file --batch``. A spec holding a newline is not asked."""
    asked = [spec for spec in specs if "\n" not in spec]
    out = run(root, "cat-file", "--batch", stdin="".join(f"{s}\n" for s in asked).encode(
        "utf-8", "surrogateescape")) if asked else b""
    found: dict[str, bytes | None] = {}
    at = 0
    for spec in asked:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            found[spec] = out[at:at + size]
            at += size + 1
        else:
            if len(header) == 3:  # a tree or a commit there: skip its content
                at += int(header[2]) + 1
            found[spec] = None
    return [found.get(spec) for spec in specs]


def text_of(raw: bytes, rev: str, path: str, max_bytes: int) -> str:
    """A file's bytes at ``rev`` as UTF-8 text; BadInput when it is larger than
    ``max_bytes`` or is not UTF-8."""
    name = f"{path} ({where(rev)})"
    if len(raw) > max_bytes:
        raise BadInput(f"{name}: file is {len(raw)} bytes, larger than the {max_bytes} allowed")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{name}: not UTF-8 text (byte {exc.start})") from None


def files_under(root: Path, rev: str, folder: str) -> list[str]:
    """Paths of the files committed under ``folder`` at ``rev`` (staged, for ``INDEX``),
    sorted."""
    spec = "." if folder in ("", ".") else folder
    if rev == INDEX:
        out = run(root, "ls-files", "-z", "--cached", "--full-name", "--", f":(top){spec}")
        return sorted({os.fsdecode(p) for p in out.split(b"\0") if p})
    out = run(root, "ls-tree", "-r", "-z", "--name-only", "--full-tree", rev, "--", spec)
    return sorted(os.fsdecode(p) for p in out.split(b"\0") if p)


def unstaged(root: Path, paths: Sequence[str]) -> list[str]:
    """Which of ``paths`` (files or folders) differ between the working tree and the index."""
    out = run(root, "diff", "--no-color", "--no-ext-diff", "--no-relative", "--name-only", "-z",
              "--", *(f":(top,literal){p}" for p in paths))
    return [os.fsdecode(p) for p in out.split(b"\0") if p]


def blob_ids(root: Path, rev: str, folder: str) -> dict[str, str]:
    """path → blob id of the files under ``folder`` at ``rev`` (staged, for ``INDEX``): what
    they hold, named by one git call, without reading them."""
    spec = "." if folder in ("", ".") else folder
    if rev == INDEX:
        out = run(root, "ls-files", "-s", "-z", "--full-name", "--", f":(top){spec}")
        rows = (line.split(b"\t", 1) for line in out.split(b"\0") if line)
        return {os.fsdecode(path): meta.split()[1].decode() for meta, path in rows}
    out = run(root, "ls-tree", "-r", "-z", "--full-tree", rev, "--", spec)
    rows = (line.split(b"\t", 1) for line in out.split(b"\0") if line)
    return {os.fsdecode(path): meta.split()[2].decode() for meta, path in rows}


def remote_default(root: Path, remote: str) -> str | None:
    """The remote's default branch as a remote-tracking name (``origin/main``): its HEAD when
    known (set by clone or ``git remote set-head``), else ``main`` or ``master`` when that
    exists; None when nothing tells."""
    try:
        ref = run(root, "symbolic-ref", "--quiet", f"refs/remotes/{remote}/HEAD")
        return ref.decode().strip().removeprefix("refs/remotes/")
    except GitError:
        pass
    for name in ("main", "master"):
        if commit_exists(root, f"refs/remotes/{remote}/{name}"):
            return f"{remote}/{name}"
    return None


def is_ancestor(root: Path, ancestor: str, rev: str) -> bool:
    """Whether ``ancestor`` is ``rev`` or reachable from it."""
    try:
        run(root, "merge-base", "--is-ancestor", ancestor, rev)
    except GitError:
        return False
    return True


def is_shallow(root: Path) -> bool:
    """Whether this clone is shallow (``git clone --depth N``, ``actions/checkout``'s default)."""
    out = run(root, "rev-parse", "--is-shallow-repository")
    return out.strip() == b"true"


def shallow_boundary(root: Path) -> set[str]:
    """The commits whose parents a shallow clone does not have (empty when not shallow)."""
    try:
        text = git_path(root, "shallow").read_text(encoding="ascii")
    except OSError:
        return set()
    return {line.strip() for line in text.splitlines() if line.strip()}


# --- what a target names: one commit, a range, the changes since a base ------------------


@dataclass(frozen=True)
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


# --- commit messages, as git cleans them up ----------------------------------------------

def comment_prefix(root: Path, text: str) -> str:
    """The comment prefix git used in a message file: ``core.commentString`` or
    ``core.commentChar`` (default ``#``); for ``auto``, the one the file shows git chose."""
    value = config_get(root, "core.commentString") or config_get(root, "core.commentChar")
    if not value:
        return "#"
    return auto_comment_prefix(text) if value == "auto" else value


def read_message(root: Path, path: Path, editor_used: bool) -> str:
    """A commit message file as git will record it (``editor_used``: git strips comments
    only when an editor was involved, under the default cleanup)."""
    try:
        raw = files.read(path, str(path))
    except BadInput as exc:
        raise BadInput(f"cannot read the commit message: {exc}") from None
    text = raw.decode("utf-8", "surrogateescape")
    mode = (config_get(root, "commit.cleanup") or "default").lower()
    if mode == "default":
        mode = "strip" if editor_used else "whitespace"
    return clean_message(text, comment_prefix(root, text), mode)


def add_trailer(root: Path, path: Path, key: str, value: str) -> None:
    """Add ``KEY: VALUE`` to the message file at ``path`` (``git interpret-trailers``)."""
    run(root, "interpret-trailers", "--in-place", "--if-exists", "doNothing", "--trailer",
        f"{key}: {value}", str(path))


def trailer_values(root: Path, message: str, key: str) -> tuple[str, ...]:
    """The values of every ``KEY:`` trailer of a message (key case-insensitive), in order."""
    return tuple(v for k, v in message_trailers(root, message) if k.lower() == key.lower())
