"""Git hook entries: ``planscope hook pre-commit | commit-msg`` (DESIGN §8).

The same entries serve ``.pre-commit-hooks.yaml`` and the plain scripts of ``hooks/``.
They never prompt and never read a terminal, and they keep git's environment: inside
``git commit -a`` or ``git commit -- PATH`` git points ``GIT_INDEX_FILE`` at a temporary
index, and ``git diff --cached`` must read that one (git runs with it inherited).

Policies, in one place:

- **Which change.** The index against HEAD; under ``git commit --amend``, against HEAD's
  first parent; a merge by what it adds that none of its parents had
  (``checker.judge.changes``).
- **Which claim.** The one claim order (``checker.judge.claims``): the message's ``Plan:``
  trailers come before the active slice and the branch; a ``fixup!`` or a revert takes the
  claim of the commit it names.
- **Which rules.** The config and the plans staged in the index: what the commit will hold,
  not unstaged edits (a note says when the working tree differs).
- **The pre-commit stage cannot see the message.** It never refuses a commit the
  commit-msg stage would pass with the message given: it refuses a forbidden path (no claim
  makes one pass), and drift against the slice of ``--plan``, or of the active slice or the
  branch when no commit-msg hook of planscope is installed to read the trailer. Everything
  else is the commit-msg hook's to say, in one report per commit.

pre-push is ``checker.commands.pre_push``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from checker import errors
from checker.agents import executors
from checker.errors import Outcome
from checker.git import amend, blobs, hookfiles, messages, repository
from checker.judge import changes, pipeline, quick, targets
from checker.judge.changes import Unit
from checker.judge.pipeline import Judge, Options, UnitResult
from checker.render import text
from checker.rules.book import Rulebook
from checker.rules.ruleset import RuleSet
from checker.rules.scope import classify


def _executor_trailer(root: Path, path: Path, message: str, env: Mapping[str, str]) -> None:
    """Under ``planscope run`` (``PLANSCOPE_EXECUTOR``), the commit gets an ``Executor:``
    trailer naming the executor, unless it has one; ``planscope stats`` counts by it."""
    name = env.get(executors.ENV, "").strip()
    if name and "\n" not in name and not messages.trailer_values(root, message, executors.TRAILER):
        messages.add_trailer(root, path, executors.TRAILER, name)

def _report(results: Sequence[UnitResult], notes: Sequence[str] = ()) -> Outcome:
    out, err = text.to_text(results)
    code = pipeline.exit_code(results)
    said = errors.text(f"planscope: {n}" for n in notes)
    if code == errors.OK:
        return Outcome(code, out + said, err)
    return Outcome(code, out, err + said)


def pre_commit(root: Path, opts: Options) -> Outcome:
    """The staged change before its message exists (see the module docstring): speaks only
    to refuse; a pass leaves a ticket for the next commit's quick answer."""
    if repository.merge_heads(root) and len(repository.commit_parents(root)) > 1:
        # a merge: commit-msg judges what it adds
        return Outcome()
    unit = changes.staged_unit(root)
    book = Rulebook(root, blobs.INDEX)
    judge = Judge(root, book, opts)
    if not unit.changes or judge.adopts(unit) or not (book.config.found or opts.plan_ref):
        return Outcome()
    if opts.plan_ref is None and "commit-msg" in hookfiles.installed(root):
        return _forbidden_only(root, judge, unit)
    if judge.claim(unit) is None:
        return Outcome()  # the message, unseen, may claim it: pre-push and the PR will see
    result = judge.check(unit)
    if result.exit_code != errors.OK:
        return _report([result], targets.unstaged_note(root, book.config))
    if not (result.scope and result.scope.drift) and not unit.diff_revs:
        _ticket(root, judge, result.rules, "slice")
    return Outcome()


def _forbidden_only(root: Path, judge: Judge, unit: Unit) -> Outcome:
    """What no claim could make pass: a path the config or a plan not done forbids."""
    rules = judge.rules(None)
    result = UnitResult(unit, rules=rules)
    scope = result.scope = classify(unit.changes, rules)
    if scope.forbidden:
        result.exit_code = errors.DRIFT
        result.forbid_rules = {t.path: rules.rule(t.path) for t in scope.forbidden}
        result.notes.append("a forbidden path fails whatever the commit message claims")
        return _report([result], targets.unstaged_note(root, judge.config))
    if not unit.diff_revs:
        _ticket(root, judge, rules, "forbids")
    return Outcome()


def _ticket(root: Path, judge: Judge, rules: RuleSet | None, mode: str) -> None:
    """Let the next commit pass quickly (``checker.judge.quick``) while nothing this answer
    rests on changes: no --plan, plans read from the index, no rollout order to look up."""
    if rules is None or judge.opts.plan_ref is not None:
        return
    if any(not judge.book.indexed(p.plan.path) for p in rules.parts):
        return
    if judge.config.order != "off" and rules.needs():
        return  # the rollout order rests on history, which the ticket does not hold
    facts = repository.facts(root)
    quick.write(facts.top, facts.git_dir, judge.config.plans_dir, judge.opts.env, rules, mode)


def commit_msg(root: Path, message_file: Path | None, opts: Options,
               env: Mapping[str, str]) -> Outcome:
    """The staged change against the slices the message claims (its ``Plan:`` trailers, or
    those of the commit its fixup! or revert names, then the active slice and the branch)."""
    path = message_file if message_file is not None else repository.git_path(root,
                                                                             "COMMIT_EDITMSG")
    args = amend.commit_args(root) or []  # the options of the git commit being run
    message = messages.read_message(root, path, editor_used=env.get("GIT_EDITOR") != ":",
                                    cleanup=amend.commit_cleanup(args))
    # an empty message (--allow-empty-message) claims nothing: judged like any other
    if message.strip():
        _executor_trailer(root, path, message, env)
    unit = changes.staged_unit(root, message, amending=amend.commit_args_amend(args))
    book = Rulebook(root, blobs.INDEX)
    notes = targets.unstaged_note(root, book.config)
    return _report([Judge(root, book, opts).check(unit)], notes)
