"""The hook entries (checker/commands/hooks.py) under real `git commit` and `git push`:
temporary index, amend, merge, fixup!, pre-push ranges, the framework's variables."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from checker import gitformats
from checker.commands import hooks
from tests.conftest import Repo, Run

TABLES = "plans/awards.yaml#tables"


VIEWS = "plans/awards.yaml#views"


ZERO = "0" * 40


HOOKS = ("pre-commit", "commit-msg", "pre-push")


def git(repo: Repo, *args: str, env: dict[str, str] | None = None) -> Run:
    """Run git and hand back the result, failure included (a blocked commit fails). Git
    sends a hook's stdout to stderr, so ``out`` holds both streams."""
    proc = subprocess.run(("git", *args), cwd=repo.path, capture_output=True, text=True,
                          check=False, env=None if env is None else {**os.environ, **env},
                          timeout=60)
    assert "Traceback" not in proc.stderr, proc.stderr
    return Run(proc.returncode, proc.stdout + proc.stderr, proc.stderr)


def cli(repo: Repo, *args: str, stdin: str | None = "",
        env: dict[str, str] | None = None) -> Run:
    """A hook entry run in this process, the way git would start it (no terminal)."""
    return repo.planscope(*args, stdin=stdin, env=env)


def head(repo: Repo) -> str:
    return repo.git("rev-parse", "HEAD").strip()


def short(sha: str) -> str:
    return sha[:9]


def test_fixup_targets() -> None:
    def commit(sha: str, subject: str) -> gitformats.Commit:
        return gitformats.Commit(sha * 40, (), subject, ())

    assert hooks.fixup_target("fixup! fixup! Add table") == ("fixup!", "Add table")
    assert hooks.fixup_target("squash! Add") == ("squash!", "Add")
    assert hooks.fixup_target("Add fixup! x") is None
    nearest_first = [commit("c", "fixup! Add table"), commit("b", "Add table twice"),
                     commit("a", "Add table")]
    assert hooks.find_target("Add table", nearest_first).sha[0] == "a"  # type: ignore[union-attr]
    assert hooks.find_target("aaaa", nearest_first).sha[0] == "a"  # type: ignore[union-attr]
    assert hooks.find_target("Add tab", nearest_first).sha[0] == "b"  # type: ignore[union-attr]
    assert hooks.find_target("Other", nearest_first) is None


def test_commit_in_scope_passes_and_drift_is_blocked(hooked: Repo) -> None:
    hooked.write("db/migrations/0042_awards.sql", "create table awards;\n")
    hooked.write("app/models/__init__.py", "from .award import Award\n")
    sha = hooked.commit("Add awards table", plan=TABLES)
    assert hooked.git("log", "-1", "--format=%s", sha).strip() == "Add awards table"
    before = head(hooked)
    hooked.write("app/views/home.py", "x\n")
    hooked.git("add", "-A")
    r = git(hooked, "commit", "-m", "Sneak in a view", "-m", f"Plan: {TABLES}")
    assert r.code == 1
    assert "drift      app/views/home.py (A)" in r.out + r.err
    assert "outside slice 'tables'" in r.out + r.err
    assert head(hooked) == before  # refused


def test_commit_without_trailer_is_refused_with_the_fix(hooked: Repo) -> None:
    hooked.write("app/models/__init__.py", "x\n")
    hooked.git("add", "-A")
    r = git(hooked, "commit", "-m", "No plan named")
    assert r.code == 1  # git's own code for a refused commit
    assert "commit-msg hook checks this commit" in r.out  # pre-commit deferred
    assert "add the trailer 'Plan: plans/<plan>.yaml#<slice>'" in r.err


def test_comment_lines_are_not_trailers(hooked: Repo) -> None:
    hooked.write("app/models/__init__.py", "x\n")
    hooked.git("add", "-A")
    msg = hooked.path.parent / "msg.txt"
    msg.write_text(f"Models\n\nPlan: {TABLES}\n# Plan: {VIEWS}\n")
    r = cli(hooked, "hook", "commit-msg", str(msg))
    assert r.code == 0, r.err
    assert "against plans/awards.yaml#tables" in r.out


