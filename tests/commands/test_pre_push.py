"""The pre-push hook (checker/commands/pre_push.py): git's lines and the framework's
variables, new branches, deletions, force pushes, the pushed ref's branch, a real push."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.commands.test_hooks import cli, git, head
from tests.conftest import Repo

TABLES = "plans/awards.yaml#tables"


VIEWS = "plans/awards.yaml#views"


ZERO = "0" * 40


def short(sha: str) -> str:
    return sha[:9]


@pytest.fixture
def feature(awards: Repo, remote: Path) -> dict[str, str]:
    """main pushed (one good commit more), then a local branch with a good and a bad commit."""
    awards.write("app/models/__init__.py", "x\n")
    shas = {"base": awards.commit("Models", plan=TABLES)}
    awards.git("push", "-q", "--no-verify", "origin", "main")
    awards.git("switch", "-q", "-c", "feature")
    awards.write("app/views/awards.py", "x\n")
    shas["good"] = awards.commit("A view", plan=VIEWS)
    awards.write("app/auth/session.py", "x\n")
    awards.write("app/views/home.py", "x\n")
    shas["bad"] = awards.commit("Views and auth", plan=VIEWS)
    return shas


def test_pre_push_new_branch_checks_only_unpushed_commits(awards: Repo,
                                                          feature: dict[str, str]) -> None:
    line = f"refs/heads/feature {feature['bad']} refs/heads/feature {ZERO}\n"
    r = cli(awards, "hook", "pre-push", "origin", "url", stdin=line)
    assert r.code == 1
    bad = short(feature["bad"])
    failing = [ln for ln in r.err.splitlines() if ln.startswith(f"planscope: {bad}")]
    assert failing == [
        f"planscope: {short(feature['bad'])} 'Views and auth': forbidden app/auth/session.py "
        f"by 'app/auth/**' (forbid of plans/awards.yaml); drift app/views/home.py "
        f"(outside {VIEWS})"]
    assert short(feature["good"]) not in r.err and short(feature["base"]) not in r.err
    assert "1 of 2 commit(s)" in r.err


def test_pre_push_deletion_checks_nothing(awards: Repo, feature: dict[str, str]) -> None:
    line = f"(delete) {ZERO} refs/heads/feature {feature['base']}\n"
    r = cli(awards, "hook", "pre-push", "origin", "url", stdin=line)
    assert r.code == 0 and "no new commits" in r.out


def test_pre_push_force_push_checks_the_new_commits(awards: Repo,
                                                    feature: dict[str, str]) -> None:
    awards.git("push", "-q", "--no-verify", "origin", "feature")
    awards.git("reset", "-q", "--hard", feature["good"])
    awards.write("app/views/__init__.py", "x\n")
    rewritten = awards.commit("Rewritten", plan=VIEWS)
    line = f"refs/heads/feature {rewritten} refs/heads/feature {feature['bad']}\n"
    r = cli(awards, "hook", "pre-push", "origin", "url", stdin=line)
    assert r.code == 0 and "1 commit(s) inside" in r.out
    # the remote moved to a commit we never fetched: everything not on origin/* is checked
    unknown = "1234567890" * 4
    line = f"refs/heads/feature {rewritten} refs/heads/feature {unknown}\n"
    r = cli(awards, "hook", "pre-push", "origin", "url", stdin=line)
    assert r.code == 0 and "1 commit(s) inside" in r.out  # good and bad are on origin/feature


def test_pre_push_several_refs_each_commit_once(awards: Repo, feature: dict[str, str]) -> None:
    lines = (f"refs/heads/feature {feature['bad']} refs/heads/feature {ZERO}\n"
             f"refs/heads/copy {feature['bad']} refs/heads/copy {ZERO}\n")
    r = cli(awards, "hook", "pre-push", "origin", "url", stdin=lines)
    assert r.code == 1 and r.err.count(short(feature["bad"])) == 1


def test_pre_push_malformed_or_terminal_stdin_is_bad_input(awards: Repo) -> None:
    r = cli(awards, "hook", "pre-push", "origin", "url", stdin="main HEAD main HEAD\n")
    assert r.code == 2 and "is not '<local ref> <local sha> <remote ref> <remote sha>'" in r.err
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run((sys.executable, "-m", "checker", "hook", "pre-push", "origin"),
                              cwd=awards.path, stdin=follower, capture_output=True, text=True,
                              check=False, timeout=30)
    finally:
        os.close(follower)
        os.close(leader)
    assert proc.returncode == 2 and "stdin is a terminal" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_pre_push_from_the_framework_range(awards: Repo, feature: dict[str, str]) -> None:
    env = {"PRE_COMMIT": "1", "PRE_COMMIT_FROM_REF": feature["base"],
           "PRE_COMMIT_TO_REF": feature["good"], "PRE_COMMIT_REMOTE_NAME": "origin"}
    r = cli(awards, "hook", "pre-push", stdin=None, env=env)
    assert r.code == 0 and "1 commit(s) inside" in r.out
    env["PRE_COMMIT_TO_REF"] = feature["bad"]
    r = cli(awards, "hook", "pre-push", stdin=None, env=env)
    assert r.code == 1 and short(feature["bad"]) in r.err and short(feature["good"]) not in r.err


def test_pre_push_framework_without_range_finds_the_commits(awards: Repo,
                                                            feature: dict[str, str]) -> None:
    """pre-commit sets no range when the push holds the root commit."""
    env = {"PRE_COMMIT": "1", "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/feature",
           "PRE_COMMIT_REMOTE_NAME": "origin", "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/feature"}
    r = cli(awards, "hook", "pre-push", stdin=None, env=env)
    assert r.code == 1
    assert "1 of 2 commit(s)" in r.err  # good and bad; base is on origin/main


def test_pre_push_frees_clean_merges_and_follows_fixups(awards: Repo,
                                                       feature: dict[str, str]) -> None:
    awards.git("reset", "-q", "--hard", feature["good"])
    awards.write("app/views/__init__.py", "x\n")
    fix = awards.commit("fixup! A view")
    awards.git("switch", "-q", "-c", "side", feature["base"])
    awards.write("db/migrations/0042_awards.sql", "x\n")
    awards.commit("Migration", plan=TABLES)
    awards.git("switch", "-q", "feature")
    awards.git("merge", "-q", "--no-ff", "-m", "Merge side", "side")
    line = f"refs/heads/feature {head(awards)} refs/heads/feature {ZERO}\n"
    r = cli(awards, "hook", "pre-push", "origin", "url", stdin=line)
    assert r.code == 0, r.err
    assert "4 commit(s) inside" in r.out  # good, fixup (as 'A view'), migration, clean merge
    assert awards.git("log", "-1", "--format=%(trailers:key=Plan)", fix).strip() == ""


def test_real_push_blocked_then_allowed_after_the_plan_changes(hooked: Repo,
                                                              remote: Path) -> None:
    hooked.write("app/models/__init__.py", "x\n")
    hooked.commit("Models", plan=TABLES)
    hooked.write("app/models/award.py", "x\n")
    hooked.git("add", "-A")
    hooked.git("commit", "-q", "--no-verify", "-m", "Award model", "-m", f"Plan: {TABLES}")
    drifted = head(hooked)
    r = git(hooked, "push", "origin", "main")
    assert r.code != 0
    assert f"planscope: {short(drifted)} 'Award model': drift app/models/award.py" in r.err
    assert git(hooked, "--git-dir", str(remote), "rev-parse", "main").out.strip() != drifted
    plan = (hooked.path / "plans/awards.yaml").read_text()
    hooked.write("plans/awards.yaml", plan.replace(
        "allow: [tests/**/test_awards*.py]", "allow: [tests/**/test_awards*.py, app/models/*.py]"))
    hooked.commit("Plan: the award model belongs to tables", plan="none")
    r = git(hooked, "push", "origin", "main")  # a push is judged by the rules it lands on
    assert r.code != 0 and "'Award model': drift app/models/award.py" in r.err
    plan_change, models, award = (hooked.git("rev-parse", f"HEAD~{n}").strip()
                                  for n in (0, 2, 1))
    hooked.git("reset", "-q", "--hard", "HEAD~3")  # the plan change goes first
    hooked.git("cherry-pick", plan_change, models, award)
    r = git(hooked, "push", "origin", "HEAD~2:main")
    assert r.code == 0 and "1 commit(s) inside their plan slices" in r.out + r.err, r.err
    r = git(hooked, "push", "origin", "main")
    assert r.code == 0, r.err
    assert "2 commit(s) inside their plan slices" in r.out + r.err
    assert git(hooked, "--git-dir", str(remote), "rev-parse", "main").out.strip() == head(hooked)
    # deleting a remote branch runs the hook with nothing to check
    hooked.git("push", "-q", "--no-verify", "origin", "main:gone")
    r = git(hooked, "push", "origin", ":gone")
    assert r.code == 0 and "no new commits" in r.out + r.err


def test_pre_push_judges_a_commit_without_trailer_by_the_pushed_branch(
    awards: Repo, remote: Path
) -> None:
    """Pushing main from another checked-out branch: main's commits are not claimed by the
    checked-out plan branch's slice."""
    awards.write(".planscope.yaml", "on_drift: block\nrequire_plan: false\n")
    awards.commit("relax", plan="none")
    awards.git("push", "-q", "--no-verify", "origin", "main")
    awards.write("app/views/home.py", "x\n")
    awards.commit("a view on main, no trailer")
    awards.git("checkout", "-q", "-b", "plan/awards-dashboard/tables")
    line = f"refs/heads/main {awards.git('rev-parse', 'main').strip()} refs/heads/main " \
           f"{awards.git('rev-parse', 'origin/main').strip()}\n"
    r = cli(awards, "hook", "pre-push", "origin", str(remote), stdin=line)
    assert r.code == 0, r.err  # main maps to no slice; require_plan is false
    branch_line = line.replace("refs/heads/main ", "refs/heads/plan/awards-dashboard/tables ", 1)
    r = cli(awards, "hook", "pre-push", "origin", str(remote), stdin=branch_line)
    assert r.code == 1 and "drift app/views/home.py" in r.err  # pushed as the plan branch


