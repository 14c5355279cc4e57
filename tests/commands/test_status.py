"""`planscope status` (checker/commands/status.py)."""

from __future__ import annotations

import json

from tests.conftest import AWARDS_PLAN, Repo


def test_status_after_three_commits_on_two_slices(awards: Repo) -> None:
    awards.git("switch", "-q", "-c", "work")  # not landed on main yet
    awards.write("db/migrations/0042_awards.sql")
    awards.commit("table", plan="plans/awards.yaml#tables")
    awards.write("app/models/__init__.py", "changed\n")
    awards.write("app/helpers.py")
    awards.commit("models, and a helper", plan="plans/awards.yaml#tables")
    awards.write("app/views/awards.py")
    awards.commit("view", plan="plans/awards.yaml#views")
    r = awards.planscope("status", "plans/awards.yaml")
    assert r.code == 0, r.err
    assert "tables  approved     in progress  2 commits  2/4 planned files touched" in r.out
    assert "      drift      app/helpers.py" in r.out
    assert "      untouched  tests/test_awards_migration.py" in r.out
    assert ("views   approved     in progress  1 commit  1/2 planned files touched  after "
            "tables") in r.out
    doc = json.loads(awards.planscope("status", "plans/awards.yaml", "--format", "json").out)
    tables, views = doc["plans"][0]["slices"]
    assert [c["subject"] for c in tables["commits"]] == ["table", "models, and a helper"]
    assert tables["touched"] == ["db/migrations/0042_awards.sql", "app/models/__init__.py"]
    assert tables["drift"] == ["app/helpers.py"]
    assert views["untouched"] == ["app/views/__init__.py"]
    r = awards.planscope("status")
    assert r.out.strip() == (
        "plans/awards.yaml  awards-dashboard  approved  2 slices  3 commits  "
        "3/6 planned files touched  1 drift  0 forbidden"
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
    assert "  tables  approved     not started  0 commits  0/3 planned files touched" in r.out
    assert r.out.count("untouched  tests/test_awards_migration.py") == 1


def test_commits_claimed_by_the_branch_count(awards: Repo) -> None:
    awards.git("checkout", "-q", "-b", "plan/awards-dashboard/tables")
    awards.write("db/migrations/0042_awards.sql", "t\n")
    awards.commit("no trailer, on the slice's branch")
    r = awards.planscope("status", "plans/awards.yaml")
    assert "  tables  approved     in progress  1 commit  1/4 planned files touched" in r.out
    r = awards.planscope("trace", "--commit", "HEAD")
    assert "[plans/awards.yaml#tables (branch plan/awards-dashboard/tables)]" in r.out


def test_slices_in_dependency_order_with_their_state(awards: Repo) -> None:
    plan = (awards.path / "plans/awards.yaml").read_text()
    head, _, rest = plan.partition("  - id: tables\n")
    tables, _, views = rest.partition("  - id: views\n")
    awards.write("plans/awards.yaml", f"{head}  - id: views\n{views}  - id: tables\n{tables}")
    awards.commit("views written first", plan="none")
    awards.git("switch", "-q", "-c", "work")  # not landed on main yet
    for path in ("db/migrations/0042_awards.sql", "app/models/__init__.py",
                 "app/auth/session.py", "tests/test_awards_migration.py"):
        awards.write(path, "x\n")
    awards.commit("all of tables", plan="plans/awards.yaml#tables")
    lines = awards.planscope("status", "plans/awards.yaml").out.splitlines()
    slices = [line.split()[0] for line in lines if line.startswith("  ") and
              not line.startswith("      ")]
    assert slices == ["tables", "views"]  # views is written first but depends on tables
    assert "  tables  approved     done         1 commit  4/4 planned files touched" in lines
    doc = json.loads(awards.planscope("status", "plans/awards.yaml", "--format", "json").out)
    assert [(s["id"], s["state"], s["depends_on"]) for s in doc["plans"][0]["slices"]] == [
        ("tables", "done", []), ("views", "not started", ["tables"])]


def test_paths_judged_incidental_are_not_drift(awards: Repo) -> None:
    awards.write(".planscope.yaml", "on_drift: verify\n")
    awards.commit("verify drift", plan="none")  # the rules the next commit is judged by
    awards.write("db/migrations/0042_awards.sql", "x\n")
    awards.write("app/registry.py", "REGISTRY = ['awards']\n")
    awards.write("README.md", "# app, with awards\n")
    sha = awards.commit("tables and a registry line", plan="plans/awards.yaml#tables")
    log = awards.path / ".git/planscope/verdicts.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(json.dumps({"plan": "plans/awards.yaml", "slice": "tables",
                               "diff": f"{sha}~1..{sha}", "verdicts": [
                                   {"path": "app/registry.py", "verdict": "incidental",
                                    "reason": "registers the new table", "confidence": 0.9},
                                   {"path": "README.md", "verdict": "drift",
                                    "reason": "unrelated", "confidence": 0.8}]}) + "\n{torn\n")
    out = awards.planscope("status", "plans/awards.yaml").out.splitlines()
    assert "      drift      README.md" in out
    assert "      incidental app/registry.py: registers the new table" in out
    assert "      drift      app/registry.py" not in out
    doc = json.loads(awards.planscope("status", "plans/awards.yaml", "--format", "json").out)
    tables = doc["plans"][0]["slices"][0]
    assert tables["drift"] == ["README.md"]
    assert tables["incidental"] == [{"path": "app/registry.py",
                                     "reason": "registers the new table"}]
