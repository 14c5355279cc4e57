"""``planscope hook pre-push``: every commit being pushed, each against its own claim.

The commits come from the pre-commit framework's variables (``PRE_COMMIT_FROM_REF`` and
``PRE_COMMIT_TO_REF``: its first pushed ref only) or from git's lines on stdin (every ref).
Commits already on a remote-tracking branch, and commits from before the baseline, are not
checked again. A push is a range: it is judged by the rules of the base it lands on, as its
pull request will be (``checker.judge.targets``): the remote's default branch when the push
goes to another branch, else what the remote branch holds now, else the parent of the
oldest pushed commit. A commit without a trailer is claimed by the branch of the ref being
pushed, never by the branch that happens to be checked out. A plan the pushed commits add
is read from them; a commit that claims a plan the remote's default branch does not have
yet will fail the pull request check: the push warns (or, with
``prepush.require_plans_on_remote``, refuses).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from checker import errors
from checker.errors import Outcome
from checker.git import blobs, repository, revs
from checker.git.formats import Commit, RefUpdate, parse_push_lines
from checker.judge import adoption, changes, claims, merged_branches, pipeline, targets
from checker.judge.pipeline import Options, UnitResult
from checker.record import record, replace
from checker.render import text
from checker.rules import config as config_mod
from checker.rules.book import Rulebook
from checker.rules.config import Config

# --- pre-push -------------------------------------------------------------------------


def _remotes(remote: str | None) -> list[str]:
    return [f"--remotes={remote}"] if remote else []


@record(frozen=True)
class Push:
    """One pushed ref: the branch it pushes (None for a ref that is no local branch), its
    tip, and the rev-list arguments that name its new commits."""

    branch: str | None
    tip: str
    revs: tuple[str, ...]
    target: str | None = None  # the remote branch it updates, when known
    base: str | None = None  # what the remote branch holds now, when this clone has it
    new_plans: bool = True  # plans the pushed commits add are read from them (a server: no)


def _branch_of(ref: str | None, root: Path | None = None) -> str | None:
    """The branch a pushed local ref names; ``HEAD`` (``git push origin HEAD``) is the
    checked-out branch."""
    if ref == "HEAD" and root is not None:
        return repository.current_branch(root)
    return ref.removeprefix("refs/heads/") if ref and ref.startswith("refs/heads/") else None


def pushes_for(root: Path, updates: Sequence[RefUpdate], remote: str | None) -> list[Push]:
    """One Push per ref git pushes. Commits already on a remote-tracking branch of
    ``remote`` were checked when they were pushed and are left out."""
    out = []
    for u in updates:
        if u.deletes:
            continue  # a deletion pushes no commits
        base = u.remote_sha if not u.creates and repository.commit_exists(root, u.remote_sha) \
            else None  # a new branch, or the remote moved to commits we have never fetched
        args = (u.local_sha, "--not", *([base] if base else []), *_remotes(remote))
        out.append(Push(_branch_of(u.local_ref, root), u.local_sha, args, _branch_of(u.remote_ref),
                        base))
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
    target = _branch_of(env.get("PRE_COMMIT_REMOTE_BRANCH"))
    if from_ref and to_ref:  # the pre-commit framework: its first pushed ref
        tip, base = revs.rev_parse(root, to_ref), revs.rev_parse(root, from_ref)
        args = (tip, "--not", base, *_remotes(remote))
        return [Push(_branch_of(local, root), tip, args, target, base)]
    if env.get("PRE_COMMIT") == "1":
        # the framework sets no range when the push holds the root commit (or on a manual
        # run): the commits of the pushed branch that no remote-tracking branch has
        tip = revs.rev_parse(root, local or "HEAD")
        args = (tip, "--not", *(_remotes(remote) or ["--remotes"]))
        return [Push(_branch_of(local, root), tip, args, target)]
    return pushes_for(root, _stdin_updates(stdin), remote)


def _failure_line(r: UnitResult, subject: str) -> str:
    head = f"planscope: {text.short(r.unit.sha)} {subject!r}"
    parts = []
    s, claim = r.scope, r.claim
    if s is not None and s.forbidden:
        parts.append("forbidden " + ", ".join(
            f"{text.display(t.path)} by {r.forbid_rules.get(t.path) or 'a forbid rule'}"
            for t in s.forbidden))
    if s is not None and claim is not None and not claim.none:
        drift = r.drifted
        if drift:
            parts.append("drift " + ", ".join(text.display(p) for p in drift)
                         + f" (outside {claim.ref})")
    if r.error:
        parts.append(r.error.removeprefix(f"{r.unit.label}: "))
    return f"{head}: {'; '.join(parts) or 'failed'}"


@record
class Checked:
    """The commits of one pushed ref and what the check said of each."""

    push: Push
    rules: Config
    results: list[tuple[Commit, UnitResult]]


def rules_base(root: Path, push: Push, remote: str | None, commits: list[Commit]) -> str:
    """The revision whose rules judge a push: the remote's default branch (what its pull
    request will be judged by) unless the push goes to it; else what the remote branch
    holds now; else where the pushed tip's first-parent line leaves the pushed commits (a
    commit the remote has; the empty tree when the line ends inside them: no rules)."""
    default = repository.remote_default(root, remote) if remote else None
    if default is not None and push.target != default.partition("/")[2]:
        return revs.rev_parse(root, default)
    if push.base is not None:
        return push.base
    parents = {c.sha: c.parents for c in commits}
    sha: str | None = push.tip
    while sha is not None and sha in parents:
        sha = parents[sha][0] if parents[sha] else None
    return sha if sha is not None else repository.empty_tree(root)


def _pushed_results(root: Path, push: Push, opts: Options, seen: set[tuple[str, str, str]],
                    remote: str | None) -> Checked:
    """The new commits of one pushed ref, each against its own claim by the rules of the
    push's base (``rules_base``); a commit without a trailer is claimed by the pushed
    branch. A commit already judged for another ref of the push is judged again when the
    branch or the base differ (its claim or its rules may)."""
    listed = revs.log(root, *push.revs)
    base = rules_base(root, push, remote, listed)
    book = Rulebook(root, base)
    if push.new_plans or book.config.plans_in_pr == "allow-new":
        book = book.view(new_from=push.tip)
    baseline = targets.baselined(root, book.config, push.tip)
    if baseline.baseline:  # commits before planscope's baseline are never judged
        listed = revs.log(root, *adoption.commits_after(root, baseline), *push.revs)
    commits = [c for c in listed if (c.sha, push.branch or "", base) not in seen]
    seen.update((c.sha, push.branch or "", base) for c in commits)
    known = revs.log_changes(root, [c.sha for c in commits])
    opts = replace(opts, branch=push.branch or "")
    if not book.config.found:  # no rules yet where it lands: each commit on its own
        return Checked(push, baseline, list(zip(
            commits, targets.judge_commits(root, commits, opts, known), strict=True)))
    merged = merged_branches.merged_branches(commits)  # a merged branch claims its commits
    judge = targets.judges(root, book, opts)
    return Checked(push, book.config,
                   [(c, judge(merged.get(c.sha) or opts.branch or "").check(
                       changes.commit_unit(root, c, known))) for c in commits])


def plans_missing_on_remote(root: Path, remote: str | None, checked: Checked) -> list[str]:
    """Claimed plans the remote's default branch does not have: a pull request of these
    commits is judged by that branch's plans, so it would fail. Nothing to say when the push
    goes to the default branch itself, or the remote's default branch is unknown, or it
    allows new plans in pull requests."""
    default = repository.remote_default(root, remote) if remote else None
    if default is None or checked.push.target == default.partition("/")[2]:
        return []
    if adoption.last_rules(root, default) is None:  # its pull request adopts planscope
        return []
    if config_mod.load(root, default).plans_in_pr == "allow-new":
        return []
    plans = dict.fromkeys(p.plan.path for _, r in checked.results
                          for p in (r.claim.parts if r.claim is not None else ()))
    return [f"this will fail the pull request check: {p} is not on {default}; open a pull "
            f"request with the plan first" for p in plans if blobs.show(root, default, p) is None]


def pre_push(root: Path, remote: str | None, stdin: BinaryIO | None,
             env: Mapping[str, str], opts: Options) -> Outcome:
    """Every commit being pushed, each against its own trailer; one line per failing one."""
    remote = env.get("PRE_COMMIT_REMOTE_NAME") or remote
    return judged(root, pushes(root, remote, stdin, env), opts, remote)


def _fixes(failed: Sequence[UnitResult]) -> str:
    """What makes the refused commits pass, for the failures they have."""
    fixes = []
    if any(r.unclaimed for r in failed):
        fixes.append(f"name each commit's slice (git rebase -i, reword: a '{claims.TRAILER}:' "
                     f"trailer)")
    if any(r.drifted for r in failed):
        fixes.append("move drifted paths to a commit that claims their slice (git rebase -i, "
                     "split the commit), or widen the slice in a change of its own that "
                     "lands on the base first, then rebase")
    if any(r.scope is not None and r.scope.forbidden for r in failed):
        fixes.append("take the forbidden paths out of the commits (git rebase -i)")
    said = "; ".join(fixes) or "see the lines above"
    return said[0].upper() + said[1:]


def judged(root: Path, pushed: Sequence[Push], opts: Options, remote: str | None) -> Outcome:
    """The report of the pushed refs ``pushed``: one line per failing commit, the verdict."""
    seen: set[tuple[str, str, str]] = set()
    groups = [_pushed_results(root, push, opts, seen, remote) for push in pushed]
    checked = [pair for g in groups for pair in g.results]
    if not checked:
        return Outcome.of(errors.OK, ["planscope: ok: no new commits to check"])
    # a commit judged for two refs says the same thing once
    err = list(dict.fromkeys(_failure_line(r, c.subject) for c, r in checked if not r.ok))
    out = list(dict.fromkeys(
        f"planscope: {c.short} {c.subject!r}: {n}" for c, r in checked if r.ok
        for n in r.notes if n.startswith(("WARNING", "on_drift", adoption.NOTE))))
    failed = {c.sha for c, r in checked if not r.ok}
    commits = len({c.sha for c, _ in checked})
    refused = False
    for g in groups:
        missing = plans_missing_on_remote(root, remote, g)
        refused = refused or (bool(missing) and g.rules.require_plans_on_remote)
        word = "error" if g.rules.require_plans_on_remote else "warning"
        err += [f"planscope: {word}: {m}" for m in missing]
    code = max(pipeline.exit_code([r for _, r in checked]), errors.DRIFT if refused else 0)
    if code:
        err.append(
            f"planscope: push refused: {len(failed)} of {commits} commit(s) failed the check"
            + ("; plans are missing on the remote (prepush.require_plans_on_remote)"
               if refused else "")
            + ". " + _fixes([r for _, r in checked if not r.ok]))
    else:
        changed = len({c.sha for c, r in checked if r.rules_change is not None})
        said = f" ({changed} of them a rules change, for review)" if changed else ""
        out.append(f"planscope: ok: {commits} commit(s) inside their plan slices{said}")
    return Outcome.of(code, out, err)
