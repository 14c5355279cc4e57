"""A branch's claim survives its merge (checker/judge/merged_branches.py): the merge commit
names the branch, and every entry point that judges history after the merge reads it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.judge.merged_branches import branch_named
from tests.conftest import Repo

VIEWS = "plans/awards.yaml#views"


@pytest.mark.parametrize(("subject", "branch"), [
    ("Merge branch 'awards-dashboard/views'", "awards-dashboard/views"),
    ("Merge branch 'awards-dashboard/views' into main", "awards-dashboard/views"),
    ("Merge branch 'x' of https://example.com/repo", "x"),
    ("Merge remote-tracking branch 'origin/awards-dashboard/views'", "awards-dashboard/views"),
    ("Merge pull request #7 from someone/awards-dashboard/views", "awards-dashboard/views"),
    ("Merge tag 'v1.0'", None),
    ("Merged the views", None),
    ("Revert \"Merge branch 'x'\"", None),
])
def test_the_branch_a_merge_names(subject: str, branch: str | None) -> None:
    assert branch_named(subject) == branch


def _work_on_a_branch(awards: Repo, branch: str = "awards-dashboard/views") -> str:
    awards.git("switch", "-q", "-c", branch)
    awards.write("app/views/awards.py", "VIEW = 1\n")
    awards.commit("the view, claimed by its branch")
    return awards.head()


def _claimed_by(repo: Repo, *args: str) -> str:
    r = repo.planscope("check", *args, "--format", "json")
    assert r.code == 0, r.out + r.err
    doc = json.loads(r.out)
    return str(doc["claimed_by"] if "claimed_by" in doc else doc["commits"][0]["claimed_by"])


@pytest.mark.parametrize("message", [None, "Merge pull request #7 from someone/"
                                           "awards-dashboard/views\n\nThe view"])
def test_a_merged_branch_keeps_claiming_its_commits(awards: Repo, message: str | None) -> None:
    work = _work_on_a_branch(awards)
    assert _claimed_by(awards, "--commit", work) == "branch awards-dashboard/views"
    awards.git("switch", "-q", "main")
    awards.git("merge", "-q", "--no-ff", "awards-dashboard/views",
               *(["-m", message] if message else ["--no-edit"]))
    awards.git("branch", "-q", "-D", "awards-dashboard/views")  # deleted after the merge
    # check --commit, a range, status and landed: all see the branch's claim
    assert _claimed_by(awards, "--commit", work) == "branch awards-dashboard/views"
    assert _claimed_by(awards, "--range", "HEAD~1..HEAD") == "branch awards-dashboard/views"
    doc = json.loads(awards.planscope("status", "plans/awards.yaml", "--format", "json").out)
    views = {s["id"]: s for s in doc["plans"][0]["slices"]}["views"]
    assert [c["sha"] for c in views["commits"]] == [work] and views["landed"] == [work]
    stats = json.loads(awards.planscope("stats", "--format", "json", "--by", "slice").out)
    assert any(g["key"] == VIEWS and g["commits"] == 1 for g in stats["groups"]), stats


def test_the_innermost_branch_claims(awards: Repo) -> None:
    """A branch of the slice's branch, merged into it, then into main: its commit was made on
    the inner branch, which claims nothing here, so it stays unclaimed; the slice's own
    commit stays claimed by the slice's branch."""
    own = _work_on_a_branch(awards)
    awards.git("switch", "-q", "-c", "side")
    awards.write("app/views/__init__.py", "# side\n")
    awards.commit("on a side branch")
    side = awards.head()
    awards.git("switch", "-q", "awards-dashboard/views")
    awards.git("merge", "-q", "--no-ff", "--no-edit", "side")
    awards.git("switch", "-q", "main")
    awards.git("merge", "-q", "--no-ff", "--no-edit", "awards-dashboard/views")
    r = awards.planscope("check", "--commit", side)
    assert r.code == 2 and "no plan claims this change" in r.err
    assert _claimed_by(awards, "--commit", own) == "branch awards-dashboard/views"


def test_a_fast_forward_keeps_no_name(awards: Repo) -> None:
    work = _work_on_a_branch(awards)
    awards.git("switch", "-q", "main")
    awards.git("merge", "-q", "--ff-only", "awards-dashboard/views")
    r = awards.planscope("check", "--commit", work)
    assert r.code == 2 and "no plan claims this change" in r.err


def test_main_merged_into_a_branch_names_nothing_of_main(awards: Repo) -> None:
    """A branch that merged main in, then was merged into main: main's commits keep the
    branch that brought them (here none: committed on main), the branch's its own."""
    awards.write("db/migrations/0042_awards.sql", "t\n")
    awards.commit("the table on main", plan="plans/awards.yaml#tables")
    work = _work_on_a_branch(awards)
    awards.git("switch", "-q", "main")
    awards.write("README.md", "# app\n\nmore\n")
    awards.commit("a readme line on main", plan="plans/awards.yaml#tables")
    on_main = awards.head()
    awards.git("switch", "-q", "awards-dashboard/views")
    awards.git("merge", "-q", "--no-ff", "--no-edit", "main")
    awards.git("switch", "-q", "main")
    awards.git("merge", "-q", "--no-ff", "--no-edit", "awards-dashboard/views")
    doc = json.loads(awards.planscope("check", "--range", "HEAD~3..HEAD", "--format",
                                      "json").out)
    by_sha = {c["commit"]: c["claimed_by"] for c in doc["commits"]}
    assert by_sha[work] == "branch awards-dashboard/views", by_sha
    assert on_main not in by_sha or "trailer" in str(by_sha[on_main]), by_sha


def test_a_push_of_main_with_a_merged_branch(awards: Repo, tmp_path: Path) -> None:
    """Pushing main after merging the slice's branch: its commits are claimed by the branch
    the merge names, as the pull request check claimed them by its head branch."""
    remote = tmp_path / "remote.git"
    awards.git("init", "-q", "--bare", str(remote))
    awards.git("remote", "add", "origin", str(remote))
    awards.git("push", "-q", "--no-verify", "origin", "main")
    work = _work_on_a_branch(awards)
    awards.git("switch", "-q", "main")
    awards.git("merge", "-q", "--no-ff", "--no-edit", "awards-dashboard/views")
    was = awards.git("rev-parse", "origin/main").strip()
    line = f"refs/heads/main {awards.head()} refs/heads/main {was}\n"
    r = awards.planscope("hook", "pre-push", "origin", str(remote), stdin=line)
    assert r.code == 0 and "2 commit(s) inside their plan slices" in r.out, (work, r.out, r.err)
