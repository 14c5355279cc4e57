"""Git hook entries: ``planscope hook pre-commit | commit-msg`` (DESIGN §8).

The same entries serve ``.pre-commit-hooks.yaml`` and the plain scripts of ``hooks/``.
They never prompt and never read a terminal, and they keep git's environment: inside
``git commit -a`` or ``git commit -- PATH`` git points ``GIT_INDEX_FILE`` at a temporary
index, and ``git diff --cached`` must read that one (gitio runs git with it inherited).

Policies, in one place:

- **Amend.** The change of ``git commit --amend`` is the index against HEAD's first parent
  (``checker.amend`` tells an amend from a new commit).
- **Merge.** While ``MERGE_HEAD`` exists (``git merge``, or ``git commit`` after resolving a
  conflict), and when amending a merge, the commit is judged by what it adds that none of
  its parents had (``checker.merges``): a clean merge adds nothing; the merged commits are
  checked one by one (pre-push, ``planscope check --range``).
- **fixup!/squash!/amend!** Without a ``Plan:`` trailer of its own, such a commit takes its
  target's (``checker.fixups``).
- **Rules.** The config and the plans are read from the index: what the commit will hold,
  not unstaged edits (a note says when the working tree differs).

pre-push is ``checker.commands.pre_push``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from checker import errors
from checker.agents import executors
from checker.errors import Outcome
from checker.git import amend, blobs, diffs, merges, messages, repository, revs
from checker.judge import claims, fixups, order, pipeline, quick
from checker.judge.pipeline import Options, Unit, UnitResult
from checker.render import text
from checker.rules import config as config_mod
from checker.rules.config import Config

# --- pre-commit and commit-msg --------------------------------------------------------

def _executor_trailer(root: Path, path: Path, message: str, env: Mapping[str, str]) -> None:
    """Under ``planscope run`` (``PLANSCOPE_EXECUTOR``), the commit gets an ``Executor:``
    trailer naming the executor, unless it has one; ``planscope stats`` counts by it."""
    name = env.get(executors.ENV, "").strip()
    if name and "\n" not in name and not messages.trailer_values(root, message, executors.TRAILER):
        messages.add_trailer(root, path, executors.TRAILER, name)

def _merge_unit(root: Path, parents: Sequence[str]) -> Unit:
    """The merge being committed: what the index holds that none of ``parents`` had."""
    tree = diffs.write_tree(root)
    base, changes = merges.own_changes(root, parents, tree)
    return Unit("merge being committed", None, tuple(changes), diff_revs=(base, tree),
                trailer_source="the commit message", merge=True)


def staged_unit(root: Path, amending: bool) -> Unit:
    """The change the commit being made will record."""
    merging = repository.merge_heads(root)
    if merging:
        return _merge_unit(root, [revs.rev_parse(root, "HEAD"), *merging])
    head = revs.head_commit(root) if amending else None
    if head is None:
        return pipeline.staged_unit(root)
    if len(head.parents) > 1:
        return _merge_unit(root, head.parents)
    base = revs.commit_base(root, head)
    return Unit(f"staged changes (amending {head.short})", None,
                tuple(diffs.diff(root, base, cached=True)), diff_revs=(base,), cached=True,
                trailer_source="the commit message")


def _report(results: Sequence[UnitResult], notes: Sequence[str] = ()) -> Outcome:
    out, err = text.to_text(results)
    code = pipeline.exit_code(results)
    said = errors.text(f"planscope: {n}" for n in notes)
    if code == errors.OK:
        return Outcome(code, out + said, err)
    return Outcome(code, out, err + said)


def staged_rules(root: Path, opts: Options) -> tuple[Config, Options]:
    """The config and plans as staged: what the commit will hold, not unstaged edits."""
    return config_mod.load(root, blobs.INDEX), replace(opts, plans_rev=blobs.INDEX)


def unstaged_note(root: Path, rules: Config) -> list[str]:
    """A note naming the rule files whose working-tree copy differs from the staged one."""
    files = [rules.plans_dir, config_mod.CONFIG_FILE]
    if rules.source == config_mod.PYPROJECT_SOURCE:
        files.append("pyproject.toml")
    unstaged = diffs.unstaged(root, files)
    return [f"note: {', '.join(unstaged)} differ{'s' * (len(unstaged) == 1)} from what is "
            f"staged; the commit is checked with the staged version (git add to use yours)"
            ] if unstaged else []


def pre_commit(root: Path, opts: Options) -> Outcome:
    """The staged diff against the slice named by ``--plan``, the active slice or the
    branch; it speaks only to refuse. What passes, what names no slice yet, a merge and the
    adoption are left to the commit-msg hook, which reads the message's ``Plan:`` trailer
    and reports: one report per commit, not two."""
    if repository.merge_heads(root):
        return Outcome()
    unit = staged_unit(root, amend.amending(root))
    rules, opts = staged_rules(root, opts)
    checker = pipeline.Checker(root, rules, opts)
    if not unit.changes or checker.adopts(unit) or checker.claim(unit) is None:
        return Outcome()
    result = checker.check(unit)
    if result.exit_code != errors.OK:
        return _report([result], unstaged_note(root, rules))
    _ticket(root, checker, result, opts)
    return Outcome()


def _ticket(root: Path, checker: pipeline.Checker, result: UnitResult, opts: Options) -> None:
    """Let the next commit pass quickly (``checker.quick``) when this one passed a slice
    claimed by the branch or the active slice, with nothing drifted, verified or amended."""
    claim = result.claim
    if (claim is None or claim.plan is None or opts.plan_ref is not None or result.scope is None
            or result.scope.drift or result.unit.diff_revs or result.unit.merge
            or not checker.plans.indexed(claim.plan.path)):
        return
    if checker.config.order != "off" and order.needed(claim.plan, claim.slices):
        return  # the rollout order rests on history, which the ticket does not hold
    scope = checker.scope(claim)
    facts = repository.facts(root)
    quick.write(facts.top, facts.git_dir, checker.config.plans_dir, opts.env,
                scope.allowed.patterns, [m.patterns for _, m in scope.forbidden.groups],
                (checker.fold.ignore_case, checker.fold.nfc))


def commit_msg(root: Path, message_file: Path | None, opts: Options,
               env: Mapping[str, str]) -> Outcome:
    """The staged diff against the slice the message's ``Plan:`` trailer names."""
    path = message_file if message_file is not None else repository.git_path(root, "COMMIT_EDITMSG")
    message = messages.read_message(root, path, editor_used=env.get("GIT_EDITOR") != ":")
    if not message.strip():
        return Outcome()  # git refuses an empty message itself
    _executor_trailer(root, path, message, env)
    unit = staged_unit(root, amend.amending(root))
    unit = replace(unit, trailers=messages.trailer_values(root, message, claims.TRAILER))
    rules, opts = staged_rules(root, opts)
    notes = unstaged_note(root, rules)
    unit = fixups.adopt_target(root, unit, message.partition("\n")[0], "HEAD", notes)
    return _report([pipeline.Checker(root, rules, opts).check(unit)], notes)
