"""checker/git/repository.py: the settings the commit path reads come from one git call and
are read as git reads them; inside one short run each question goes to git once."""

from __future__ import annotations

import pytest

from checker.git import process, repository
from tests.conftest import Repo


@pytest.mark.parametrize(("lines", "folding"), [
    ("", (False, False)),
    ("[core]\n\tignorecase = yes\n\tprecomposeunicode = 0\n", (True, False)),
    ("[core]\n\tignorecase\n\tprecomposeunicode = 1k\n", (True, True)),
    ("[core]\n\tignorecase = true\n\tignorecase = off\n", (False, False)),  # the last wins
])
def test_name_folding_reads_git_booleans(repo: Repo, lines: str,
                                         folding: tuple[bool, bool]) -> None:
    config = repo.path / ".git/config"
    config.write_text(config.read_text().replace("ignorecase", "x-ignorecase") + lines)
    assert repository.name_folding(repo.path) == folding
    if lines:
        said = repo.git("config", "--type=bool", "--get", "core.ignorecase").strip()
        assert (said == "true") == folding[0]  # as git itself reads it


def test_one_run_asks_each_question_once(repo: Repo) -> None:
    assert repository.config_get(repo.path, "commit.cleanup") is None
    with process.remembered():
        assert not repository.has_commits(repo.path)
        repo.write("a.txt", "a\n")
        repo.commit("first", plan="none")
        assert not repository.has_commits(repo.path)  # asked already in this run
        repo.git("config", "commit.cleanup", "verbatim")
        assert repository.config_get(repo.path, "commit.cleanup") == "verbatim"
        repo.git("config", "commit.cleanup", "strip")  # within the run: the first answer
        assert repository.config_get(repo.path, "commit.cleanup") == "verbatim"
    assert repository.config_get(repo.path, "commit.cleanup") == "strip"
    assert repository.has_commits(repo.path)