def test_a_plan_the_remote_does_not_have_will_fail_the_pull_request(
    awards: Repo, remote: Path
) -> None:
    awards.git("fetch", "-q", "origin")
    awards.git("remote", "set-head", "origin", "main")
    awards.git("checkout", "-q", "-b", "feature")
    plan = (awards.path / "plans/awards.yaml").read_text()
    awards.write("plans/badges.yaml", plan.replace("id: awards-dashboard", "id: badges"))
    awards.commit("Plan the badges", plan="none")
    awards.write("db/migrations/0042_awards.sql", "badges\n")
    awards.commit("Badges table", plan="plans/badges.yaml#tables")
    line = f"refs/heads/feature {awards.head()} refs/heads/feature {'0' * 40}\n"
    r = cli(awards, "hook", "pre-push", "origin", str(remote), stdin=line)
    assert r.code == 0
    assert ("planscope: warning: this will fail the pull request check: plans/badges.yaml is "
            "not on origin/main; open a pull request with the plan first") in r.err
    to_main = (f"refs/heads/feature {awards.head()} refs/heads/main "
               f"{awards.git('rev-parse', 'origin/main').strip()}\n")
    assert "this will fail" not in cli(awards, "hook", "pre-push", "origin", str(remote),
                                       stdin=to_main).err  # straight to main: no pull request
    awards.git("checkout", "-q", "main")  # the rules a push is judged by: the remote's
    awards.write(".planscope.yaml", "on_drift: block\nrequire_plan: false\n"
                                    "prepush:\n  require_plans_on_remote: true\n")
    awards.commit("Refuse such pushes", plan="none")
    awards.git("push", "-q", "--no-verify", "origin", "main")
    awards.git("checkout", "-q", "feature")
    line = f"refs/heads/feature {awards.head()} refs/heads/feature {'0' * 40}\n"
    r = cli(awards, "hook", "pre-push", "origin", str(remote), stdin=line)
    assert r.code == 1
    assert "planscope: error: this will fail the pull request check: plans/badges.yaml" in r.err
    assert "plans are missing on the remote (prepush.require_plans_on_remote)" in r.err


