"""A plan's slices as work lands (checker/history/status.py), judged as check --commit judges
each commit: on a plan branch, the baseline and the adoption are not the slice's work."""

from __future__ import annotations

import json

from tests.conftest import AWARDS_PLAN, Repo

TABLES = "plans/awards.yaml#tables"


def test_the_baseline_and_the_adoption_are_no_slice_work_on_a_plan_branch(repo: Repo) -> None:
    for i in range(3):
        repo.write(f"app/module_{i}.py", f"VERSION = {i}\n")
        repo.write("app/auth/session.py", f"# auth {i}\n")
        repo.commit(f"work {i}")
    baseline = repo.head()
    assert repo.planscope("init").code == 0
    repo.write("plans/awards.yaml", AWARDS_PLAN)
    repo.commit("Adopt planscope")
    adoption = repo.head()
    repo.git("checkout", "-q", "-b", "plan/awards-dashboard/tables")
    repo.write("db/migrations/0042_awards.sql", "create table awards;\n")
    repo.commit("the table, claimed by the branch")
    work = repo.head()

    doc = json.loads(repo.planscope("status", "plans/awards.yaml", "--format", "json").out)
    tables = doc["plans"][0]["slices"][0]
    assert [c["sha"] for c in tables["commits"]] == [work]
    assert tables["drift"] == [] and tables["forbidden"] == []
    assert tables["touched"] == ["db/migrations/0042_awards.sql"]

    said = repo.planscope("check", "--commit", baseline)
    assert said.code == 0 and f"before planscope's baseline ({baseline[:9]})" in said.out
    said = repo.planscope("check", "--commit", adoption)
    assert said.code == 0 and "adopts planscope" in said.out
    said = repo.planscope("check", "--commit", work, "--format", "json")
    assert json.loads(said.out)["claimed_by"] == "branch plan/awards-dashboard/tables"


def test_a_commit_on_main_is_not_claimed_by_a_plan_branch_checked_out_later(
        awards: Repo) -> None:
    awards.write("README.md", "# app, on main\n")
    awards.commit("a readme line, with no trailer")
    on_main = awards.head()
    awards.git("checkout", "-q", "-b", "plan/awards-dashboard/tables")
    said = awards.planscope("check", "--commit", on_main)
    assert said.code == 2 and "no plan claims this change" in said.err
    doc = json.loads(awards.planscope("status", "plans/awards.yaml", "--format", "json").out)
    assert doc["plans"][0]["slices"][0]["commits"] == []


def test_the_plan_line_counts_a_commit_and_a_path_once(awards: Repo) -> None:
    """A commit that claims two slices is one commit; a forbidden path is not drift."""
    awards.write("db/migrations/0042_awards.sql", "x\n")
    awards.write("app/views/awards.py", "x\n")
    awards.write("app/helpers.py", "x\n")
    awards.commit("both slices", plan=f"{TABLES}\nPlan: plans/awards.yaml#views")
    awards.write("app/auth/session.py", "# touched\n")
    awards.commit("auth", plan=TABLES)
    line = awards.planscope("status").out.strip()
    assert line.endswith("2 commits  3/6 planned files touched  1 drift  1 forbidden"), line
    stats = json.loads(awards.planscope("stats", "--by", "plan", "--format", "json").out)
    row = next(g for g in stats["groups"] if g["key"] == "plans/awards.yaml")
    assert row["commits"] == 2 and row["drift"] == 1 and row["forbidden"] == 1, stats
