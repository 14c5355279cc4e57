"""Slice state from git (checker/history/landed.py): a slice whose claimed commits are on the
default branch has landed; status, pr-body, validate --against and plan-review read that, and
``status --write`` records it in the plan."""

from __future__ import annotations

import json

import pytest

from checker.history import landed
from checker.rules.config import load
from tests.conftest import Repo
from tests.fake_api import FakeAPI
from tests.reviewing import GOOD, OPUS, SONNET, by_model, cli_run, commit_slice, plan_reply

TABLES = "plans/awards.yaml#tables"
MIGRATION = "db/migrations/0042_awards.sql"


@pytest.fixture
def tables_landed(awards: Repo) -> Repo:
    """The tables slice committed on main, its status still 'approved' in the plan; then a
    branch for the views."""
    awards.write(MIGRATION, "create table awards;\n")
    awards.commit("the awards table", MIGRATION, plan=TABLES)
    awards.git("switch", "-q", "-c", "awards-dashboard/views")
    return awards


def _slices(repo: Repo, *args: str) -> dict[str, dict[str, object]]:
    r = repo.planscope("status", "plans/awards.yaml", "--format", "json", *args)
    assert r.code == 0, r.out + r.err
    return {s["id"]: s for s in json.loads(r.out)["plans"][0]["slices"]}


def test_a_slice_whose_commits_are_on_the_default_branch_has_landed(tables_landed: Repo
                                                                    ) -> None:
    repo = tables_landed
    on_main = repo.git("rev-parse", "main").strip()
    slices = _slices(repo)
    assert slices["tables"]["state"] == "landed" and slices["tables"]["landed"] == [on_main]
    assert slices["tables"]["status"] == "approved"  # the plan file is not touched
    repo.write("app/views/awards.py", "VIEW = 1\n")
    repo.commit("the view", "app/views/awards.py")  # claimed by the branch
    slices = _slices(repo)
    assert slices["views"]["state"] == "in progress" and slices["views"]["landed"] == []
    # against a base that has neither, nothing has landed
    first = repo.git("rev-list", "--max-parents=0", "HEAD").strip()
    assert _slices(repo, "--base", first)["tables"]["landed"] == []
    text = repo.planscope("status", "plans/awards.yaml").out
    assert "landed     1 commit on main (planscope status --write records it as done)" in text
    bad = repo.planscope("status", "--base", "nope")
    assert bad.code == 2 and "--base nope: not a commit" in bad.err


def test_the_default_branch_is_the_remotes(tables_landed: Repo, tmp_path: object) -> None:
    repo = tables_landed
    assert landed.default_base(repo.path) == "refs/heads/main"
    repo.git("update-ref", "refs/remotes/origin/trunk", "main~1")
    repo.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")
    assert landed.default_base(repo.path) == "refs/remotes/origin/trunk"
    assert _slices(repo)["tables"]["landed"] == []  # not on origin/trunk yet


def test_status_write_records_landed_slices_keeping_the_file(tables_landed: Repo) -> None:
    repo = tables_landed
    path = repo.path / "plans/awards.yaml"
    before = path.read_text()
    r = repo.planscope("status", "plans/awards.yaml", "--write")
    assert r.code == 0 and "plans/awards.yaml#tables: status set to done (landed on main)" \
        in r.out, r.out + r.err
    after = path.read_text()
    changed = [line for line in after.splitlines() if line not in before.splitlines()]
    assert changed == ["    status: done"]
    assert _slices(repo)["tables"]["status"] == "done"
    assert "nothing to record" in repo.planscope("status", "plans/awards.yaml", "--write").out
    # the last slice lands: the plan is finished
    repo.git("switch", "-q", "main")
    repo.write("app/views/awards.py", "VIEW = 1\n")
    repo.commit("the view", "app/views/awards.py", plan="plans/awards.yaml#views")
    r = repo.planscope("status", "--write")
    assert "plans/awards.yaml: status set to done (every slice is)" in r.out, r.out
    assert "\nstatus: done\n" in path.read_text()
    assert repo.planscope("validate", "--against", "HEAD").code == 0


