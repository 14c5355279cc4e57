"""`planscope status` (checker/commands/status.py)."""

from __future__ import annotations

import json

from tests.conftest import AWARDS_PLAN, Repo


def test_status_after_three_commits_on_two_slices(awards: Repo) -> None:
    awards.write("db/migrations/0042_awards.sql")
    awards.commit("table", plan="plans/awards.yaml#tables")
    awards.write("app/models/__init__.py", "changed\n")
    awards.write("app/helpers.py")
    awards.commit("models, and a helper", plan="plans/awards.yaml#tables")
    awards.write("app/views/awards.py")
    awards.commit("view", plan="plans/awards.yaml#views")
    r = awards.planscope("status", "plans/awards.yaml")
    assert r.code == 0, r.err
    assert "tables  approved     2 commits  2/4 planned files touched" in r.out
    assert "      drift      app/helpers.py" in r.out
    assert "      untouched  tests/test_awards_migration.py" in r.out
    assert "views   approved     1 commit  1/2 planned files touched" in r.out
    doc = json.loads(awards.planscope("status", "plans/awards.yaml", "--format", "json").out)
    tables, views = doc["plans"][0]["slices"]
    assert [c["subject"] for c in tables["commits"]] == ["table", "models, and a helper"]
    assert tables["touched"] == ["db/migrations/0042_awards.sql", "app/models/__init__.py"]
    assert tables["drift"] == ["app/helpers.py"]
    assert views["untouched"] == ["app/views/__init__.py"]
    r = awards.planscope("status")
    assert r.out.strip() == (
        "plans/awards.yaml  awards-dashboard  approved  2 slices  3 commits  "
        "3/6 planned files touched  1 drift"
    )


def test_status_in_a_new_repository(repo: Repo) -> None:
    repo.write("plans/awards.yaml", AWARDS_PLAN)
    r = repo.planscope("status")
    assert r.code == 0 and "0 commits" in r.out


def test_a_planned_file_listed_twice_counts_once(awards: Repo) -> None:
    plan = (awards.path / "plans/awards.yaml").read_text()
    awards.write("plans/awards.yaml", plan.replace(
        "modify: [app/models/__init__.py, app/auth/session.py]",
        "modify: [app/models/__init__.py, tests/test_awards_migration.py]"))
    awards.commit("test listed in modify and tests", plan="none")
    r = awards.planscope("status", "plans/awards.yaml")
    assert "  tables  approved     0 commits  0/3 planned files touched" in r.out
    assert r.out.count("untouched  tests/test_awards_migration.py") == 1


def test_commits_claimed_by_the_branch_count(awards: Repo) -> None:
    awards.git("checkout", "-q", "-b", "plan/awards-dashboard/tables")
    awards.write("db/migrations/0042_awards.sql", "t\n")
    awards.commit("no trailer, on the slice's branch")
    r = awards.planscope("status", "plans/awards.yaml")
    assert "  tables  approved     1 commit  1/4 planned files touched" in r.out
    r = awards.planscope("trace", "--commit", "HEAD")
    assert "[plans/awards.yaml#tables (branch plan/awards-dashboard/tables)]" in r.out
