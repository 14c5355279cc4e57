"""checker.git.worktrees: the work trees an edited file answers to."""

from __future__ import annotations

import subprocess
from pathlib import Path

from checker.git import worktrees
from tests.conftest import Repo


def tops(trees: list[worktrees.WorkTree]) -> list[Path]:
    return [top for top, _ in trees]


def test_innermost_first_then_the_ones_holding_it(repo: Repo, tmp_path: Path) -> None:
    inner = repo.path / "vendor" / "lib"
    inner.mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=inner, check=True)
    found = worktrees.work_trees(tmp_path, str(inner / "new" / "file.py"), None)
    assert tops(found) == [inner.resolve(), repo.path.resolve()]
    assert tops(worktrees.work_trees(tmp_path, str(repo.path / "a.py"), None)) == \
        [repo.path.resolve()]


def test_the_project_comes_first(repo: Repo, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=other, check=True)
    found = worktrees.work_trees(repo.path, str(other / "x.py"), str(repo.path))
    assert tops(found) == [repo.path.resolve(), other.resolve()]


def test_a_file_in_no_work_tree(repo: Repo, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert tops(worktrees.work_trees(repo.path, str(plain / "x"), None)) == [repo.path.resolve()]
    assert worktrees.work_trees(plain, "x", None) == []
