"""Telling `git commit --amend` from a new commit (checker/amend.py)."""

from __future__ import annotations

import pytest

from checker.git import amend as amend_mod
from tests.conftest import Repo


@pytest.mark.parametrize(("args", "amend"), [
    (["--amend"], True),
    (["-q", "--am", "--no-edit"], True),
    (["-m", "x", "--amend"], True),
    (["-C", "HEAD", "--amend"], True),
    (["--amend", "--no-amend"], False),
    (["-am", "--amend"], False),  # -a -m: "--amend" is the message
    (["--message", "--amend"], False),
    (["--message=--amend"], False),
    (["-m", "x", "--", "--amend"], False),
    (["-m", "fix", "--all"], False),
])
def test_commit_args_amend(args: list[str], amend: bool) -> None:
    assert amend_mod.commit_args_amend(args) is amend


def test_amending_walks_up_to_the_nearest_git_process(repo: Repo) -> None:
    table = {
        300: (200, ["/venv/bin/python", "/venv/bin/planscope", "hook", "commit-msg"]),
        200: (100, ["/bin/sh", ".git/hooks/commit-msg", ".git/COMMIT_EDITMSG"]),
        100: (50, ["/usr/lib/git-core/git", "-c", "a.b=c", "commit", "--amend", "-q"]),
        50: (1, ["git", "push"]),  # farther away: never looked at
    }
    assert amend_mod.amending(repo.path, table.get, start=300)
    table[100] = (50, ["git", "commit", "-m", "msg"])
    assert not amend_mod.amending(repo.path, table.get, start=300)
    assert not amend_mod.amending(repo.path, lambda pid: None, start=300)  # nothing visible: new
    repo.git("config", "alias.fix", "commit --amend")
    repo.git("config", "alias.fix2", "fix -q")
    table[100] = (50, ["git", "fix2", "--no-edit"])
    assert amend_mod.amending(repo.path, table.get, start=300)
    repo.git("config", "alias.sh", "!git commit --amend")
    table[100] = (50, ["git", "sh"])
    assert not amend_mod.amending(repo.path, table.get, start=300)