def test_each_ref_is_judged_with_its_own_branch(awards: Repo, remote: Path) -> None:
    """A commit pushed under two refs is judged for each (the branch may claim it in one and
    not in the other): pushing another ref beside it changes nothing."""
    awards.git("switch", "-q", "-c", "plan/awards-dashboard/views")
    awards.write("app/views/awards.py", "x\n")
    sha = awards.commit("a view, claimed by the branch")
    old = awards.git("rev-parse", "origin/main").strip()
    alone = f"refs/heads/main {sha} refs/heads/main {old}\n"
    both = (f"refs/heads/plan/awards-dashboard/views {sha} "
            f"refs/heads/plan/awards-dashboard/views {ZERO}\n" + alone)
    r = cli(awards, "hook", "pre-push", "origin", str(remote), stdin=alone)
    assert r.code == 2 and "no plan claims this change" in r.err
    r = cli(awards, "hook", "pre-push", "origin", str(remote), stdin=both)
    assert r.code == 2 and "no plan claims this change" in r.err
    assert r.err.count(short(sha)) == 1  # said once


def test_the_rules_of_a_new_branch_come_from_below_the_push(awards: Repo, remote: Path) -> None:
    """With no default branch known, the rules come from where the pushed tip's first-parent
    line leaves the pushed commits, never from a commit inside the push (log order puts a
    side commit with an old date first)."""
    from checker.commands import pre_push
    from checker.git import revs

    below = awards.head()
    awards.git("switch", "-q", "-c", "feature")
    awards.write("app/auth/session.py", "x\n")
    awards.commit("auth", plan=TABLES)
    awards.write("plans/awards.yaml", (awards.path / "plans/awards.yaml").read_text()
                 .replace("status: approved", "status: done", 1))
    widened = awards.commit("done", plan="none")
    awards.git("switch", "-q", "-c", "side")
    awards.write("side.txt", "x\n")
    awards.git("add", "-A")
    env = {"GIT_COMMITTER_DATE": "2001-01-01T00:00:00", "GIT_AUTHOR_DATE": "2001-01-01T00:00:00"}
    subprocess.run(("git", "commit", "-q", "-m", "old side\n\nPlan: none"), cwd=awards.path,
                   env={**os.environ, **env}, check=True)
    awards.git("switch", "-q", "feature")
    awards.git("merge", "-q", "--no-ff", "--no-edit", "side")
    tip = awards.head()
    push = pre_push.Push("feature", tip, (tip, "--not", "--remotes=origin"))
    listed = revs.log(awards.path, *push.revs)
    assert listed[0].parents == (widened,)  # the log's oldest is the side commit
    assert pre_push.rules_base(awards.path, push, None, listed) == below


