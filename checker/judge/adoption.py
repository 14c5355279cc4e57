"""Adopting planscope on a repository with history.

- **The baseline.** ``planscope init`` records the commit it ran on as ``baseline`` in the
  config. Commits reachable from it came before planscope and are never checked, by any
  entry point: hooks, pre-push (to any remote), ``check --range``/``--base``, the Action.
  A baseline is honoured only when it is at or before the adoption (its parent has no
  planscope config): one written later would hide commits made under the rules.
- **Adoption is a fact about the history.** A change adopts planscope only when no commit
  below it ever had a config: a config deleted and added again adopts nothing, and where the
  config was deleted the rules in force are those of the last commit that had it
  (``last_rules``). Config presence is what the config loader finds (``present``), never a
  search of the text.
- **The adoption change.** The commit (or the staged change) that brings planscope in passes
  with one line saying so, as long as it touches only planscope's own files: the config, the
  plans, the plan schema, the hook and workflow settings. Anything else in it is judged as
  usual. Only where the rules are read from a revision without rules: judged by a base that
  has rules (a pull request, a range), a commit that brings a config is a rules change like
  any other, a root commit included.
- **The adoption pull request.** When no commit below the base ever had a config, there are
  no rules to judge by yet: the commits are judged one by one, as ``check --range`` judges
  them (the adoption by the rules it brings, each later one by its parent's), and the check
  says that the rules apply to the base once the change is merged.

None of this opens a door later: once a config exists, a change that edits the config or
the plans is judged like any other (in a pull request, by the base's rules).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from checker.errors import BadInput
from checker.git import process, repository, revs
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
    adoption: no config before nor ever below it, one after, and only planscope's own files
    touched."""
    had = before is not None and before != repository.empty_tree(root) and \
        last_rules(root, before) is not None
    if had or not present(root, after):
        return False
    own = globs.fold_of(root).matcher([*OWN_FILES, f"/{rules.plans_dir}/**",
                    *(["/pyproject.toml"] if rules.source == config.PYPROJECT_SOURCE else [])])
    return bool(paths) and all(own.match(p) for p in paths)


def last_rules(root: Path, rev: str) -> str | None:
    """The revision whose rules are in force at ``rev``: ``rev`` when it has a config, else
    the newest commit below it that had one (a config deleted since); None when no commit
    below ``rev`` ever had one (planscope was never adopted there)."""
    if present(root, rev):
        return rev
    ruled = _ruled(root)
    if not ruled or revs.rev_parse(root, rev) not in ruled:
        return None  # no commit below it ever had rules: the cheap answer, nearly always
    out = process.run(root, "log", "--format=%H", "-n", str(_LOOK_BACK), rev, "--",
                      config.CONFIG_FILE, "pyproject.toml")
    for sha in out.decode().split():
        (commit,) = revs.log(root, "-1", sha)
        for candidate in (sha, *commit.parents[:1]):
            if present(root, candidate):
                return candidate
    return None


_LOOK_BACK = 200  # commits that touched a config file, newest first, searched for rules


@functools.lru_cache(maxsize=8)
def _ruled(root: Path) -> frozenset[str]:
    """Every commit of any ref that is, or lies above, a commit that brought a planscope
    config: a ``.planscope.yaml`` added, or a pyproject.toml whose ``[tool.planscope]`` (in
    any TOML spelling: read by the loader's TOML reader, never searched as text) its parent
    lacked. Only there can rules be in force where a revision has none."""
    starts = process.run(root, "log", "--all", "--format=%H", "--diff-filter=A", "--",
                         config.CONFIG_FILE).decode().split()
    starts += _pyproject_starts(root)
    found: set[str] = set()
    for start in dict.fromkeys(starts):
        found.add(start)
        found.update(process.run(root, "rev-list", "--ancestry-path", "--all", f"^{start}")
                     .decode().split())
    return frozenset(found)


def _pyproject_starts(root: Path) -> list[str]:
    """Commits whose pyproject.toml holds a ``[tool.planscope]`` table its first parent's
    lacks."""
    shas = process.run(root, "log", "--all", "--format=%H", "--", "pyproject.toml").decode().split()
    if not shas:
        return []
    from checker.git import blobs

    specs = [spec for sha in shas for spec in (f"{sha}:pyproject.toml", f"{sha}^:pyproject.toml")]
    texts = blobs.read_at(root, specs)
    return [sha for i, sha in enumerate(shas)
            if _tabled(texts[2 * i]) and not _tabled(texts[2 * i + 1])]


def _tabled(raw: bytes | None) -> bool:
    """Whether pyproject.toml text holds a ``[tool.planscope]`` table (invalid TOML: no)."""
    if raw is None:
        return False
    try:
        return config.pyproject_section(raw.decode("utf-8")) is not None
    except (BadInput, UnicodeDecodeError):
        return False


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
