"""Which plan and slice a change claims (checker/claims.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.errors import BadInput
from checker.judge import claims
from checker.rules.config import Config
from tests.conftest import Repo


def test_parse_ref() -> None:
    assert claims.parse_ref(" plans/a.yaml#tables ") == ("plans/a.yaml", "tables")
    assert claims.parse_ref("plans/a.yaml") == ("plans/a.yaml", None)
    assert claims.parse_ref("plans/a.yaml#") == ("plans/a.yaml", None)
    assert claims.parse_ref("None") is None


def test_claims_from_a_reference(awards: Repo) -> None:
    plans = claims.Plans(awards.path, Config())
    claim = claims.from_ref("plans/awards.yaml#views", plans, "--plan")
    assert claim.ref == "plans/awards.yaml#views" and claim.source == "--plan"
    assert claims.from_ref("none", plans, "x").ref == "none"
    with pytest.raises(BadInput, match="has 2 slices; name one"):
        claims.from_ref("plans/awards.yaml", plans, "x")
    with pytest.raises(BadInput, match=r"no slice 'nope' \(slices: tables, views\)"):
        claims.from_ref("plans/awards.yaml#nope", plans, "x")
    for bad in ("/etc/passwd", "../x.yaml", " "):
        with pytest.raises(BadInput, match="a plan is named by its repo-relative path"):
            claims.from_ref(bad, plans, "x")
    with pytest.raises(BadInput, match="no such plan file"):
        claims.from_ref("plans/missing.yaml#a", plans, "x")


def test_two_trailers_are_bad_input(awards: Repo) -> None:
    plans = claims.Plans(awards.path, Config())
    assert claims.from_trailers((), plans, "commit x") is None
    with pytest.raises(BadInput, match="2 'Plan:' trailers"):
        claims.from_trailers(("a", "b"), plans, "commit x")


def test_branches_map_to_slices(awards: Repo) -> None:
    plans = claims.Plans(awards.path, Config())
    assert claims.from_branch(None, plans) is None
    assert claims.from_branch("feature", plans) is None
    found = claims.from_branch("plan/awards-dashboard/views", plans)
    assert found is not None and found.ref == "plans/awards.yaml#views"
    text = (awards.path / "plans/awards.yaml").read_text()
    awards.write("plans/again.yaml", text.replace("id: awards-dashboard", "id: again")
                 .replace("id: views", "id: views\n    branch: work/views"))
    awards.write("plans/copy.yaml", text.replace("id: awards-dashboard", "id: copy")
                 .replace("id: views", "id: views\n    branch: work/views"))
    with pytest.raises(BadInput, match="maps to several slices"):
        claims.from_branch("work/views", claims.Plans(awards.path, Config()))


def test_plans_at_a_revision(awards: Repo) -> None:
    base = awards.head()
    awards.write("plans/awards.yaml", "broken: [\n")
    plans = claims.Plans(awards.path, Config(), rev=base)
    assert plans.get("plans/awards.yaml", "x").id == "awards-dashboard"
    assert plans.files() == ["plans/awards.yaml"]
    assert "awards-dashboard" in plans.text("plans/awards.yaml")
    with pytest.raises(BadInput, match="no such plan file at the base commit"):
        plans.get("plans/new.yaml", "x")


def test_command_line_paths(awards: Repo, monkeypatch: pytest.MonkeyPatch,
                            tmp_path: Path) -> None:
    monkeypatch.chdir(awards.path / "app")
    assert claims.repo_relative(awards.path, "../plans/awards.yaml") == "plans/awards.yaml"
    plan, slice_ = claims.named_slice(awards.path, Config(), "../plans/awards.yaml#tables")
    assert (plan.id, slice_.id) == ("awards-dashboard", "tables")
    with pytest.raises(BadInput, match="not inside the repository"):
        claims.repo_relative(awards.path, str(tmp_path))


def test_the_active_slice_claims(awards: Repo) -> None:
    plans = claims.Plans(awards.path, Config())
    assert claims.from_active(awards.path, plans, {}) is None
    found = claims.from_active(awards.path, plans, {"PLANSCOPE_PLAN": "plans/awards.yaml#views"})
    assert found is not None and found.source == "PLANSCOPE_PLAN"
