"""Every hint is an action that works: each test follows what a report suggests, in the
configuration at hand, and the next check passes."""

from __future__ import annotations

import pytest

from tests.conftest import Repo

TABLES, VIEWS = "plans/awards.yaml#tables", "plans/awards.yaml#views"


def _drift(repo: Repo, extra: str) -> str:
    repo.write("db/migrations/0042_awards.sql", "create table awards;\n")
    repo.write(extra, "# changed\n")
    repo.git("add", "-A")
    r = repo.planscope("check", "--staged", "--plan", TABLES)
    assert r.code == 1, r.out + r.err
    (hint,) = [line for line in r.out.splitlines() if line.startswith("  -> ")]
    return hint


def test_a_path_that_needs_a_plan_is_moved_to_the_slice_it_belongs_to(awards: Repo) -> None:
    hint = _drift(awards, "app/views/__init__.py")
    assert "'Plan: none'" not in hint  # refused here: the default config needs a plan
    assert "a commit of their own that claims the slice they belong to" in hint
    awards.git("reset", "-q", "app/views/__init__.py")
    assert awards.planscope("check", "--staged", "--plan", TABLES).code == 0
    awards.commit("the table", "db/migrations/0042_awards.sql", plan=TABLES)
    awards.git("add", "-A")
    assert awards.planscope("check", "--staged", "--plan", VIEWS).code == 0
    awards.commit("the views", plan=VIEWS)
    assert awards.planscope("check", "--range", "HEAD~2..HEAD").code == 0


def test_an_exempt_path_goes_to_a_commit_with_plan_none(awards: Repo) -> None:
    awards.write(".planscope.yaml", "on_drift: block\nexempt:\n  paths: [docs/**]\n")
    awards.commit("docs need no plan")
    hint = _drift(awards, "docs/guide.md")
    assert "with the trailer 'Plan: none' (they need no plan)" in hint
    awards.git("reset", "-q", "docs/guide.md")
    awards.commit("the table", "db/migrations/0042_awards.sql", plan=TABLES)
    awards.git("add", "-A")
    awards.commit("the guide", plan="none")
    r = awards.planscope("check", "--range", "HEAD~2..HEAD")
    assert r.code == 0, r.out + r.err


def test_widening_the_slice_in_a_commit_of_its_own_first(awards: Repo) -> None:
    hint = _drift(awards, "app/registry.py")
    assert "widen the slice in plans/awards.yaml (files or allow) in a commit of its own " \
           "first" in hint
    awards.git("reset", "-q")
    plan = (awards.path / "plans/awards.yaml").read_text()
    awards.write("plans/awards.yaml", plan.replace("allow: [tests/**/test_awards*.py]",
                                                   "allow: [tests/**/test_awards*.py, "
                                                   "app/registry.py]"))
    widened = awards.commit("tables may touch the registry", "plans/awards.yaml")  # rules
    assert awards.planscope("check", "--commit", widened).code == 0
    awards.git("add", "-A")
    awards.commit("the table and its registry entry", plan=TABLES)
    assert awards.planscope("check", "--commit", "HEAD").code == 0
    # once the widening has landed, a pull request from it passes too
    r = awards.planscope("check", "--base", widened)
    assert r.code == 0 and r.out.endswith("planscope: result: pass\n"), r.out
    # before it lands, the pull request holding both is judged by the narrower plan
    assert awards.planscope("check", "--base", "HEAD~2").code == 1


def _unclaimed(repo: Repo, message: str) -> str:
    repo.write("db/migrations/0042_awards.sql", "create table awards;\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", message)
    r = repo.planscope("check", "--commit", "HEAD")
    assert r.code == 2 and "no plan claims this change" in r.err, r.out + r.err
    return r.err


def test_a_plans_key_is_named_as_a_near_miss(awards: Repo) -> None:
    err = _unclaimed(awards, f"the table\n\nPlans: {TABLES}")
    assert f"found the line 'Plans: {TABLES}' (the trailer is 'Plan: " in err


def test_a_plan_line_outside_the_trailers_is_named(awards: Repo) -> None:
    err = _unclaimed(awards, f"the table\n\nPlan: {TABLES}\n\nMore words after it.")
    assert f"found the line 'Plan: {TABLES}', which git does not read as a trailer" in err
    awards.git("commit", "-q", "--amend", "-m", f"the table\n\nMore words.\n\nPlan: {TABLES}")
    assert awards.planscope("check", "--commit", "HEAD").code == 0  # as the hint says


@pytest.mark.parametrize("branch", ["awards/tables", "plan/awards/tables"])
def test_a_branch_named_after_the_file_says_the_id(awards: Repo, branch: str) -> None:
    awards.git("checkout", "-q", "-b", branch)
    err = _unclaimed(awards, "the table")
    assert f"the branch {branch}, named after the file plans/awards.yaml; its " \
           "plan's id is 'awards-dashboard': awards-dashboard/tables" in err
    awards.git("branch", "-q", "-m", "awards-dashboard/tables")  # as the hint says
    assert awards.planscope("check", "--commit", "HEAD").code == 0


def test_a_misspelt_plan_or_slice_says_the_closest(awards: Repo) -> None:
    awards.write("db/migrations/0042_awards.sql", "create table awards;\n")
    awards.commit("the table", plan="plans/award.yaml#tables")
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 2 and "plans/award.yaml: no such plan file" in r.err and \
        "did you mean plans/awards.yaml?" in r.err, r.err
    awards.git("commit", "-q", "--amend", "-m", "the table\n\nPlan: plans/awards.yaml#table")
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 2 and "no slice 'table' (slices: tables, views); did you mean " \
                           "'tables'?" in r.err, r.err


def test_the_commit_msg_hook_names_the_near_miss_too(hooked: Repo) -> None:
    from tests.commands.test_hooks import git

    hooked.write("db/migrations/0042_awards.sql", "create table awards;\n")
    hooked.git("add", "-A")
    made = git(hooked, "commit", "-q", "-m", f"the table\n\nPlans: {TABLES}")
    assert made.code != 0 and f"found the line 'Plans: {TABLES}'" in made.out, made.out


def test_a_plan_path_without_its_folder_says_the_closest(awards: Repo) -> None:
    awards.write("db/migrations/0042_awards.sql", "create table awards;\n")
    awards.commit("the table", plan="awards.yaml#tables")
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 2 and "awards.yaml (named by" in r.err and \
        "did you mean plans/awards.yaml?" in r.err, r.err
