"""End to end with the real pre-commit client: this checkout as a hook repository, its
``.pre-commit-hooks.yaml`` installed into pre-commit's own environment, and real commits
and pushes that pass and that are refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import AWARDS_PLAN, Repo, Run
from tests.e2e.conftest import run

pytest.importorskip("pre_commit")

TABLES = "plans/awards.yaml#tables"


@pytest.mark.xdist_group("pre-commit")
def test_framework_commits_and_pushes(repo: Repo, hook_repo: tuple[Path, str],
                                      pre_commit_home: Path, tmp_path: Path) -> None:
    hook_path, rev = hook_repo
    repo.write(".pre-commit-config.yaml", f"""\
default_install_hook_types: [pre-commit, commit-msg, pre-push]
repos:
  - repo: {hook_path}
    rev: {rev}
    hooks:
      - id: planscope
      - id: planscope-commit-msg
        verbose: true
      - id: planscope-pre-push
""")
    repo.write(".planscope.yaml", "on_drift: block\n"
               "exempt:\n  paths: [README.md, .planscope.yaml, .pre-commit-config.yaml]\n")
    repo.write("plans/awards.yaml", AWARDS_PLAN)
    repo.write("README.md", "# app\n")

    def git(*args: str) -> Run:
        return run(repo, pre_commit_home, "git", *args)

    r = run(repo, pre_commit_home, sys.executable, "-m", "pre_commit", "install",
            "--hook-type", "pre-commit", "--hook-type", "commit-msg", "--hook-type", "pre-push")
    assert r.code == 0, r.out
    for hook in ("pre-commit", "commit-msg", "pre-push"):
        assert "pre-commit" in (repo.path / ".git/hooks" / hook).read_text()

    # 1. exempt files with 'Plan: none' pass (the first commit builds the hook environment)
    git("add", "-A")
    r = git("commit", "-m", "Initial", "-m", "Plan: none")
    assert r.code == 0, r.out
    assert "planscope (commit vs the slice of its Plan trailer)" in r.out and "Passed" in r.out

    # 2. an in-scope commit passes
    repo.write("db/migrations/0042_awards.sql", "create table awards;\n")
    repo.write("app/models/__init__.py", "from .award import Award\n")
    git("add", "-A")
    r = git("commit", "-m", "Add awards table", "-m", f"Plan: {TABLES}")
    assert r.code == 0, r.out
    # verbose: true shows what a passing commit was told (docs/hooks.md)
    assert f"planscope: ok: staged changes against {TABLES}" in r.out, r.out
    good = repo.git("rev-parse", "HEAD").strip()
    # amending it is checked as the commit it becomes (against its parent), here too
    repo.write("tests/test_awards_migration.py", "def test(): ...\n")
    git("add", "-A")
    r = git("commit", "--amend", "--no-edit")
    assert r.code == 0, r.out
    good = repo.git("rev-parse", "HEAD").strip()
    repo.write("app/views/awards.py", "x\n")
    git("add", "-A")
    r = git("commit", "--amend", "--no-edit")
    assert r.code == 1
    assert f"staged changes (amending {good[:9]})" in r.out and "3 in scope, 1 drift" in r.out
    git("reset", "-q", "--", "app/views/awards.py")
    (repo.path / "app/views/awards.py").unlink()

    # 3. a drifted commit is refused, naming the path and the slice
    repo.write("app/views/home.py", "def home(): ...\n")
    git("add", "-A")
    r = git("commit", "-m", "Sneak in a view", "-m", f"Plan: {TABLES}")
    assert r.code == 1
    assert "Failed" in r.out
    assert "drift      app/views/home.py (A)" in r.out
    assert "outside slice 'tables'" in r.out
    assert repo.git("rev-parse", "HEAD").strip() == good

    # 4. committed anyway behind the hooks' back: the push (a new branch holding the root
    #    commit, for which pre-commit sets no range) is refused for that commit only
    r = git("commit", "--no-verify", "-m", "Sneak in a view", "-m", f"Plan: {TABLES}")
    assert r.code == 0, r.out
    drifted = repo.git("rev-parse", "HEAD").strip()
    bare = tmp_path / "remote.git"
    subprocess.run(("git", "init", "-q", "--bare", str(bare)), check=True)
    repo.git("remote", "add", "origin", str(bare))
    r = git("push", "origin", "main")
    assert r.code != 0
    assert (f"planscope: {drifted[:9]} 'Sneak in a view': drift app/views/home.py "
            f"(outside {TABLES})") in r.out
    assert "1 of 3 commit(s)" in r.out
    assert run(repo, pre_commit_home, "git", "--git-dir", str(bare), "rev-parse", "--verify",
               "-q", "refs/heads/main").code != 0

    # 5. the plan is amended to cover the path, in a commit before the one it excuses (a
    #    commit is judged by the rules it was written under): now the commits push
    plan = (repo.path / "plans/awards.yaml").read_text()
    old = "allow: [tests/**/test_awards*.py]"
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.write("plans/awards.yaml", plan.replace(old, old[:-1] + ", app/views/home.py]"))
    git("add", "-A")
    r = git("commit", "-m", "Plan: the home view belongs to tables", "-m", "Plan: none")
    assert r.code == 0, r.out
    repo.git("cherry-pick", drifted)
    r = git("push", "origin", "main")
    assert r.code == 0, r.out
    assert "planscope (every pushed commit vs its Plan trailer)" in r.out and "Passed" in r.out
    assert repo.git("--git-dir", str(bare), "rev-parse", "main").strip() == \
        repo.git("rev-parse", "HEAD").strip()

    # 6. an update push (pre-commit passes FROM..TO) with a drifted commit is refused
    repo.write("app/views/other.py", "x\n")
    git("add", "-A")
    git("commit", "--no-verify", "-m", "Another view", "-m", f"Plan: {TABLES}")
    other = repo.git("rev-parse", "HEAD").strip()
    r = git("push", "origin", "main")
    assert r.code != 0
    assert f"planscope: {other[:9]} 'Another view': drift app/views/other.py" in r.out
    assert "1 of 1 commit(s)" in r.out
