"""`planscope use` (checker/commands/use.py): the active slice of a work tree."""

from __future__ import annotations

import pytest

from tests.conftest import Repo

TABLES = "plans/awards.yaml#tables"


def test_use_sets_shows_and_clears_the_active_slice(awards: Repo) -> None:
    active_file = awards.path / ".git/planscope/active"
    r = awards.planscope("use", TABLES)
    assert r.code == 0 and r.out == "active slice: plans/awards.yaml#tables (New database tables)\n"
    assert active_file.read_text() == "plans/awards.yaml#tables\n"
    assert awards.planscope("use").out == "plans/awards.yaml#tables\n"
    r = awards.planscope("use", "--clear")
    assert r.code == 0 and "cleared the active slice (plans/awards.yaml#tables)" in r.out
    assert not active_file.exists()
    assert awards.planscope("use").out == "no active slice\n"
    assert awards.planscope("use", "--clear").out == "no active slice\n"


def test_use_keeps_every_slice_of_a_union(awards: Repo) -> None:
    """``#a+b`` claims both slices, as a trailer would: the guard and explain see both."""
    r = awards.planscope("use", "plans/awards.yaml#tables+views")
    assert r.code == 0
    assert r.out == ("active slices: plans/awards.yaml#tables+views (New database tables; "
                     "Dashboard views)\n")
    r = awards.planscope("explain", "app/views/awards.py", "db/migrations/0042_awards.sql")
    assert r.code == 0 and r.out.count("in scope") == 2, r.out


def test_use_takes_a_path_from_the_current_folder(awards: Repo) -> None:
    r = awards.planscope("use", "awards.yaml#views", cwd=awards.path / "plans")
    assert r.code == 0
    assert (awards.path / ".git/planscope/active").read_text() == "plans/awards.yaml#views\n"


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("plans/missing.yaml#x", "plans/missing.yaml: no such plan file"),
        ("plans/awards.yaml#nope", "no slice 'nope' (slices: tables, views)"),
        ("plans/awards.yaml", "has 2 slices; name one"),
    ],
)
def test_use_checks_that_plan_and_slice_exist(awards: Repo, ref: str, message: str) -> None:
    r = awards.planscope("use", ref)
    assert r.code == 2 and message in r.err
    assert not (awards.path / ".git/planscope/active").exists()


def test_use_rejects_a_ref_together_with_clear(awards: Repo) -> None:
    r = awards.planscope("use", TABLES, "--clear")
    assert r.code == 2 and "not both" in r.err


def test_use_notes_that_the_environment_takes_precedence(
    awards: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANSCOPE_PLAN", "plans/awards.yaml#views")
    r = awards.planscope("use", TABLES)
    assert r.code == 0 and "PLANSCOPE_PLAN is set in this environment" in r.err
