"""The core check (checker/judge/pipeline.py and changes.py), called directly: targets become
units, claims are found in order, exemptions."""

from __future__ import annotations

import pytest

from checker.errors import BadInput
from checker.git import blobs
from checker.judge import changes
from checker.judge.changes import Target
from checker.judge.pipeline import Judge, Options
from checker.rules.book import Rulebook
from checker.rules.config import Config
from tests.conftest import TABLES, Repo


def _judge(repo: Repo, opts: Options, config: Config | None = None) -> Judge:
    return Judge(repo.path, Rulebook(repo.path, blobs.INDEX, config=config), opts)


def test_units_of_each_target(awards: Repo) -> None:
    first = awards.head()
    awards.write("db/migrations/0042_awards.sql")
    awards.commit("table", plan=TABLES)
    awards.write("app/models/__init__.py", "x\n")
    awards.commit("models", plan=TABLES)
    (one,) = changes.units(awards.path, Target("commit", "HEAD"), Config())
    assert one.label == f"commit {awards.head()[:9]} 'models'" and one.sha == awards.head()
    two = changes.units(awards.path, Target("range", f"{first}..HEAD"), Config())
    assert [u.label.split("'")[1] for u in two] == ["table", "models"]
    (whole,) = changes.units(awards.path, Target("range", f"{first}..HEAD"), Config(),
                             whole=True)
    assert whole.sha is None and {c.path for c in whole.changes} == {
        "db/migrations/0042_awards.sql", "app/models/__init__.py"}
    awards.write("README.md", "staged\n")
    awards.git("add", "README.md")
    staged = changes.staged_unit(awards.path, f"x\n\nPlan: {TABLES}\n")
    assert staged.cached and staged.trailers == (TABLES,)
    with pytest.raises(BadInput, match=r"--range takes A\.\.B"):
        changes.units(awards.path, Target("range", "HEAD"), Config())


def test_claims_in_order(awards: Repo) -> None:
    awards.git("checkout", "-q", "-b", "plan/awards-dashboard/views")
    awards.write("README.md", "staged\n")
    awards.git("add", "README.md")
    unit = changes.staged_unit(awards.path)
    assert _judge(awards, Options(env={})).claim(unit).source == (  # type: ignore[union-attr]
        "branch plan/awards-dashboard/views")
    used = _judge(awards, Options(env={"PLANSCOPE_PLAN": TABLES}))
    assert used.claim(unit).source == "PLANSCOPE_PLAN"  # type: ignore[union-attr]
    given = _judge(awards, Options(plan_ref=TABLES))
    assert given.claim(unit).source == "--plan"  # type: ignore[union-attr]
    trailer = changes.staged_unit(awards.path, f"x\n\nPlan: {TABLES}\n")
    assert used.claim(trailer).source == (  # type: ignore[union-attr]
        "'Plan:' trailer of the commit message")


def test_exemptions_by_path_and_by_size(awards: Repo) -> None:
    cfg = Config(exempt_paths=("docs/**",), exempt_max_changed_lines=2, source="test")
    awards.write("docs/a.md", "one\n")
    awards.git("add", "docs/a.md")
    judge = _judge(awards, Options(), cfg)
    unit = changes.staged_unit(awards.path)
    assert judge.exempt(unit, judge.rules(None))
    awards.git("reset", "-q")
    awards.write("app/x.py", "a\nb\nc\n")
    awards.git("add", "app/x.py")
    unit = changes.staged_unit(awards.path)
    assert not judge.exempt(unit, judge.rules(None))  # three lines, over the limit of two
    result = judge.check(unit)
    assert result.exit_code == 2 and result.error is not None
    assert "no plan claims this change" in result.error


def test_an_empty_change_is_ok(awards: Repo) -> None:
    unit = changes.staged_unit(awards.path)
    result = _judge(awards, Options()).check(unit)
    assert result.ok and result.notes == ["no changes"]


def test_a_change_with_no_config_where_its_rules_are_read_is_not_judged(repo: Repo) -> None:
    repo.write("app.py")
    repo.git("add", "app.py")
    result = _judge(repo, Options()).check(changes.staged_unit(repo.path))
    assert result.ok and result.notes == [
        "no planscope config where its rules are read: nothing to judge it by yet"]
