"""Git hook entries: ``planscope hook pre-commit | commit-msg | pre-push`` (DESIGN §8).

The same entries serve ``.pre-commit-hooks.yaml`` and the plain scripts of ``hooks/``.
They never prompt and never read a terminal, and they keep git's environment: inside
``git commit -a`` or ``git commit -- PATH`` git points ``GIT_INDEX_FILE`` at a temporary
index, and ``git diff --cached`` must read that one (gitio runs git with it inherited).

Policies, in one place:

- **Amend.** The change of ``git commit --amend`` is the index against HEAD's first parent
  (``checker.amend`` tells an amend from a new commit).
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

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from checker import adoption, amend, errors, gitio, pipeline, resolve
from checker import config as config_mod
from checker.config import Config
from checker.errors import Outcome
from checker.gitformats import Commit, RefUpdate, parse_push_lines
from checker.pipeline import Options, Unit, UnitResult
from checker.render import text

FIXUP_SEARCH = 500  # how many earlier commits a fixup!/squash! target is looked for in
_FIXUP = re.compile(r"(?:(?:fixup|squash|amend)! )+")


# --- fixup!/squash! -------------------------------------------------------------------

def fixup_target(subject: str) -> tuple[str, str] | None:
    """``("fixup!", "rest")`` for a fixup!/squash!/amend! subject, else None."""
    m = _FIXUP.match(subject)
    if m is None or not subject[m.end():].strip():
        return None
    return subject[: m.end()].split()[0], subject[m.end():]


def find_target(target: str, candidates: Sequence[Commit]) -> Commit | None:
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


def _earlier(root: Path, rev: str | None) -> list[Commit]:
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

MERGE_NOTE = ("planscope: merge commit: not checked here; the merged commits are checked "
              "one by one (pre-push, planscope check --range)")


def _merging(root: Path) -> bool:
    return gitio.git_path(root, "MERGE_HEAD").exists()


def staged_unit(root: Path, amending: bool) -> Unit | None:
    """The change the commit being made will record; None when it is an amended merge."""
    head = gitio.head_commit(root) if amending else None
    if head is None:
        return pipeline.staged_unit(root)
    if len(head.parents) > 1:
        return None
    base = gitio.commit_base(root, head)
    return Unit(f"staged changes (amending {head.short})", None,
                tuple(gitio.diff(root, base, cached=True)), diff_revs=(base,), cached=True,
                trailer_source="the commit message")


def _report(results: Sequence[UnitResult], notes: Sequence[str] = ()) -> Outcome:
    out, err = text.to_text(results)
    code = pipeline.exit_code(results)
    said = errors.text(f"planscope: {n}" for n in notes)
    if code == errors.OK:
        return Outcome(code, out + said, err)
    return Outcome(code, out, err + said)


def staged_rules(root: Path, opts: Options) -> tuple[Config, Options, list[str]]:
    """The config and plans as staged (what the commit will hold, not unstaged edits), and a
    note naming the rule files whose working-tree copy differs."""
    rules = config_mod.load(root, gitio.INDEX)
    files = [rules.plans_dir, config_mod.CONFIG_FILE]
    if rules.source == config_mod.PYPROJECT_SOURCE:
        files.append("pyproject.toml")
    unstaged = gitio.unstaged(root, files)
    notes = [f"note: {', '.join(unstaged)} differ{'s' * (len(unstaged) == 1)} from what is "
             f"staged; the commit is checked with the staged version (git add to use yours)"
             ] if unstaged else []
    return rules, replace(opts, plans_rev=gitio.INDEX), notes


def pre_commit(root: Path, opts: Options) -> Outcome:
    """The staged diff against the slice named by ``--plan`` or the branch; with neither,
    defer to commit-msg (exit 0, one line)."""
    unit = None if _merging(root) else staged_unit(root, amend.amending(root))
    if unit is None:
        return Outcome.of(errors.OK, [MERGE_NOTE])
    rules, opts, notes = staged_rules(root, opts)
    checker = pipeline.Checker(root, rules, opts)
    if unit.changes and checker.claim(unit) is None and rules.require_plan \
            and not checker.exempt(unit):
        return Outcome.of(errors.OK, [
            f"planscope: no plan named by --plan or the branch; the commit-msg hook checks "
            f"this commit against its '{resolve.TRAILER}:' trailer"])
    return _report([checker.check(unit)], notes)


def commit_msg(root: Path, message_file: Path | None, opts: Options,
               env: Mapping[str, str]) -> Outcome:
    """The staged diff against the slice the message's ``Plan:`` trailer names."""
    path = message_file if message_file is not None else gitio.git_path(root, "COMMIT_EDITMSG")
    message = gitio.read_message(root, path, editor_used=env.get("GIT_EDITOR") != ":")
    if _merging(root):
        return Outcome.of(errors.OK, [MERGE_NOTE])
    if not message.strip():
        return Outcome()  # git refuses an empty message itself
    unit = staged_unit(root, amend.amending(root))
    if unit is None:
        return Outcome.of(errors.OK, [MERGE_NOTE])
    unit = replace(unit, trailers=gitio.trailer_values(root, message, resolve.TRAILER))
    rules, opts, notes = staged_rules(root, opts)
    unit = adopt_target(root, unit, message.partition("\n")[0], "HEAD", notes)
    return _report([pipeline.Checker(root, rules, opts).check(unit)], notes)


# --- pre-push -------------------------------------------------------------------------


def _remotes(remote: str | None) -> list[str]:
    return [f"--remotes={remote}"] if remote else []


@dataclass(frozen=True)
class Push:
    """One pushed ref: the branch it pushes (None for a ref that is no local branch), its
    tip, and the rev-list arguments that name its new commits."""

    branch: str | None
    tip: str
    revs: tuple[str, ...]