def test_validate_against_knows_what_landed(tables_landed: Repo) -> None:
    """The migration exists at HEAD because the tables slice landed: not a misread plan. A
    slice that has not landed still gets the finding."""
    repo = tables_landed
    r = repo.planscope("validate", "--against", "HEAD")
    assert r.code == 0, r.out + r.err
    repo.write("app/views/awards.py", "VIEW = 1\n")
    repo.commit("a view, claimed by no slice", "app/views/awards.py", plan="none")
    repo.git("switch", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "awards-dashboard/views")
    r = repo.planscope("validate", "--against", "HEAD")
    assert r.code == 1 and "create 'app/views/awards.py' already exists at HEAD" in r.out
    assert MIGRATION not in r.out


def test_pr_body_ticks_a_landed_dependency(tables_landed: Repo) -> None:
    r = tables_landed.planscope("pr-body", "plans/awards.yaml#views")
    assert "- [x] `tables`: New database tables (landed)" in r.out, r.out
    tables_landed.git("branch", "-q", "-f", "main", "main~1")
    r = tables_landed.planscope("pr-body", "plans/awards.yaml#views")
    assert "- [ ] `tables`: New database tables (approved)" in r.out, r.out


def test_plan_review_does_not_lint_a_landed_slice(planned: Repo, api: FakeAPI,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The tables slice of the review tests' plan landed on main: its migration existing at
    HEAD is no misreading, and the reviewers are asked."""
    commit_slice(planned, GOOD)
    api.route = by_model({SONNET: plan_reply(0.9, True), OPUS: plan_reply(0.9, True)})
    r = cli_run(planned, monkeypatch, "plan-review", "plans/awards.yaml")
    assert r.code == 0 and "already exists" not in r.out + r.err, r.out + r.err
    assert len(api.requests) == 2


def test_landed_reuses_commits_already_judged(tables_landed: Repo) -> None:
    config = load(tables_landed.path)
    found = landed.landed(tables_landed.path, config)
    assert found.base == "main" and list(found.commits) == [("plans/awards.yaml", "tables")]
    assert landed.landed(tables_landed.path, config, "no-such-ref") == landed.NOTHING


def test_only_the_default_branch_itself_is_read(tables_landed: Repo) -> None:
    """A tag or a local branch that borrows the default branch's short name, or an
    origin/HEAD that points at a local branch, is not where landed work is."""
    repo = tables_landed
    repo.write("app/views/awards.py", "VIEW = 1\n")
    repo.commit("the view", "app/views/awards.py")  # on the work branch only
    repo.git("tag", "main", "HEAD")
    repo.git("branch", "origin/main", "HEAD")
    repo.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/heads/awards-dashboard/views")
    assert landed.default_base(repo.path) == "refs/heads/main"
    assert _slices(repo)["views"]["landed"] == []


def test_a_refused_commit_lands_nothing(awards: Repo) -> None:
    awards.write(MIGRATION, "create table awards;\n")
    awards.write("app/auth/login.py", "# forbidden\n")
    awards.git("add", "-A")
    awards.git("commit", "-q", "--no-verify", "-m", f"table and auth\n\nPlan: {TABLES}")
    assert _slices(awards)["tables"]["landed"] == []


def test_status_write_leaves_a_draft_plan_a_draft(awards: Repo) -> None:
    path = awards.path / "plans/awards.yaml"
    awards.write("plans/awards.yaml", path.read_text().replace("status: approved",
                                                               "status: approved  # ok")
                 .replace("\n", "\r\n"))
    awards.commit("the plan with CRLF line ends", plan="none")
    for slice_id, path_ in (("tables", MIGRATION), ("views", "app/views/awards.py")):
        awards.write(path_, "x\n")
        awards.commit(slice_id, path_, plan=f"plans/awards.yaml#{slice_id}")
    r = awards.planscope("status", "--write")
    assert r.code == 0 and "plans/awards.yaml: status set to done" in r.out, r.out + r.err
    text = path.read_bytes()
    assert b"\r\nstatus: done  # ok\r\n" in text and b"\n    status: done\r\n" in text
    assert text.count(b"\r\n") == text.count(b"\n")  # every line end kept as it was
    awards.write("plans/awards.yaml", path.read_text().replace("status: done  # ok",
                                                               "status: draft"))
    awards.commit("back to a draft", plan="none")
    r = awards.planscope("status", "--write")
    assert "nothing to record" in r.out and b"status: draft" in path.read_bytes()