def test_git_push_origin_head_is_the_checked_out_branch(awards: Repo, remote: Path) -> None:
    """git hands the hook the local ref ``HEAD`` for ``git push -u origin HEAD``: the branch
    that claims the commits is the checked-out one."""
    awards.git("switch", "-q", "-c", "awards-dashboard/views")
    awards.write("app/views/awards.py", "VIEW = 1\n")
    awards.commit("the view, no trailer")
    tip = awards.head()
    line = f"HEAD {tip} refs/heads/awards-dashboard/views {ZERO}\n"
    r = cli(awards, "hook", "pre-push", "origin", str(remote), stdin=line)
    assert r.code == 0 and "1 commit(s) inside their plan slices" in r.out, r.out + r.err
    awards.git("switch", "-q", "--detach")
    r = cli(awards, "hook", "pre-push", "origin", str(remote), stdin=line)
    assert r.code == 2 and "no plan claims this change" in r.err  # detached: no branch


@pytest.mark.parametrize(("files", "trailer", "fix"), [
    ({"app/views/awards.py": "v\n"}, None, "Name each commit's slice (git rebase -i, reword"),
    ({"app/views/awards.py": "v\n", "app/registry.py": "r\n"}, "plans/awards.yaml#views",
     "Move drifted paths to a commit that claims their slice"),
    ({"app/auth/session.py": "x\n"}, "plans/awards.yaml#views",
     "Take the forbidden paths out of the commits"),
])
def test_a_refused_push_says_what_fixes_it(awards: Repo, remote: Path, files: dict[str, str],
                                           trailer: str | None, fix: str) -> None:
    for path, body in files.items():
        awards.write(path, body)
    awards.git("add", "-A")
    message = "work" + (f"\n\nPlan: {trailer}" if trailer else "")
    awards.git("commit", "-q", "--no-verify", "-m", message)
    line = f"refs/heads/main {awards.head()} refs/heads/main {ZERO}\n"
    r = cli(awards, "hook", "pre-push", "origin", str(remote), stdin=line)
    refusal = r.err.strip().splitlines()[-1]
    assert r.code != 0 and f"failed the check. {fix}" in refusal, r.err
