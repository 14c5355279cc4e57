"""checker.agents.guardrules: what the guard knows, computed once and kept while its files hold."""

from __future__ import annotations

from checker import state
from checker.agents import guardrules
from checker.rules.globs import Fold
from tests.conftest import Repo


def test_settings_follow_the_config_and_gits_own(awards: Repo) -> None:
    git_dir = awards.path / ".git"
    cache = state.Cache(git_dir / "planscope" / "cache" / "guard")
    first = guardrules.settings(awards.path, git_dir, cache)
    assert (first.mode, first.fold) == ("block", Fold())
    assert guardrules.settings(awards.path, git_dir, cache) == first  # kept
    awards.write(".planscope.yaml", "guard:\n  mode: warn\n")
    awards.git("config", "core.ignorecase", "true")
    again = guardrules.settings(awards.path, git_dir, cache)
    assert (again.mode, again.fold) == ("warn", Fold(ignore_case=True))


def test_forbids_are_every_plans_and_the_configs(awards: Repo) -> None:
    git_dir = awards.path / ".git"
    cache = state.Cache(git_dir / "planscope" / "cache" / "guard")
    awards.write(".planscope.yaml", "forbid: [secrets/]\n")
    settings = guardrules.settings(awards.path, git_dir, cache)
    assert guardrules.forbids(awards.path, settings, cache) == [
        ("forbid in .planscope.yaml", ("secrets/",)),
        ("forbid of plans/awards.yaml", ("app/auth/**", "**/*.pem")),
    ]
