"""checker.agents.guardrules: what the guard judges by, the one builder's rules, computed
once and kept while its files hold."""

from __future__ import annotations

from checker import state
from checker.agents import guardrules
from checker.rules.globs import Fold
from tests.conftest import Repo


def _cache(repo: Repo) -> state.Cache:
    return state.Cache(repo.path / ".git" / "planscope" / "cache" / "guard")


def test_settings_follow_the_config_and_gits_own(awards: Repo) -> None:
    git_dir = awards.path / ".git"
    first = guardrules.guarded(awards.path, git_dir, {}, _cache(awards))
    assert (first.mode, first.rules.fold, first.active) == ("block", Fold(), None)
    assert len(list((git_dir / "planscope" / "cache" / "guard").iterdir())) == 2
    again = guardrules.guarded(awards.path, git_dir, {}, _cache(awards))
    assert (again.mode, again.rules.to_data()) == (first.mode, first.rules.to_data())
    assert len(list((git_dir / "planscope" / "cache" / "guard").iterdir())) == 2  # kept
    awards.write(".planscope.yaml", "guard:\n  mode: warn\n")
    awards.git("config", "core.ignorecase", "true")
    changed = guardrules.guarded(awards.path, git_dir, {}, _cache(awards))
    assert (changed.mode, changed.rules.fold) == ("warn", Fold(ignore_case=True))


def test_forbids_are_every_plans_and_the_configs(awards: Repo) -> None:
    git_dir = awards.path / ".git"
    awards.write(".planscope.yaml", "forbid: [secrets/]\n")
    seen = guardrules.guarded(awards.path, git_dir, {}, _cache(awards))
    assert [(f.origin.label, f.patterns) for f in seen.rules.forbids] == [
        ("forbid in .planscope.yaml", ("secrets/",)),
        ("forbid of plans/awards.yaml", ("app/auth/**", "**/*.pem")),
    ]
    active = guardrules.guarded(awards.path, git_dir,
                                {"PLANSCOPE_PLAN": "plans/awards.yaml#views"}, _cache(awards))
    assert active.active == guardrules.Active("plans/awards.yaml#views", "PLANSCOPE_PLAN")
    assert [p.ref for p in active.rules.parts] == ["plans/awards.yaml#views"]
    none = guardrules.guarded(awards.path, git_dir, {"PLANSCOPE_PLAN": "none"}, _cache(awards))
    assert none.active is None and not none.rules.parts
