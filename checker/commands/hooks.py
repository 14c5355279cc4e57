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

from checker import amend, errors, fixups, gitio, merges, pipeline, resolve
from checker import config as config_mod
from checker.config import Config
from checker.errors import Outcome
from checker.pipeline import Options, Unit, UnitResult
from checker.render import text

# --- pre-commit and commit-msg --------------------------------------------------------

def _merge_unit(root: Path, parents: Sequence[str]) -> Unit:
    """The merge being committed: what the index holds that none of ``parents`` had."""
    tree = gitio.write_tree(root)
    base, changes = merges.own_changes(root, parents, tree)
    return Unit("merge being committed", None, tuple(changes), diff_revs=(base, tree),
                trailer_source="the commit message", merge=True)


def staged_unit(root: Path, amending: bool) -> Unit:
    """The change the commit being made will record."""
    merging = gitio.merge_heads(root)
    if merging:
        return _merge_unit(root, [gitio.rev_parse(root, "HEAD"), *merging])
    head = gitio.head_commit(root) if amending else None
    if head is None:
        return pipeline.staged_unit(root)
    if len(head.parents) > 1:
        return _merge_unit(root, head.parents)
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
    """The staged diff against the slice named by ``--plan``, the active slice or the
    branch; it speaks only to refuse. What passes, what names no slice yet, a merge and the
    adoption are left to the commit-msg hook, which reads the message's ``Plan:`` trailer
    and reports: one report per commit, not two."""
    if gitio.merge_heads(root):
        return Outcome()
    unit = staged_unit(root, amend.amending(root))
    rules, opts, notes = staged_rules(root, opts)
    checker = pipeline.Checker(root, rules, opts)
    if not unit.changes or checker.adopts(unit) or checker.claim(unit) is None:
        return Outcome()
    result = checker.check(unit)
    return Outcome() if result.exit_code == errors.OK else _report([result], notes)


def commit_msg(root: Path, message_file: Path | None, opts: Options,
               env: Mapping[str, str]) -> Outcome:
    """The staged diff against the slice the message's ``Plan:`` trailer names."""
    path = message_file if message_file is not None else gitio.git_path(root, "COMMIT_EDITMSG")
    message = gitio.read_message(root, path, editor_used=env.get("GIT_EDITOR") != ":")
    if not message.strip():
        return Outcome()  # git refuses an empty message itself
    unit = staged_unit(root, amend.amending(root))
    unit = replace(unit, trailers=gitio.trailer_values(root, message, resolve.TRAILER))
    rules, opts, notes = staged_rules(root, opts)
    unit = fixups.adopt_target(root, unit, message.partition("\n")[0], "HEAD", notes)
    return _report([pipeline.Checker(root, rules, opts).check(unit)], notes)
