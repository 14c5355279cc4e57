"""The console entry (checker/main.py): the commit hooks and ``check --staged`` run without
click, with the output and exit code click's commands give; every other command line goes
to click."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checker import main, output
from tests.conftest import TABLES, Repo

DRIFT = "README.md"


@pytest.fixture
def staged(awards: Repo, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """The tables slice's migration staged with an out-of-slice change."""
    monkeypatch.chdir(awards.path)
    awards.write("db/migrations/0042_awards.sql", "create table awards ();\n")
    awards.write(DRIFT, "# changed\n")
    awards.git("add", "-A")
    return awards


def _both(repo: Repo, *args: str) -> tuple[int, str, str]:
    """Run from the current folder both ways; the same code, stdout and stderr."""
    assert main.fast(args) is not None, args
    fast, clicked = repo.planscope(*args, cwd=Path.cwd()), repo.clicked(*args)
    assert (fast.code, fast.out, fast.err) == (clicked.code, clicked.out, clicked.err)
    return fast.code, fast.out, fast.err


@pytest.mark.parametrize("args", [
    ("hook", "pre-commit"),
    ("hook", "pre-commit", "--plan", TABLES),
    ("hook", "pre-commit", f"--plan={TABLES}", "--no-verify"),
    ("hook", "pre-commit", "--plan", "plans/missing.yaml#x"),
    ("check",),
    ("check", "--staged", "--plan", TABLES),
    ("check", "--staged", "--plan", TABLES, "--format", "json"),
    ("check", "--plan", "plans/awards.yaml#views", "--no-verify", "--no-cache",
     "--format=text"),
    ("check", "--commit", "HEAD"), ("check", "--commit=HEAD", "--format", "json"),
    ("check", "--commit", "no-such-rev"),
])
def test_the_same_answer_as_click(staged: Repo, args: tuple[str, ...]) -> None:
    code, out, err = _both(staged, *args)
    if "--plan" in args or any(a.startswith("--plan=") for a in args):
        assert code in (1, 2) and (DRIFT in out + err or "missing.yaml" in err)


def test_commit_msg_the_same_as_click(staged: Repo, tmp_path: Path) -> None:
    message = tmp_path / "MSG"
    message.write_text(f"Add awards\n\nPlan: {TABLES}\n")
    code, out, err = _both(staged, "hook", "commit-msg", str(message))
    assert code == 1 and f"drift      {DRIFT}" in out + err
    staged.git("reset", "-q", DRIFT)
    code, out, _ = _both(staged, "hook", "commit-msg", str(message))
    assert code == 0 and "1 in scope, 0 drift" in out
    message.write_text("Add awards\n")
    assert _both(staged, "hook", "commit-msg", str(message))[0] != 0  # names no plan


