"""Adopting planscope on a repository with history.

- **The baseline.** ``planscope init`` records the commit it ran on as ``baseline`` in the
  config. Commits reachable from it came before planscope and are never checked, by any
  entry point: hooks, pre-push (to any remote), ``check --range``/``--base``, the Action.
  A baseline is honoured only when it is at or before the adoption (its parent has no
  planscope config): one written later would hide commits made under the rules.
- **The adoption change.** The commit (or the staged change) that brings planscope in, where
  its parent has no planscope config, passes with one line saying so, as long as it touches
  only planscope's own files: the config, the plans, the plan schema, the hook and workflow
  settings. Anything else in it is judged as usual.
- **The adoption pull request.** When the base commit has no config, there are no rules to
  judge by yet: the check passes and says that the rules apply once the change is merged.

None of this opens a door later: once a config exists, a change that edits the config or
the plans is judged like any other (in a pull request, by the base's rules).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from checker.errors import BadInput
from checker.git import repository, revs
from checker.rules import config, globs
from checker.rules.config import Config

NOTE = "adopts planscope: its rules apply from the next change on"
NO_RULES = "no planscope config where its rules are read: nothing to judge it by yet"
PULL_REQUEST_NOTE = ("planscope is being adopted by this change: its base has no planscope "
                     "config, so its rules apply once it is merged")
CONFIG_FILES = (config.CONFIG_FILE, "pyproject.toml")
OWN_FILES = (
    "/" + config.CONFIG_FILE,
    "/schemas/plan.schema.json",
    "/.pre-commit-config.yaml",
    "/.github/workflows/**",
    "/.claude/settings.json",
    "/.codex/hooks.json",
)


def present(root: Path, rev: str | None) -> bool:
    """Whether a planscope config exists at ``rev`` (working tree for None, the index for
    ``blobs.INDEX``), as the config loader itself reads it: a ``.planscope.yaml``, or a
    ``[tool.planscope]`` table in pyproject.toml. One that does not load counts as present:
    a rule unknown is not an absent one."""
    from checker.rules.book import Rulebook

    try:
        return Rulebook(root, rev).config.found
    except BadInput:
        return True


def adopts(root: Path, rules: Config, paths: Sequence[str], before: str | None,
           after: str | None) -> bool:
    """Whether a change from ``before`` (None: nothing, an unborn branch) to ``after`` is the
    adoption: no config before, one after, and only planscope's own files touched."""
    had = before is not None and before != repository.empty_tree(root) and present(root, before)
    if had or not present(root, after):
        return False
    own = globs.fold_of(root).matcher([*OWN_FILES, f"/{rules.plans_dir}/**",
                    *(["/pyproject.toml"] if rules.source == config.PYPROJECT_SOURCE else [])])
    return bool(paths) and all(own.match(p) for p in paths)


def commits_after(root: Path, rules: Config) -> tuple[str, ...]:
    """rev-list arguments that leave out what came before the baseline (none without one, or
    when a shallow clone does not hold it: then those commits are not here either). They
    go first: after a ``--not`` a ``^`` would flip back."""
    if rules.baseline is None:
        return ()
    if not repository.commit_exists(root, rules.baseline):
        if repository.is_shallow(root):
            return ()

        raise BadInput(f"{rules.source}: baseline {rules.baseline[:12]} is not a commit in this "
                       f"repository", hint="set baseline to the commit planscope was adopted on "
                                           "(git log --diff-filter=A -- .planscope.yaml)")
    return (f"^{rules.baseline}",) if _before_rules(root, rules.baseline) else ()


@functools.lru_cache(maxsize=8)
def _before_rules(root: Path, sha: str) -> bool:
    """Whether commit ``sha`` is at or before the adoption: its first parent (if any) has no
    planscope config."""
    (commit,) = revs.log(root, "-1", sha)
    return not commit.parents or not present(root, commit.parents[0])


def before_baseline(root: Path, rules: Config, sha: str) -> bool:
    return rules.baseline is not None and bool(commits_after(root, rules)) \
        and revs.is_ancestor(root, sha, rules.baseline)
