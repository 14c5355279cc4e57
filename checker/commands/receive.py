"""``planscope hook pre-receive`` and ``planscope hook update REF OLD NEW``: the gate on the
server, for repositories planscope's pull request check does not reach (a plain bare
repository, Gitea or Forgejo, GitLab's server hooks).

Every pushed ref is judged as a push is judged (``checker.commands.pre_push``), with what
only the server knows for certain: the commits judged are those its default branch
(``HEAD``) does not hold yet, as its pull request would hold them (a commit an earlier push
brought to another branch is judged again: the rules may have changed since), and the rules
are those of the default branch as it stands before the push, whatever the push brings, its
own default branch included. The default branch is never moved backwards: a push that
rewinds or rewrites it would undo commits no check could see. A commit
without a trailer is claimed by the branch it is pushed to. Nothing the pusher sends (the
config, the plans, the hooks) decides: a plan the push adds is no plan yet (unless the
config says ``plans_in_pr: allow-new``); a refused commit gets one line, and the push is
refused as a whole (``pre-receive``) or ref by ref (``update``).
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from checker import errors
from checker.commands.pre_push import Push, judged
from checker.errors import BadInput, Outcome
from checker.git import process, revs
from checker.git.formats import SHA, ZERO
from checker.judge.pipeline import Options


def server_root(cwd: Path) -> Path:
    """The repository a server hook runs in: its git directory for a bare one."""
    try:
        bare = process.run(cwd, "rev-parse", "--is-bare-repository").decode().strip()
        if bare == "true":
            return Path(process.run(cwd, "rev-parse", "--absolute-git-dir").decode().strip())
        return Path(process.run(cwd, "rev-parse", "--show-toplevel").decode().strip())
    except process.GitError:
        raise BadInput(f"not inside a git repository: {cwd}") from None


def pre_receive(root: Path, stdin: BinaryIO | None, opts: Options) -> Outcome:
    """Every ref of the push (git's ``OLD NEW REF`` lines on stdin)."""
    if stdin is None or stdin.isatty():
        raise BadInput("pre-receive: git passes the pushed refs on stdin ('OLD NEW REF' "
                       "lines); this entry is run by git on the server")
    updates = []
    for number, line in enumerate(stdin.read().decode("utf-8", "replace").splitlines(), 1):
        words = line.split()
        if len(words) != 3 or not all(SHA.fullmatch(w) for w in words[:2]):
            raise BadInput(f"pre-receive: line {number} is not 'OLD NEW REF': {line[:80]!r}")
        updates.append((words[2], words[0], words[1]))
    return _judged(root, updates, opts)


def update(root: Path, ref: str, old: str, new: str, opts: Options) -> Outcome:
    """One ref of the push (git's ``update`` hook arguments)."""
    if not (SHA.fullmatch(old) and SHA.fullmatch(new)):
        raise BadInput(f"update: expected REF OLD NEW (object names), got {old!r} {new!r}")
    return _judged(root, [(ref, old, new)], opts)


def _judged(root: Path, updates: list[tuple[str, str, str]], opts: Options) -> Outcome:
    base, default = _default_tip(root), _default_ref(root)
    pushed = []
    for ref, old, new in updates:
        if ref == default and base is not None and not _forward(root, old, new):
            return Outcome.of(errors.DRIFT, [], [
                f"planscope: {ref} refused: the push moves the default branch back or "
                f"rewrites it (or deletes it), which would undo commits no check sees; "
                f"push a revert instead"])
        if ZERO.fullmatch(new):
            continue  # a deletion brings no commits
        tip = revs.rev_parse(root, new)
        branch = ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else ""
        held = ("--not", base) if base is not None else ("--not", "--all")
        pushed.append(Push(branch, tip, (tip, *held), branch or None, base, new_plans=False))
    if not pushed:
        return Outcome.of(errors.OK, ["planscope: ok: no new commits to check"])
    return judged(root, pushed, opts, None)


def _forward(root: Path, old: str, new: str) -> bool:
    """Whether ``new`` keeps every commit ``old`` had (a fast-forward, or a creation)."""
    if ZERO.fullmatch(old):
        return True
    return not ZERO.fullmatch(new) and revs.is_ancestor(root, old, new)


def _default_ref(root: Path) -> str | None:
    """The ref the receiving repository's ``HEAD`` names (refs/heads/main)."""
    try:
        return process.run(root, "symbolic-ref", "--quiet", "HEAD").decode().strip() or None
    except process.GitError:
        return None


def _default_tip(root: Path) -> str | None:
    """The commit the receiving repository's default branch (``HEAD``) holds now; None
    before its first commit."""
    try:
        return revs.rev_parse(root, "HEAD")
    except process.GitError:
        return None