def test_outside_a_repository_the_same_error(tmp_path: Path, awards: Repo,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    monkeypatch.chdir(outside)
    code, _, err = _both(awards, "hook", "pre-commit")
    assert code == 2 and err.startswith("planscope: error: not inside a git repository")


@pytest.mark.parametrize("args", [
    (), ("--version",), ("hook",), ("hook", "pre-push", "a", "b", "c"),
    ("hook", "pre-commit", "--help"),
    ("hook", "pre-commit", "extra"), ("hook", "commit-msg", "a", "b"),
    ("hook", "pre-commit", "--plan"), ("hook", "pre-commit", "--plan", "--no-verify"),
    ("hook", "pre-commit", "--", "x"), ("check", "--base", "main"), ("check", "--range", "a..b"),
    ("check", "--format", "github"), ("check", "--bogus"), ("check", "file.py"),
    ("check", "-h"), ("validate",), ("check", "--commit", "HEAD", "--staged"),
    ("check", "--commit"),
])
def test_everything_else_goes_to_click(args: tuple[str, ...]) -> None:
    assert main.fast(args) is None


def test_a_folder_as_message_file_goes_to_click(staged: Repo) -> None:
    assert main.fast(("hook", "commit-msg", "app")) is None
    assert main.fast(("hook", "commit-msg", "no-such-file")) is not None
    assert staged.planscope("hook", "commit-msg", "app").code == 2  # click's usage error


def _imported(repo: Repo, *args: str) -> set[str]:
    proc = subprocess.run((sys.executable, "-X", "importtime", "-m", "checker", *args),
                          cwd=repo.path, capture_output=True, text=True, timeout=120,
                          check=False)
    return {line.split("|")[-1].strip() for line in proc.stderr.splitlines()
            if line.startswith("import time:")}


def test_a_warm_hook_imports_neither_click_nor_yaml(staged: Repo) -> None:
    staged.git("reset", "-q", DRIFT)
    heavy = {"click", "yaml", "jsonschema", "anthropic"}  # (coverage itself reads tomllib)
    cold = _imported(staged, "check", "--staged", "--plan", TABLES)
    assert "yaml" in cold and "click" not in cold  # the plan was built: parsed once
    for args in (("check", "--staged", "--plan", TABLES), ("hook", "pre-commit")):
        assert not heavy & _imported(staged, *args), args
    assert "click" in _imported(staged, "check", "--help")


def test_pre_push_the_same_as_click(remote: Path, awards: Repo,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(awards.path)
    awards.write("README.md", "# drift\n")
    awards.commit("drift", plan=TABLES)
    head, base = awards.head(), awards.git("rev-parse", "HEAD~1").strip()
    lines = f"refs/heads/main {head} refs/heads/main {base}\n"
    for args in (("hook", "pre-push", "origin", str(remote)), ("hook", "pre-push")):
        call = main.fast(args)
        assert call is not None
        monkeypatch.setattr("sys.stdin", _Stdin(lines))
        fast = output.guarded(call)
        clicked = awards.clicked(*args, stdin=lines)
        assert (fast.code, fast.stdout, fast.stderr) == (clicked.code, clicked.out, clicked.err)
        assert fast.code == 1 and "README.md" in fast.stdout + fast.stderr


class _Stdin:
    def __init__(self, text: str) -> None:
        import io

        self.buffer = io.BytesIO(text.encode())

    def isatty(self) -> bool:
        return False


def _edit(repo: Repo, path: str) -> str:
    return json.dumps({"hook_event_name": "PreToolUse", "tool_name": "Edit",
                       "cwd": str(repo.path), "tool_input": {"file_path": str(repo.path / path),
                                                             "old_string": "a",
                                                             "new_string": "b"}})


@pytest.mark.parametrize(("args", "path"), [
    (("guard",), "db/migrations/0042_awards.sql"), (("guard",), "README.md"),
    (("guard", "--deny-with", "json"), "README.md"),
    (("guard", "--deny-with=exit-code"), ".git/hooks/pre-commit"),
])
def test_the_guard_the_same_as_click(awards: Repo, monkeypatch: pytest.MonkeyPatch,
                                     args: tuple[str, ...], path: str) -> None:
    monkeypatch.chdir(awards.path)
    assert awards.planscope("use", TABLES).code == 0
    call = main.fast(args)
    assert call is not None
    monkeypatch.setattr("sys.stdin", _Stdin(_edit(awards, path)))
    fast = output.guarded(call)
    clicked = awards.clicked(*args, stdin=_edit(awards, path))
    assert (fast.code, fast.stdout, fast.stderr) == (clicked.code, clicked.out, clicked.err)
    allowed = fast.code == 0 and '"deny"' not in fast.stdout  # json: a refusal exits 0
    assert allowed == path.startswith("db/"), fast


def test_the_guard_imports_neither_click_nor_yaml_when_rules_are_unchanged(awards: Repo) -> None:
    assert awards.planscope("use", TABLES).code == 0
    edit = _edit(awards, "db/migrations/0042_awards.sql")
    for _ in range(2):  # the first call builds the rules; the second finds them
        proc = subprocess.run((sys.executable, "-X", "importtime", "-m", "checker", "guard"),
                              cwd=awards.path, input=edit, capture_output=True, text=True,
                              timeout=120, check=False)
        assert proc.returncode == 0, proc.stderr
    loaded = {line.split("|")[-1].strip() for line in proc.stderr.splitlines()
              if line.startswith("import time:")}
    heavy = {"click", "yaml", "jsonschema", "anthropic", "shlex"}
    if "coverage" not in loaded:  # (coverage, measuring the process, imports these itself)
        heavy |= {"dataclasses", "hashlib"}
    assert not loaded & heavy, loaded & heavy


def test_the_commit_message_hook_asks_git_eight_times(staged: Repo, tmp_path: Path) -> None:
    """One config read, HEAD resolved once, the config and the plans listed and read
    together: git is started 8 times for a commit message (it was 14)."""
    staged.git("reset", "-q", DRIFT)
    shim = tmp_path / "bin"
    shim.mkdir()
    log = tmp_path / "git.log"
    real = shutil.which("git")
    (shim / "git").write_text(f'#!/bin/sh\necho "$1" >> "{log}"\nexec "{real}" "$@"\n')
    (shim / "git").chmod(0o755)
    message = tmp_path / "MSG"
    message.write_text(f"Add awards\n\nPlan: {TABLES}\n")
    env = {**os.environ, "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run((sys.executable, "-m", "checker", "hook", "commit-msg", str(message)),
                          cwd=staged.path, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    calls = log.read_text().split()
    assert len(calls) <= 8 and calls.count("config") == 1, calls