def _branch_of(ref: str | None) -> str | None:
    return ref.removeprefix("refs/heads/") if ref and ref.startswith("refs/heads/") else None


def pushes_for(root: Path, updates: Sequence[RefUpdate], remote: str | None) -> list[Push]:
    """One Push per ref git pushes. Commits already on a remote-tracking branch of
    ``remote`` were checked when they were pushed and are left out."""
    out = []
    for u in updates:
        if u.deletes:
            continue  # a deletion pushes no commits
        if not u.creates and gitio.commit_exists(root, u.remote_sha):
            revs = (u.local_sha, "--not", u.remote_sha, *_remotes(remote))
        else:  # a new branch, or the remote moved to commits we have never fetched
            revs = (u.local_sha, "--not", *_remotes(remote))
        out.append(Push(_branch_of(u.local_ref), u.local_sha, revs))
    return out


def _stdin_updates(stdin: BinaryIO | None) -> list[RefUpdate]:
    if stdin is None:
        raise errors.BadInput("pre-push: no stdin; git passes the pushed refs there")
    if stdin.isatty():
        raise errors.BadInput(
            "pre-push: stdin is a terminal; this entry is run by git, which passes the pushed "
            "refs on stdin (to check commits by hand: planscope check --range A..B)")
    return parse_push_lines(stdin.read())


def pushes(root: Path, remote: str | None, stdin: BinaryIO | None,
           env: Mapping[str, str]) -> list[Push]:
    """What is being pushed: from the pre-commit framework's variables, else git's lines."""
    from_ref, to_ref = env.get("PRE_COMMIT_FROM_REF"), env.get("PRE_COMMIT_TO_REF")
    remote = env.get("PRE_COMMIT_REMOTE_NAME") or remote
    local = env.get("PRE_COMMIT_LOCAL_BRANCH")
    if from_ref and to_ref:  # the pre-commit framework: its first pushed ref
        tip = gitio.rev_parse(root, to_ref)
        return [Push(_branch_of(local), tip, (tip, "--not", gitio.rev_parse(root, from_ref),
                                               *_remotes(remote)))]
    if env.get("PRE_COMMIT") == "1":
        # the framework sets no range when the push holds the root commit (or on a manual
        # run): the commits of the pushed branch that no remote-tracking branch has
        tip = gitio.rev_parse(root, local or "HEAD")
        revs = (tip, "--not", *(_remotes(remote) or ["--remotes"]))
        return [Push(_branch_of(local), tip, revs)]
    return pushes_for(root, _stdin_updates(stdin), remote)


def _failure_line(r: UnitResult, subject: str) -> str:
    head = f"planscope: {text.short(r.unit.sha)} {subject!r}"
    parts = []
    s, claim = r.scope, r.claim
    if s is not None and s.forbidden:
        parts.append("forbidden " + ", ".join(
            f"{text.display(t.path)} by {r.forbid_rules.get(t.path) or 'a forbid rule'}"
            for t in s.forbidden))
    if s is not None and claim is not None and claim.plan is not None:
        drift = [t.path for t in s.drift if t.path not in r.verdicts
                 or r.verdicts[t.path].verdict != "incidental"]
        if drift:
            parts.append("drift " + ", ".join(text.display(p) for p in drift)
                         + f" (outside {claim.ref})")
    if r.error:
        parts.append(r.error.removeprefix(f"{r.unit.label}: "))
    return f"{head}: {'; '.join(parts) or 'failed'}"


def _pushed_results(root: Path, push: Push, opts: Options, seen: set[str],
                    notes: list[str]) -> list[tuple[Commit, UnitResult]]:
    """The new commits of one pushed ref, each against its own claim: the rules and plans
    as the pushed tip has them, a commit without a trailer claimed by the pushed branch."""
    rules = config_mod.load(root, push.tip)
    revs = (*adoption.commits_after(root, rules), *push.revs)
    commits = [c for c in gitio.log(root, "--no-merges", *revs) if c.sha not in seen]
    if not commits:
        return []
    seen.update(c.sha for c in commits)
    checker = pipeline.Checker(root, rules, replace(opts, plans_rev=push.tip,
                                                    branch=push.branch or ""))
    out = []
    for c in commits:
        unit = adopt_target(root, pipeline.commit_unit(root, c), c.subject,
                            c.parents[0] if c.parents else None, notes)
        out.append((c, checker.check(unit)))
    return out


def pre_push(root: Path, remote: str | None, stdin: BinaryIO | None,
             env: Mapping[str, str], opts: Options) -> Outcome:
    """Every commit being pushed, each against its own trailer; one line per failing one."""
    notes: list[str] = []
    seen: set[str] = set()
    checked = [pair for push in pushes(root, remote, stdin, env)
               for pair in _pushed_results(root, push, opts, seen, notes)]
    if not checked:
        return Outcome.of(errors.OK, ["planscope: ok: no new commits to check"])
    err = [_failure_line(r, c.subject) for c, r in checked if not r.ok]
    out = [f"planscope: {c.short} {c.subject!r}: {n}" for c, r in checked if r.ok
           for n in r.notes if n.startswith(("WARNING", "on_drift", adoption.NOTE))]
    if err:
        err += [f"planscope: {n}" for n in notes]
        err.append(
            f"planscope: push refused: {sum(1 for _, r in checked if not r.ok)} of "
            f"{len(checked)} commit(s) failed the check. Add the paths to the slice and commit "
            f"the plan, or rewrite the commits (git rebase -i: fix the '{resolve.TRAILER}:' "
            f"trailer, split the commit)")
    else:
        out.append(f"planscope: ok: {len(checked)} commit(s) inside their plan slices")
    return Outcome.of(pipeline.exit_code([r for _, r in checked]), out, err)
