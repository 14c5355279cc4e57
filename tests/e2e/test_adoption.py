"""Adopting planscope on a repository with 50 commits of history, end to end: planscope init,
the real pre-commit client, a push to a fresh remote, and the Action's steps on the adoption
pull request and on a later one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.actions import pr_payload
from tests.conftest import Repo, Run
from tests.e2e.conftest import run
from tests.e2e.test_action import Runner


@pytest.mark.xdist_group("pre-commit")
def test_adopting_planscope_on_a_repository_with_history(
    repo: Repo, hook_repo: tuple[Path, str], pre_commit_home: Path, tmp_path: Path
) -> None:
    for i in range(50):
        repo.write(f"app/module_{i % 7}.py", f"VERSION = {i}\n")
        repo.commit(f"Work {i}")
    before = repo.head()
    bare = tmp_path / "remote.git"
    subprocess.run(("git", "init", "-q", "--bare", str(bare)), check=True)
    repo.git("remote", "add", "origin", str(bare))

    def git(*args: str) -> Run:
        return run(repo, pre_commit_home, "git", *args)

    # 1. planscope init on the last commit: it becomes the baseline
    r = repo.planscope("init")
    assert r.code == 0 and f"baseline: {before[:12]} (HEAD)" in r.out
    config = (repo.path / ".planscope.yaml").read_text()
    repo.write(".planscope.yaml", config.replace("max_changed_lines: 0  ", "max_changed_lines: 2  ")
               + "forbid: [secrets/**]\n")
    hook_path, rev = hook_repo
    repo.write(".pre-commit-config.yaml", f"""\
default_install_hook_types: [pre-commit, commit-msg, pre-push]
repos:
  - repo: {hook_path}
    rev: {rev}
    hooks:
      - id: planscope
      - id: planscope-commit-msg
      - id: planscope-pre-push
""")
    r = run(repo, pre_commit_home, sys.executable, "-m", "pre_commit", "install")
    assert r.code == 0, r.out

    # 2. the adoption commit passes its own hooks
    git("add", "-A")
    r = git("commit", "-m", "Adopt planscope")
    assert r.code == 0, r.out
    adopted = repo.head()

    # 3. the first push to a fresh remote checks the adoption commit only, not the history
    r = git("push", "origin", "main")
    assert r.code == 0, r.out
    assert "planscope (every pushed commit vs its Plan trailer)" in r.out and "Passed" in r.out

    # 4. the adoption pull request: its base has no config, so the Action passes it
    action = Runner(tmp_path / "runner")
    (tmp_path / "runner").mkdir()
    repo.git("checkout", "-q", "-b", "adopt-pr", before)
    repo.git("merge", "-q", "--ff-only", adopted)
    result = action(repo, pr_payload(repo, before, head_ref="adopt-pr"))
    assert result.code == 0, result.out
    assert result.outputs == {"result": "pass", "drift-count": "0"}
    assert "being adopted" in result.summary

    # 5. later: a two-line change needs no plan (exempt by size) but a forbidden path fails,
    #    in the commit hook, at the push and in the pull request check
    repo.git("checkout", "-q", "main")
    repo.write("secrets/token.txt", "t\n")
    git("add", "-A")
    r = git("commit", "-m", "A small change", "-m", "Plan: none")
    assert r.code == 1 and "by 'secrets/**' (forbid in .planscope.yaml)" in r.out
    git("commit", "--no-verify", "-m", "A small change", "-m", "Plan: none")
    r = git("push", "origin", "main")
    assert r.code != 0 and "forbidden secrets/token.txt by 'secrets/**'" in r.out
    result = action(repo, pr_payload(repo, adopted, head_ref="main"))
    assert result.code == 1 and result.outputs["result"] == "forbidden"
