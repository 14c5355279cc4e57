"""The core check (checker/pipeline.py), called directly: targets become units, claims are
found in order, exemptions."""

from __future__ import annotations

import pytest

from checker.errors import BadInput
from checker.judge import pipeline
from checker.judge.pipeline import Options, Target
from checker.rules.config import Config
from tests.conftest import TABLES, Repo


def test_units_of_each_target(awards: Repo) -> None:
    first = awards.head()
    awards.write("db/migrations/0042_awards.sql")
    awards.commit("table", plan=TABLES)
    awards.write("app/models/__init__.py", "x\n")
    awards.commit("models", plan=TABLES)
    (one,) = pipeline.units(awards.path, Target("commit", "HEAD"), Options(), Config())
    assert one.label == f"commit {awards.head()[:9]} 'models'" and one.sha == awards.head()
    two = pipeline.units(awards.path, Target("range", f"{first}..HEAD"), Options(), Config())
    assert [u.label.split("'")[1] for u in two] == ["table", "models"]
    (whole,) = pipeline.units(awards.path, Target("range", f"{first}..HEAD"),
                              Options(plan_ref=TABLES), Config())
    assert whole.sha is None and {c.path for c in whole.changes} == {
        "db/migrations/0042_awards.sql", "app/models/__init__.py"}
    awards.write("README.md", "staged\n")
    awards.git("add", "README.md")
    (staged,) = pipeline.units(awards.path, Target("staged"),
                               Options(message=f"x\n\nPlan: {TABLES}\n"), Config())
    assert staged.cached and staged.trailers == (TABLES,)
    with pytest.raises(BadInput, match=r"--range takes A\.\.B"):
        pipeline.units(awards.path, Target("range", "HEAD"), Options(), Config())


def test_claims_in_order(awards: Repo) -> None:
    awards.git("checkout", "-q", "-b", "plan/awards-dashboard/views")
    awards.write("README.md", "staged\n")
    awards.git("add", "README.md")
    (unit,) = pipeline.units(awards.path, Target("staged"), Options(), Config())
    checker = pipeline.Checker(awards.path, Config(), Options(env={}))
    assert checker.claim(unit).source == "branch plan/awards-dashboard/views"  # type: ignore[union-attr]
    used = pipeline.Checker(awards.path, Config(),
                            Options(env={"PLANSCOPE_PLAN": TABLES}))
    assert used.claim(unit).source == "PLANSCOPE_PLAN"  # type: ignore[union-attr]
    given = pipeline.Checker(awards.path, Config(), Options(plan_ref=TABLES))
    assert given.claim(unit).source == "--plan"  # type: ignore[union-attr]


def test_exemptions_by_path_and_by_size(awards: Repo) -> None:
    cfg = Config(exempt_paths=("docs/**",), exempt_max_changed_lines=2)
    awards.write("docs/a.md", "one\n")
    awards.git("add", "docs/a.md")
    checker = pipeline.Checker(awards.path, cfg, Options())
    (unit,) = pipeline.units(awards.path, Target("staged"), Options(), Config())
    assert checker.exempt(unit)
    awards.git("reset", "-q")
    awards.write("app/x.py", "a\nb\nc\n")
    awards.git("add", "app/x.py")
    (unit,) = pipeline.units(awards.path, Target("staged"), Options(), Config())
    assert not checker.exempt(unit)  # three lines, over the limit of two
    result = checker.check(unit)
    assert result.exit_code == 2 and result.error is not None
    assert "no plan claims this change" in result.error


def test_an_empty_change_is_ok(awards: Repo) -> None:
    (unit,) = pipeline.units(awards.path, Target("staged"), Options(), Config())
    result = pipeline.Checker(awards.path, Config(), Options()).check(unit)
    assert result.ok and result.notes == ["no changes"]
