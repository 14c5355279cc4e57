"""Validating a set of plans (checker/validation.py)."""

from __future__ import annotations

from checker import errors
from checker.rules import validation
from checker.rules.config import Config
from tests.conftest import AWARDS_PLAN, Repo


def test_valid_invalid_and_duplicate_ids(awards: Repo) -> None:
    awards.write("plans/copy.yaml", AWARDS_PLAN)
    awards.write("plans/broken.yaml", "id: [\n")
    result = validation.validate(awards.path, Config(), ["plans/copy.yaml"], None)
    assert [p.path for p in result.valid] == ["plans/copy.yaml"]
    assert result.errors == ["plans/copy.yaml:3:5: plan id 'awards-dashboard' is also used by "
                             "plans/awards.yaml"]
    assert result.exit_code == errors.BAD_INPUT


def test_findings_against_a_revision(awards: Repo) -> None:
    result = validation.validate(awards.path, Config(), [], "HEAD")
    assert result.errors == [] and result.exit_code == errors.OK
    awards.write("plans/awards.yaml", AWARDS_PLAN.replace("app/models/__init__.py",
                                                          "app/models/gone.py"))
    result = validation.validate(awards.path, Config(), [], "HEAD")
    assert result.exit_code == errors.DRIFT
    assert any("modify 'app/models/gone.py' does not exist at HEAD" in f for f in result.findings)


def test_no_plans_at_all(repo: Repo) -> None:
    result = validation.validate(repo.path, Config(), [], None)
    assert result.errors == ["plans/: no plan files (*.yaml) found"]
