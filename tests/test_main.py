"""The console entry (checker/main.py): the commit hooks and ``check --staged`` run without
click, with the output and exit code click's commands give; every other command line goes
to click."""

from __future__ import annotations

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
    ("check", "-h"), ("validate",),
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
