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


def test_a_rule_that_matches_no_file_is_a_warning(awards: Repo) -> None:
    """``forbid: [app/_client]`` for ``app/_client.py`` protects nothing: said, file:line."""
    awards.write(".planscope.yaml", "on_drift: block\nforbid: [app/auth/**, app/_client]\n"
                 "exempt:\n  paths: [docs/**]\n")
    awards.commit("rules", plan="none")
    r = awards.planscope("validate", "--against", "HEAD")
    assert ".planscope.yaml:2:23: warning: forbid 'app/_client' matches no file at HEAD" in r.out
    assert ".planscope.yaml:4:11: warning: exempt.paths 'docs/**': no file under docs/ at " \
           "HEAD" in r.out
    assert "warning: forbid 'app/auth/**'" not in r.out  # it protects app/auth/session.py
    assert "'**/*.pem'" not in r.out  # a pure wildcard guards files still to come
    assert "allow of slice 'tables' 'tests/**/test_awards*.py': no file under tests/" in r.out
    awards.write("tests/test_app.py", "x\n")  # the folder is there: test files may come
    awards.commit("a test", plan="none")
    assert "tests/**" not in awards.planscope("validate", "--against", "HEAD").out
    assert r.code == 0  # warnings change nothing
    assert "matches no file" not in awards.planscope("validate").out  # only --against
