"""Git hook entries: ``planscope hook pre-commit | commit-msg | pre-push`` (DESIGN §8).

The same entries serve ``.pre-commit-hooks.yaml`` and the plain scripts of ``hooks/``.
They never prompt and never read a terminal, and they keep git's environment: inside
``git commit -a`` or ``git commit -- PATH`` git points ``GIT_INDEX_FILE`` at a temporary
index, and ``git diff --cached`` must read that one (gitio runs git with it inherited).

Policies, in one place:

- **Amend.** During ``git commit --amend`` the index is compared with HEAD, but the commit
  being made replaces HEAD: its change is the index against HEAD's first parent. Git tells
  hooks nothing about it (``GIT_REFLOG_ACTION`` is read by ``git commit``, never set, and the
  ``commit (amend)`` reflog entry is written after the hooks ran), so the hook looks at the
  ``git commit`` process it runs under (``/proc``, else ``ps``) and reads its options,
  aliases included. When no such process can be seen the commit counts as a new one.
- **Merge.** While ``MERGE_HEAD`` exists (``git merge``, or ``git commit`` after resolving a
  conflict) the commit is not checked: its diff against the first parent is the whole
  merged branch, whose commits are checked one by one (pre-push, ``planscope check
  --range``). The pre-push hook skips merge commits for the same reason.
- **fixup!/squash!/amend!** A commit whose subject starts with one of these is folded into
  its target by ``git rebase --autosquash``, so without a ``Plan:`` trailer of its own it is
  checked against the target's trailer. The target is found like git finds it: the nearest
  earlier commit whose subject is the rest of the subject, else a commit id, else a subject
  that starts with it, among the last ``FIXUP_SEARCH`` commits.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from checker import check, errors, gitio, report, resolve
from checker.check import Options, Unit, UnitResult
from checker.config import Config

FIXUP_SEARCH = 500  # how many earlier commits a fixup!/squash! target is looked for in
ZERO = re.compile(r"0{40}(?:0{24})?")
SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
_FIXUP = re.compile(r"(?:(?:fixup|squash|amend)! )+")
SCISSORS = "------------------------ >8 ------------------------"
_AUTO_COMMENT_CHARS = "#;@!$%^&|:"


@dataclass
class Outcome:
    """What a hook prints (stdout, stderr) and its exit code."""

    code: int = errors.OK
    out: list[str] = field(default_factory=list)
    err: list[str] = field(default_factory=list)


# --- amend detection ------------------------------------------------------------------

_GIT_OPTS_WITH_VALUE = frozenset(
    {"-c", "-C", "--git-dir", "--work-tree", "--namespace", "--config-env", "--super-prefix",
     "--attr-source", "--list-cmds"}
)
_SHORT_WITH_VALUE = frozenset("mFcCt")
_LONG_WITH_VALUE = (
    "--message", "--file", "--reedit-message", "--reuse-message", "--template", "--author",
    "--date", "--cleanup", "--fixup", "--squash", "--trailer", "--pathspec-from-file",
)


def commit_args_amend(args: Sequence[str]) -> bool:
    """Whether ``git commit`` options ``args`` ask for ``--amend`` (abbreviations such as
    ``--am`` included, ``--no-amend`` honoured, option values and paths skipped)."""
    amend = False
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg == "--":
            break
        if arg.startswith("--"):
            name = arg.partition("=")[0]
            if len(name) >= 4 and "--amend".startswith(name):
                amend = True
            elif name == "--no-amend":
                amend = False
            elif "=" not in arg and len(name) > 3 and any(o.startswith(name)
                                                          for o in _LONG_WITH_VALUE):
                skip = True
        elif arg.startswith("-") and len(arg) > 1:
            for i, letter in enumerate(arg[1:], 1):
                if letter in _SHORT_WITH_VALUE:
                    skip = i == len(arg) - 1  # "-m MSG" takes the next word, "-mMSG" does not
                    break
    return amend


def _git_command(argv: Sequence[str]) -> tuple[str, list[str]] | None:
    """``(subcommand, its args)`` when ``argv`` is a git process, else None."""
    if not argv:
        return None
    name = os.path.basename(argv[0])
    if name.endswith(".exe"):
        name = name[:-4]
    if name.startswith("git-") and len(name) > 4:  # a dashed form: git-commit
        return name[4:], list(argv[1:])
    if name != "git":
        return None
    i = 1
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] in _GIT_OPTS_WITH_VALUE else 1
    if i >= len(argv):
        return None
    return argv[i], list(argv[i + 1:])


def _process(pid: int) -> tuple[int, list[str]] | None:
    """(parent pid, argv) of a process, from /proc or else ``ps``."""
    proc = Path("/proc", str(pid))
    if Path("/proc/self").exists():
        try:
            stat = (proc / "stat").read_text(encoding="utf-8", errors="replace")
            raw = (proc / "cmdline").read_bytes()
        except OSError:
            return None
        fields = stat.rpartition(")")[2].split()
        argv = [os.fsdecode(a) for a in raw.split(b"\0") if a]
        return (int(fields[1]), argv) if len(fields) > 1 and fields[1].isdigit() else None
    try:
        out = subprocess.run(("ps", "-o", "ppid=", "-o", "args=", "-p", str(pid)),
                             capture_output=True, text=True, check=False, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    parts = out.split()
    if not parts or not parts[0].isdigit():
        return None
    return int(parts[0]), parts[1:]


def amending(root: Path, process: Callable[[int], tuple[int, list[str]] | None] = _process,
             start: int | None = None) -> bool:
    """Whether this hook runs under ``git commit --amend``: the nearest git process among
    our ancestors is ``git commit`` (or an alias of it) with ``--amend``."""
    pid = os.getppid() if start is None else start
    for _ in range(16):
        if pid <= 1:
            return False
        info = process(pid)
        if info is None:
            return False
        ppid, argv = info
        found = _git_command(argv)
        if found is not None:
            sub, args = found
            for _depth in range(5):  # aliases of aliases, as git allows
                if sub == "commit":
                    return commit_args_amend(args)
                alias = gitio.config_get(root, f"alias.{sub}")
                if not alias or alias.startswith("!"):
                    return False
                try:
                    words = shlex.split(alias)
                except ValueError:
                    return False
                if not words:
                    return False
                sub, args = words[0], [*words[1:], *args]
            return False
        pid = ppid
    return False


# --- the commit message ---------------------------------------------------------------

def comment_prefix(root: Path, text: str) -> str:
    """The comment prefix git used in a message file: ``core.commentString`` or
    ``core.commentChar`` (default ``#``); for ``auto``, the one the file shows git chose."""
    value = gitio.config_get(root, "core.commentString") or gitio.config_get(
        root, "core.commentChar")
    if not value:
        return "#"
    if value != "auto":
        return value
    lines = text.splitlines()
    for c in _AUTO_COMMENT_CHARS:
        if f"{c} {SCISSORS}" in lines:
            return c
    last = next((ln for ln in reversed(lines) if ln.strip()), "")
    return last[0] if last and last[0] in _AUTO_COMMENT_CHARS else "#"


def clean_message(text: str, comment: str, mode: str) -> str:
    """The message git will record, as far as trailers care: ``mode`` is git's
    ``commit.cleanup`` (strip, scissors, whitespace, verbatim). Everything below the
    scissors line (``git commit -v``'s diff) goes, and with strip the comment lines."""
    if mode == "verbatim":
        return text
    lines = text.splitlines()
    if f"{comment} {SCISSORS}" in lines:
        lines = lines[: lines.index(f"{comment} {SCISSORS}")]
    if mode == "strip":
        lines = [ln for ln in lines if not ln.startswith(comment)]
    return "\n".join(ln.rstrip() for ln in lines).strip("\n") + "\n"


def read_message(root: Path, path: Path, env: Mapping[str, str]) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise errors.BadInput(f"{path}: cannot read the commit message: {exc.strerror}") from None
    text = raw.decode("utf-8", "surrogateescape")
    mode = (gitio.config_get(root, "commit.cleanup") or "default").lower()
    if mode == "default":  # git strips comments only when an editor was involved
        mode = "whitespace" if env.get("GIT_EDITOR") == ":" else "strip"
    return clean_message(text, comment_prefix(root, text), mode)


def _plan_trailers(root: Path, message: str) -> tuple[str, ...]:
    pairs = gitio.message_trailers(root, message)
    return tuple(v for k, v in pairs if k.lower() == resolve.TRAILER.lower())


# --- fixup!/squash! -------------------------------------------------------------------

def fixup_target(subject: str) -> tuple[str, str] | None:
    """``("fixup!", "rest")`` for a fixup!/squash!/amend! subject, else None."""
    m = _FIXUP.match(subject)
    if m is None or not subject[m.end():].strip():
        return None
    return subject[: m.end()].split()[0], subject[m.end():]


def find_target(target: str, candidates: Sequence[gitio.Commit]) -> gitio.Commit | None:
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


def _earlier(root: Path, rev: str | None) -> list[gitio.Commit]:
    """``rev`` and the commits before it, nearest first (none on an unborn branch)."""
    if rev is None:
        return []
    try:
        return list(reversed(gitio.log(root, f"--max-count={FIXUP_SEARCH}", rev)))
    except gitio.GitError:
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
        notes.append(f"'{kind}' target {target!r} is not among the last {FIXUP_SEARCH} commits; "
                     f"give this commit a '{resolve.TRAILER}:' trailer of its own")
        return unit
    if not commit.plan_trailers:
        return unit
    return replace(unit, trailers=commit.plan_trailers,
                   trailer_source=f"commit {commit.short}, the target of '{kind}'")


# --- pre-commit and commit-msg --------------------------------------------------------

def _merging(root: Path) -> bool:
    return gitio.git_path(root, "MERGE_HEAD").exists()


MERGE_NOTE = ("planscope: merge commit: not checked here; the merged commits are checked "
              "one by one (pre-push, planscope check --range)")


def _staged_unit(root: Path, amend: bool) -> Unit | None:
    """The change the commit being made will record; None when it is an amended merge."""
    if amend:
        head = gitio.head_commit(root)
        if head is not None:
            if len(head.parents) > 1:
                return None
            base = gitio.commit_base(root, head)
            return Unit(f"staged changes (amending {head.short})", None,
                        tuple(gitio.diff(root, base, cached=True)), diff_revs=(base,),
                        cached=True, trailer_source="the commit message")
    return Unit("staged changes", None, tuple(gitio.staged(root)), cached=True,
                trailer_source="the commit message")


def _render(results: Sequence[UnitResult], notes: Sequence[str] = ()) -> Outcome:
    out, err = report.to_text(results)
    code = check.exit_code(results)
    outcome = Outcome(code, [out] if out else [], [err] if err else [])
    (outcome.out if code == errors.OK else outcome.err).extend(f"planscope: {n}" for n in notes)
    return outcome


def pre_commit(root: Path, config: Config, opts: Options) -> Outcome:
    """The staged diff against the slice named by ``--plan`` or the branch; with neither,
    defer to commit-msg (exit 0, one line)."""
    if _merging(root):
        return Outcome(out=[MERGE_NOTE])
    unit = _staged_unit(root, amending(root))
    if unit is None:
        return Outcome(out=[MERGE_NOTE])
    checker = check.Checker(root, config, opts)
    if unit.changes and checker.claim(unit) is None and config.require_plan \
            and not checker.exempt(unit):
        return Outcome(out=[
            f"planscope: no plan named by --plan or the branch; the commit-msg hook checks "
            f"this commit against its '{resolve.TRAILER}:' trailer"])
    return _render([checker.check(unit)])


def commit_msg(root: Path, config: Config, message_file: Path | None, opts: Options,
               env: Mapping[str, str]) -> Outcome:
    """The staged diff against the slice the message's ``Plan:`` trailer names."""
    path = message_file if message_file is not None else gitio.git_path(root, "COMMIT_EDITMSG")
    message = read_message(root, path, env)
    if _merging(root):
        return Outcome(out=[MERGE_NOTE])
    if not message.strip():
        return Outcome()  # git refuses an empty message itself
    amend = amending(root)
    unit = _staged_unit(root, amend)
    if unit is None:
        return Outcome(out=[MERGE_NOTE])
    unit = replace(unit, trailers=_plan_trailers(root, message))
    notes: list[str] = []
    unit = adopt_target(root, unit, message.partition("\n")[0], "HEAD", notes)
    return _render(check.run_units(root, config, [unit], opts), notes)


# --- pre-push -------------------------------------------------------------------------

@dataclass(frozen=True)
class RefUpdate:
    """One line git gives a pre-push hook on stdin."""

    local_ref: str
    local_sha: str
    remote_ref: str
    remote_sha: str


def parse_push_lines(data: bytes) -> list[RefUpdate]:
    """``<local ref> SP <local sha> SP <remote ref> SP <remote sha>`` lines; anything else is
    bad input."""
    updates = []
    for n, raw in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
        if not raw.strip():
            continue
        parts = raw.rsplit(maxsplit=3)
        if len(parts) != 4 or not SHA.fullmatch(parts[1]) or not SHA.fullmatch(parts[3]):
            raise errors.BadInput(
                f"pre-push: line {n} of stdin is not '<local ref> <local sha> <remote ref> "
                f"<remote sha>': {raw[:200]!r}")
        updates.append(RefUpdate(*parts))
    return updates


def _remotes(remote: str | None) -> list[str]:
    return [f"--remotes={remote}"] if remote else []


def ranges_for(root: Path, updates: Sequence[RefUpdate], remote: str | None) -> list[list[str]]:
    """rev-list arguments, one list per pushed ref. Commits already on a remote-tracking
    branch of ``remote`` were checked when they were pushed and are left out."""
    out = []
    for u in updates:
        if ZERO.fullmatch(u.local_sha):
            continue  # a deletion pushes no commits
        if not ZERO.fullmatch(u.remote_sha) and gitio.commit_exists(root, u.remote_sha):
            out.append([u.local_sha, "--not", u.remote_sha, *_remotes(remote)])
        else:  # a new branch, or the remote moved to commits we have never fetched
            out.append([u.local_sha, "--not", *_remotes(remote)])
    return out


def _stdin_updates(stdin: BinaryIO | None) -> list[RefUpdate]:
    if stdin is None:
        raise errors.BadInput("pre-push: no stdin; git passes the pushed refs there")
    if stdin.isatty():
        raise errors.BadInput(
            "pre-push: stdin is a terminal; this entry is run by git, which passes the pushed "
            "refs on stdin (to check commits by hand: planscope check --range A..B)")
    return parse_push_lines(stdin.read())


def pushed_commits(root: Path, remote: str | None, stdin: BinaryIO | None,
                   env: Mapping[str, str]) -> list[gitio.Commit]:
    """The non-merge commits being pushed, oldest first, each once."""
    from_ref, to_ref = env.get("PRE_COMMIT_FROM_REF"), env.get("PRE_COMMIT_TO_REF")
    remote = env.get("PRE_COMMIT_REMOTE_NAME") or remote
    if from_ref and to_ref:  # the pre-commit framework: its first pushed ref
        ranges = [[gitio.rev_parse(root, to_ref), "--not", gitio.rev_parse(root, from_ref),
                   *_remotes(remote)]]
    elif env.get("PRE_COMMIT") == "1":
        # the framework sets no range when the push holds the root commit (or on a manual
        # run): the commits of the pushed branch that no remote-tracking branch has
        tip = gitio.rev_parse(root, env.get("PRE_COMMIT_LOCAL_BRANCH") or "HEAD")
        ranges = [[tip, "--not", *(_remotes(remote) or ["--remotes"])]]
    else:
        ranges = ranges_for(root, _stdin_updates(stdin), remote)
    seen: set[str] = set()
    commits = []
    for revs in ranges:
        for c in gitio.log(root, "--no-merges", *revs):
            if c.sha not in seen:
                seen.add(c.sha)
                commits.append(c)
    return commits


def _failure_line(r: UnitResult, subject: str) -> str:
    head = f"planscope: {(r.unit.sha or '')[:9]} {subject!r}"
    parts = []
    s, claim = r.scope, r.claim
    if s is not None and claim is not None and claim.plan is not None:
        if s.forbidden:
            parts.append("forbidden " + ", ".join(report.display(t.path) for t in s.forbidden)
                         + f" (forbidden by {claim.plan.path})")
        drift = [t.path for t in s.drift if t.path not in r.verdicts
                 or r.verdicts[t.path].verdict != "incidental"]
        if drift:
            parts.append("drift " + ", ".join(report.display(p) for p in drift)
                         + f" (outside {claim.ref})")
    if r.error:
        parts.append(r.error.removeprefix(f"{r.unit.label}: "))
    return f"{head}: {'; '.join(parts) or 'failed'}"


def pre_push(root: Path, config: Config, remote: str | None, stdin: BinaryIO | None,
             env: Mapping[str, str], opts: Options) -> Outcome:
    """Every commit being pushed, each against its own trailer; one line per failing one."""
    commits = pushed_commits(root, remote, stdin, env)
    if not commits:
        return Outcome(out=["planscope: ok: no new commits to check"])
    notes: list[str] = []
    units = []
    for c, unit in zip(commits, check.commit_units(root, commits), strict=True):
        units.append(adopt_target(root, unit, c.subject, c.parents[0] if c.parents else None,
                                  notes))
    results = check.run_units(root, config, units, opts)
    subjects = {c.sha: c.subject for c in commits}
    outcome = Outcome(check.exit_code(results))
    failing = [r for r in results if not r.ok]
    for r in results:
        subject = subjects.get(r.unit.sha or "", "")
        if not r.ok:
            outcome.err.append(_failure_line(r, subject))
        else:
            outcome.out += [f"planscope: {(r.unit.sha or '')[:9]} {subject!r}: {n}"
                            for n in r.notes if n.startswith(("WARNING", "on_drift"))]
    if failing:
        outcome.err += [f"planscope: {n}" for n in notes]
        outcome.err.append(
            f"planscope: push refused: {len(failing)} of {len(results)} commit(s) outside their "
            f"plan slice. Add the paths to the slice and commit the plan, or rewrite the "
            f"commits (git rebase -i: fix the '{resolve.TRAILER}:' trailer, split the commit)")
    else:
        outcome.out.append(f"planscope: ok: {len(results)} commit(s) inside their plan slices")
    return outcome
