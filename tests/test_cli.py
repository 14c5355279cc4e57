"""The command line (checker/cli.py): one error format for every command, the entry points
as processes, and an unexpected exception never shown as a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from checker import cli
from checker.commands import validate as validate_command
from tests.conftest import Repo


def test_entry_points_run_as_processes(awards: Repo) -> None:
    planscope = Path(sys.executable).parent / "planscope"
    out = subprocess.run((str(planscope), "--version"), capture_output=True, text=True,
                         check=True).stdout
    assert out.startswith("planscope, version ")
    r = awards.process("validate")
    assert r.code == 0 and r.out == "plans/awards.yaml: ok (2 slices)\n"


def test_bad_input_is_one_error_line_with_its_exit_code(repo: Repo, tmp_path: Path) -> None:
    r = Repo(tmp_path).planscope("status")
    assert r.code == 2 and r.out == ""
    assert r.err == f"planscope: error: not inside a git repository: {tmp_path}\n"
    r = repo.planscope("check", "--commit", "HEAD", "--range", "a..b")
    assert r.code == 2
    assert r.err == "planscope: error: use only one of --staged, --commit, --range, --base\n"


def test_an_unexpected_exception_is_exit_2_without_a_traceback(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> object:
        raise KeyError("boom")

    monkeypatch.setattr(validate_command, "validate", broken)
    monkeypatch.delenv("PLANSCOPE_DEBUG")
    old = os.getcwd()
    os.chdir(repo.path)
    try:
        from click.testing import CliRunner

        result = CliRunner().invoke(cli.main, ["validate"])
    finally:
        os.chdir(old)
    assert result.exit_code == 2
    assert result.stderr == (
        "planscope: error: internal error: KeyError: 'boom'\n"
        "planscope: hint: this is a bug in planscope; PLANSCOPE_DEBUG=1 shows where it "
        "happened\n")
    monkeypatch.setenv("PLANSCOPE_DEBUG", "1")
    with pytest.raises(KeyError):
        repo.planscope("validate")


def test_guard_on_a_terminal_says_what_it_reads(repo: Repo) -> None:
    import pty

    leader, follower = pty.openpty()
    try:
        proc = subprocess.run((sys.executable, "-m", "checker", "guard"), cwd=repo.path,
                              stdin=follower, capture_output=True, text=True, timeout=60,
                              check=False)
    finally:
        os.close(follower)
        os.close(leader)
    assert proc.returncode == 1
    assert proc.stderr.startswith("planscope: error: guard reads a Claude Code or Codex "
                                  "PreToolUse")


def test_usage_errors_use_the_one_format(repo: Repo) -> None:
    r = repo.planscope("check", "--format", "xml")
    assert r.code == 2 and r.out == ""
    assert r.err == ("planscope: error: Invalid value for '--format': 'xml' is not one of "
                     "'text', 'json', 'github'.\nplanscope: hint: planscope check --help\n")
    r = repo.planscope("chek")
    assert r.code == 2 and r.err.startswith("planscope: error: No such command 'chek'.")