def test_partial_commit_checks_the_temporary_index(hooked: Repo) -> None:
    """``git commit -- PATH`` commits a temporary index; the hook must read that one."""
    hooked.write("app/models/__init__.py", "x\n")
    hooked.write("app/views/__init__.py", "drift\n")
    hooked.git("add", "-A")
    r = git(hooked, "commit", "-m", "Models only", "-m", f"Plan: {TABLES}", "--",
            "app/models/__init__.py")
    assert r.code == 0, r.out + r.err
    assert hooked.git("show", "--name-only", "--format=", "HEAD").split() == [
        "app/models/__init__.py"]
    r = git(hooked, "commit", "-a", "-m", "Everything", "-m", f"Plan: {TABLES}")
    assert r.code == 1 and "app/views/__init__.py" in r.out + r.err


def test_pre_commit_uses_the_branch_slice(hooked: Repo) -> None:
    hooked.git("switch", "-q", "-c", "plan/awards-dashboard/views")
    hooked.write("app/models/__init__.py", "x\n")
    hooked.git("add", "-A")
    r = cli(hooked, "hook", "pre-commit")
    assert r.code == 1 and "against plans/awards.yaml#views (from branch" in r.out
    hooked.git("reset", "-q", "--hard")
    hooked.write("app/views/awards.py", "x\n")
    hooked.git("add", "-A")
    assert cli(hooked, "hook", "pre-commit").code == 0
    sha = hooked.commit("A view without a trailer")  # the branch names the slice
    assert sha == head(hooked)


def test_pre_commit_with_nothing_to_go_on_defers(awards: Repo) -> None:
    awards.write("app/models/__init__.py", "x\n")
    awards.git("add", "-A")
    r = cli(awards, "hook", "pre-commit")
    assert r.code == 0
    assert r.out.strip().count("\n") == 0 and "commit-msg hook" in r.out


def test_amend_is_checked_against_the_parent(hooked: Repo) -> None:
    hooked.write("app/models/__init__.py", "x\n")
    hooked.commit("Models", plan=TABLES)
    # drift committed behind the hooks' back, then amended with no new changes: the staged
    # diff against HEAD is empty, but the amended commit still carries the drift
    hooked.write("app/views/home.py", "x\n")
    hooked.git("add", "-A")
    hooked.git("commit", "-q", "--no-verify", "-m", "Views", "-m", f"Plan: {TABLES}")
    sneaky = head(hooked)
    r = git(hooked, "commit", "--amend", "-m", "Views, reworded", "-m", f"Plan: {TABLES}")
    assert r.code == 1
    assert "amending" in r.out + r.err and "app/views/home.py" in r.out + r.err
    assert head(hooked) == sneaky
    hooked.git("config", "alias.fix", "commit --amend")
    r = git(hooked, "fix", "--no-edit")
    assert r.code == 1 and "app/views/home.py" in r.out + r.err
    hooked.git("rm", "-q", "--cached", "app/views/home.py")
    r = git(hooked, "commit", "--amend", "--allow-empty", "-m", "Reworded", "-m",
            f"Plan: {TABLES}")
    assert r.code == 0, r.out  # the amended commit is back in scope
    assert hooked.git("show", "--name-only", "--format=", "HEAD").split() == []


def test_amend_adding_an_in_scope_file_passes(hooked: Repo) -> None:
    hooked.write("app/models/__init__.py", "x\n")
    hooked.commit("Models", plan=TABLES)
    hooked.write("db/migrations/0042_awards.sql", "x\n")
    hooked.git("add", "-A")
    r = git(hooked, "commit", "--amend", "--no-edit")
    assert r.code == 0, r.out + r.err
    assert "amending" in r.out and "2 in scope" in r.out


def test_merge_commits_are_not_checked(hooked: Repo) -> None:
    hooked.git("switch", "-q", "-c", "side")
    hooked.write("app/views/awards.py", "x\n")
    hooked.commit("A view", plan=VIEWS)
    hooked.git("switch", "-q", "main")
    hooked.write("app/models/__init__.py", "x\n")
    hooked.commit("Models", plan=TABLES)
    r = git(hooked, "merge", "--no-ff", "-m", "Merge side", "side")
    assert r.code == 0, r.out + r.err
    assert "merge commit: not checked here" in r.out
    assert len(hooked.git("log", "-1", "--format=%P").split()) == 2
    # a conflicted merge, resolved and committed by hand
    hooked.git("switch", "-q", "-c", "other", "HEAD~2")
    hooked.write("app/models/__init__.py", "other\n")
    hooked.commit("Models again", plan=TABLES)
    hooked.git("switch", "-q", "main")
    assert git(hooked, "merge", "other").code == 1
    hooked.write("app/models/__init__.py", "resolved\n")
    hooked.git("add", "-A")
    r = git(hooked, "commit", "--no-edit")
    assert r.code == 0, r.out + r.err
    assert "merge commit: not checked here" in r.out


