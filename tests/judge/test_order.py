"""Rollout order (checker/order.py, config ``order``): a slice started before the slices it
depends on is warned about or refused, naming the missing slice."""

from __future__ import annotations

import pytest

from checker.judge import order
from checker.rules.plan import Plan, Slice
from tests.actions import Gh, open_pr, pr_payload
from tests.conftest import AWARDS_PLAN, TABLES, Repo

VIEWS = "plans/awards.yaml#views"
NOTE = ("out of order: slice 'views' of plans/awards.yaml depends on 'tables', which no "
        "earlier commit claims yet; land 'tables' first (order: warn)")


def _views_staged(repo: Repo) -> None:
    repo.write("app/views/awards.py", "def awards(): ...\n")
    repo.git("add", "-A")


def test_a_slice_before_its_dependency_is_warned_about(awards: Repo) -> None:
    _views_staged(awards)
    run = awards.planscope("check", "--staged", "--plan", VIEWS)
    assert run.code == 0 and f"  {NOTE}" in run.out.splitlines()


def test_the_pull_request_summary_says_it_too(awards: Repo, gh: Gh) -> None:
    base = open_pr(awards)
    _views_staged(awards)
    awards.commit("the views first", plan=VIEWS)
    ran = gh(awards, payload=pr_payload(awards, base))
    assert ran.code == 0 and ran.outputs["result"] == "pass"
    assert "### Notes" in ran.summary and "out of order: slice 'views'" in ran.summary


def test_order_block_refuses_it(awards: Repo) -> None:
    awards.write(".planscope.yaml", "on_drift: block\norder: block\n")
    awards.commit("order: block", plan="none")
    _views_staged(awards)
    run = awards.planscope("check", "--staged", "--plan", VIEWS)
    assert run.code == 1
    assert ("staged changes: slice 'views' of plans/awards.yaml depends on 'tables', which no "
            "earlier commit claims yet; land 'tables' first (order: block)") in run.err
    awards.write(".planscope.yaml", "on_drift: block\norder: off\n")
    awards.git("add", ".planscope.yaml")
    assert "out of order" not in awards.planscope("check", "--staged", "--plan", VIEWS).out


def test_a_landed_or_done_dependency_is_in_order(awards: Repo) -> None:
    awards.write("db/migrations/0042_awards.sql", "create table awards ();\n")
    awards.commit("tables", plan=TABLES)
    _views_staged(awards)
    assert "out of order" not in awards.planscope("check", "--staged", "--plan", VIEWS).out
    awards.git("reset", "-q", "--hard", "HEAD~1")
    awards.write("plans/awards.yaml", AWARDS_PLAN.replace(
        "  - id: tables\n    title: New database tables\n",
        "  - id: tables\n    title: New database tables\n    status: done\n"))
    awards.commit("tables done elsewhere", plan="none")
    _views_staged(awards)
    assert "out of order" not in awards.planscope("check", "--staged", "--plan", VIEWS).out


@pytest.mark.parametrize("tables_first", [True, False])
def test_commits_of_a_range_in_either_order(awards: Repo, tables_first: bool) -> None:
    steps = [("db/migrations/0042_awards.sql", TABLES), ("app/views/awards.py", VIEWS)]
    for path, ref in steps if tables_first else steps[::-1]:
        awards.write(path, "x\n")
        awards.commit(f"work on {ref}", plan=ref)
    run = awards.planscope("check", "--range", "HEAD~2..HEAD")
    assert ("out of order" in run.out) is not tables_first


def test_sorted_slices_puts_dependencies_first() -> None:
    def s(name: str, *deps: str) -> Slice:
        return Slice(name, name.upper(), "approved", depends_on=deps)

    plan = Plan("plans/x.yaml", "x", "X", "approved",
                (s("ui", "api"), s("api", "db"), s("db"), s("docs")))
    assert [x.id for x in order.sorted_slices(plan)] == ["db", "api", "ui", "docs"]
