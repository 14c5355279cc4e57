"""The commit hooks (checker/commands/hooks.py) under real `git commit`: temporary index,
amend, merge, fixup!, the rules read from the index."""

from __future__ import annotations

import json
import os
import subprocess

from tests.conftest import Repo, Run

TABLES = "plans/awards.yaml#tables"


VIEWS = "plans/awards.yaml#views"


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
    assert r.err.count("planscope: ") == 1  # pre-commit left it to commit-msg: one report
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
    # the commit-msg hook is installed: the message, unseen yet, may claim another slice
    assert cli(hooked, "hook", "pre-commit").code == 0
    r = git(hooked, "commit", "-q", "-m", "No trailer: the branch claims it")
    assert r.code == 1 and "against plans/awards.yaml#views (from branch" in r.out
    (hooked.path / ".git/hooks/commit-msg").unlink()  # now nothing else will see the claim
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
    assert r.code == 0 and r.out == r.err == ""  # the commit-msg hook reports it


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


def test_a_merge_is_judged_by_what_it_adds(hooked: Repo) -> None:
    hooked.git("switch", "-q", "-c", "side")
    hooked.write("app/views/awards.py", "x\n")
    hooked.commit("A view", plan=VIEWS)
    hooked.git("switch", "-q", "main")
    hooked.write("app/models/__init__.py", "x\n")
    hooked.commit("Models", plan=TABLES)
    r = git(hooked, "merge", "--no-ff", "-m", "Merge side", "side")
    assert r.code == 0, r.out + r.err
    assert "merge being committed: a merge that adds nothing of its own" in r.out
    assert len(hooked.git("log", "-1", "--format=%P").split()) == 2
    # a conflicted merge, resolved and committed by hand
    hooked.git("switch", "-q", "-c", "other", "HEAD~2")
    hooked.write("app/models/__init__.py", "other\n")
    hooked.commit("Models again", plan=TABLES)
    hooked.git("switch", "-q", "main")
    assert git(hooked, "merge", "other").code == 1
    hooked.write("app/models/__init__.py", "resolved\n")
    hooked.git("add", "-A")
    r = git(hooked, "commit", "--no-edit")  # the resolution is new code: it needs a claim
    assert r.code == 1 and "merge being committed: no plan claims this change" in r.err
    r = git(hooked, "commit", "-m", f"Merge other\n\nPlan: {TABLES}")
    assert r.code == 0, r.out + r.err
    assert "merge being committed against plans/awards.yaml#tables" in r.out
    assert "1 in scope" in r.out


def test_fixup_commits_take_their_targets_slice(hooked: Repo) -> None:
    hooked.write("app/models/__init__.py", "x\n")
    target = hooked.commit("Add awards table", plan=TABLES)
    hooked.write("db/migrations/0042_awards.sql", "x\n")
    hooked.git("add", "-A")
    r = git(hooked, "commit", f"--fixup={target}")
    assert r.code == 0, r.out + r.err
    assert f"commit {target[:9]}, the target of 'fixup!'" in r.out
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


def test_pre_commit_judges_itself_when_git_would_skip_commit_msg(hooked: Repo) -> None:
    """pre-commit leaves drift to commit-msg only when git will run that hook."""
    hooked.git("checkout", "-q", "-b", "plan/awards-dashboard/views")
    hooked.write("app/views/awards.py")
    hooked.write("app/registry.py")
    hooked.git("add", "-A")
    assert hooked.planscope("hook", "pre-commit").code == 0  # commit-msg will judge it
    (hooked.path / ".git/hooks/commit-msg").chmod(0o644)
    r = hooked.planscope("hook", "pre-commit")
    assert r.code == 1 and "drift      app/registry.py" in r.out + r.err


def test_a_merge_head_git_drops_makes_an_ordinary_commit(hooked: Repo) -> None:
    """A MERGE_HEAD that HEAD already reaches (no MERGE_MODE no-ff): git records an ordinary
    commit, so the hooks judge one, forbidden path and all."""
    first = hooked.git("rev-list", "--max-parents=0", "HEAD").strip()
    hooked.write("app/auth/session.py", "# fixed\n")
    hooked.git("commit", "-q", "--no-verify", "-am", "a fix, by a maintainer")
    hooked.git("checkout", first, "--", "app/auth/session.py")  # back to the old version
    (hooked.path / ".git/MERGE_HEAD").write_text(first + "\n")
    r = git(hooked, "commit", "-m", "Tidy")
    assert r.code == 1 and "forbidden  app/auth/session.py" in r.out, r.out


def test_commit_msg_reads_the_message_as_the_cleanup_option_leaves_it(hooked: Repo) -> None:
    """``git commit --cleanup=strip`` drops a comment line inside the trailer block: the
    trailer's continuation line then joins it, as git records it."""
    hooked.write("app/views/awards.py", "x\n")
    hooked.write("db/migrations/0042_awards.sql", "x\n")
    hooked.git("add", "-A")
    r = git(hooked, "commit", "--cleanup=strip", "-m", "Both",
            "-m", f"Plan: {TABLES}\n#c\n +views")
    assert r.code == 0, r.out
    assert "against plans/awards.yaml#tables+views" in r.out
    said = json.loads(hooked.planscope("check", "--commit", "HEAD", "--format", "json").out)
    assert said["ok"] and said["slice"] == "tables+views"


def test_an_empty_message_is_judged_like_any_other(hooked: Repo) -> None:
    hooked.git("switch", "-q", "-c", "plan/awards-dashboard/views")
    hooked.write("app/views/awards.py", "x\n")
    hooked.write("app/registry.py", "x\n")
    hooked.git("add", "-A")
    r = git(hooked, "commit", "--allow-empty-message", "-m", "")
    assert r.code == 1 and "drift      app/registry.py" in r.out, r.out
