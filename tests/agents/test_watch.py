"""checker/watch.py: what changed in the work tree since a moment, from git itself."""

from __future__ import annotations

import os

from checker.agents.watch import Watch
from checker.git import diffs
from checker.git.formats import Change
from tests.conftest import Repo


def test_changes_since_the_start_each_once(awards: Repo) -> None:
    awards.write("dirty.txt", "before the watch\n")
    awards.write("app/views/__init__.py", "# views, edited before\n")
    watch = Watch(awards.path)
    assert watch.poll() == []
    awards.write("app/models/__init__.py", "# models, edited\n")
    awards.write("new/file.txt", "new\n")
    awards.write(".gitignore", "ignored/\n")
    awards.write("ignored/x.txt", "not git's business\n")
    assert sorted(watch.poll()) == [".gitignore", "app/models/__init__.py", "new/file.txt"]
    assert watch.poll() == []  # each path once
    path = awards.path / "app/views/__init__.py"
    stat = path.stat()
    path.write_text("# views, edited during the watch\n")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert watch.poll() == ["app/views/__init__.py"]  # dirty before, changed again
    assert "dirty.txt" not in watch.seen


def test_commits_made_during_the_watch(awards: Repo) -> None:
    watch = Watch(awards.path)
    awards.write("db/migrations/0042_awards.sql", "CREATE TABLE awards (id int);\n")
    awards.commit("Awards", "db/migrations/0042_awards.sql", plan="plans/awards.yaml#tables")
    awards.git("rm", "-q", "README.md")
    awards.git("commit", "-q", "--no-verify", "-m", "No readme")
    assert sorted(watch.poll()) == ["README.md", "db/migrations/0042_awards.sql"]
    assert diffs.worktree_changes(awards.path, watch.start) == [
        Change("D", "README.md"), Change("A", "db/migrations/0042_awards.sql")]


def test_an_unborn_branch(repo: Repo) -> None:
    watch = Watch(repo.path)
    repo.write("first.txt", "x\n")
    assert watch.poll() == ["first.txt"]
    assert diffs.worktree_changes(repo.path, watch.start) == [Change("A", "first.txt")]