def test_fixup_commits_take_their_targets_slice(hooked: Repo) -> None:
    hooked.write("app/models/__init__.py", "x\n")
    target = hooked.commit("Add awards table", plan=TABLES)
    hooked.write("db/migrations/0042_awards.sql", "x\n")
    hooked.git("add", "-A")
    r = git(hooked, "commit", f"--fixup={target}")
    assert r.code == 0, r.out + r.err
    assert f"commit {short(target)}, the target of 'fixup!'" in r.out
    hooked.write("app/views/__init__.py", "drift\n")
    hooked.git("add", "-A")
    r = git(hooked, "commit", f"--squash={target}", "-m", "more")
    assert r.code == 1 and "app/views/__init__.py" in r.out + r.err
    # a fixup with a trailer of its own uses it
    r = git(hooked, "commit", "-m", "fixup! Add awards table", "-m", f"Plan: {VIEWS}")
    assert r.code == 0, r.out + r.err


def test_fixup_with_unknown_target_says_so(hooked: Repo) -> None:
    hooked.write("app/models/__init__.py", "x\n")
    hooked.git("add", "-A")
    r = git(hooked, "commit", "-m", "fixup! Nothing by that name")
    assert r.code == 1
    assert "'fixup!' target 'Nothing by that name' is not among" in r.err


def test_commit_msg_reads_a_missing_file_as_bad_input(awards: Repo) -> None:
    r = cli(awards, "hook", "commit-msg", "no-such-file")
    assert r.code == 2 and "cannot read the commit message" in r.err


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


def test_pre_push_skips_merges_and_follows_fixups(awards: Repo, feature: dict[str, str]) -> None:
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
    assert "3 commit(s) inside" in r.out  # good, fixup (as 'A view'), migration; no merge
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
    r = git(hooked, "push", "origin", "main")
    assert r.code == 0, r.err
    assert "3 commit(s) inside their plan slices" in r.out + r.err
    assert git(hooked, "--git-dir", str(remote), "rev-parse", "main").out.strip() == head(hooked)
    # deleting a remote branch runs the hook with nothing to check
    hooked.git("push", "-q", "--no-verify", "origin", "main:gone")
    r = git(hooked, "push", "origin", ":gone")
    assert r.code == 0 and "no new commits" in r.out + r.err


def test_hooks_judge_by_the_staged_rules_not_unstaged_edits(hooked: Repo) -> None:
    """An unstaged relaxation of the config or the plan does not let a drifted commit in;
    the hook says the working tree differs from what is checked."""
    hooked.write(".planscope.yaml", "on_drift: block\nalways_allow: ['app/**']\n")
    plan = (hooked.path / "plans/awards.yaml").read_text()
    hooked.write("plans/awards.yaml", plan.replace("allow: [tests/**/test_awards*.py]",
                                                   "allow: [tests/**/test_awards*.py, app/**]"))
    before = head(hooked)
    hooked.write("app/views/home.py", "x\n")
    hooked.git("add", "app/views/home.py")
    r = git(hooked, "commit", "-m", "Sneak in a view", "-m", f"Plan: {TABLES}")
    assert r.code == 1 and head(hooked) == before
    assert "drift      app/views/home.py (A)" in r.err
    assert ("planscope: note: .planscope.yaml, plans/awards.yaml differ from what is staged; "
            "the commit is checked with the staged version") in r.err
    hooked.git("commit", "-q", "--no-verify", "-m", "Relax the config", ".planscope.yaml")
    r = git(hooked, "commit", "-m", "View, under the committed rule", "-m", f"Plan: {TABLES}")
    assert r.code == 0, r.err  # the rule is in the index now: it applies
    assert "planscope: note: plans/awards.yaml differs from what is staged" in r.out


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
