"""Which files are planscope's rules: the files that decide what a change may touch.

- planscope's config: ``.planscope.yaml``, or ``pyproject.toml`` when it holds the config;
- every plan file: ``*.yaml`` and ``*.yml`` under ``plans_dir``;
- the hook settings in the repository that run planscope: Claude Code's and Codex's, and
  the pre-commit framework's.

The guard refuses agent edits to them unless the active slice names them
(``checker.agents.gatepaths``); a commit that changes nothing else is a rules change
(``checker.rules.ruleschange``).
"""

from __future__ import annotations

import functools

from checker.rules.config import CONFIG_FILE, PYPROJECT_SOURCE
from checker.rules.globs import Fold, Matcher

IN_REPOSITORY = {
    ".claude/settings.json": "Claude Code's hook settings",
    ".claude/settings.local.json": "Claude Code's hook settings",
    ".codex/hooks.json": "Codex's hook settings",
    ".codex/config.toml": "Codex's settings",
    ".pre-commit-config.yaml": "the pre-commit framework's hooks",
}
PYPROJECT = "pyproject.toml"


def rule_file(rel: str, plans_dir: str, config_source: str | None, fold: Fold) -> str | None:
    """What ``rel`` (repo-relative) is of the rules or the hook settings, or None."""
    matcher, labels = _matcher(plans_dir, config_source, fold)
    index = matcher.which(rel)
    return None if index is None else labels[index]


@functools.lru_cache(maxsize=16)
def _matcher(plans_dir: str, config_source: str | None,
             fold: Fold) -> tuple[Matcher, tuple[str, ...]]:
    """The patterns of the rule files, built once per settings (a commit may have many
    paths)."""
    folder = plans_dir.strip("/")
    under = "/**" if folder in ("", ".") else f"/{folder}/**"
    patterns = {f"/{CONFIG_FILE}": "planscope's config", f"{under}/*.yaml": "a plan file",
                f"{under}/*.yml": "a plan file",
                **{f"/{p}": what for p, what in IN_REPOSITORY.items()}}
    if config_source == PYPROJECT_SOURCE:
        patterns[f"/{PYPROJECT}"] = "planscope's config (pyproject.toml)"
    return fold.matcher(list(patterns)), tuple(patterns.values())
