"""Fixtures: real git repositories in temporary folders, and planscope run as a process."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_git(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No user or system git config, no inherited GIT_* or model variables."""
    for name in list(os.environ):
        if name.startswith(("GIT_", "ANTHROPIC_", "PLANSCOPE_", "PRE_COMMIT")):
            monkeypatch.delenv(name)
    home = tmp_path_factory.mktemp("home")
    gitconfig = home / ".gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Test User\n\temail = test@example.com\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
        '[protocol "file"]\n\tallow = always\n'
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@dataclass
class Run:
    code: int
    out: str
    err: str


@dataclass
class Repo:
    """A real git repository in a temporary folder."""

    path: Path

    def git(self, *args: str, stdin: str | None = None) -> str:
        proc = subprocess.run(
            ("git", *args), cwd=self.path, input=stdin, capture_output=True, text=True, check=False
        )
        if proc.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
        return proc.stdout

    def write(self, rel: str, text: str = "x\n") -> Path:
        path = self.path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text)
        return path

    def commit(self, message: str, *paths: str, plan: str | None = None) -> str:
        """Stage ``paths`` (everything when none) and commit; ``plan`` adds a Plan: trailer."""
        self.git("add", "-A", "--", *paths) if paths else self.git("add", "-A")
        if plan is not None:
            message = f"{message}\n\nPlan: {plan}"
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD").strip()

    def planscope(self, *args: str, stdin: str | None = None, cwd: Path | None = None) -> Run:
        """Run the real CLI as a process, the way hooks and users do."""
        proc = subprocess.run(
            (sys.executable, "-m", "checker", *args),
            cwd=cwd or self.path,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert "Traceback" not in proc.stderr, proc.stderr
        return Run(proc.returncode, proc.stdout, proc.stderr)


    def on_a_terminal(self, *args: str) -> Run:
        """Run the CLI with stderr on a pseudo-terminal; ``err`` is what was drawn there."""
        master, slave = pty.openpty()
        proc = subprocess.Popen((sys.executable, "-m", "checker", *args), cwd=self.path,
                                stdout=subprocess.PIPE, stderr=slave, text=True)
        os.close(slave)
        out, _ = proc.communicate(timeout=60)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(master)
        return Run(proc.returncode, out, b"".join(chunks).decode("utf-8"))


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Repo]:
    path = tmp_path / "repo"
    path.mkdir()
    r = Repo(path)
    r.git("init", "-q")
    yield r


AWARDS_PLAN = """\
# yaml-language-server: $schema=../schemas/plan.schema.json
version: 1
id: awards-dashboard
title: Community awards dashboard
status: approved
summary: Members give each other awards.
assumptions:
  - Members are stored in app/models/member.py
forbid: [app/auth/**, "**/*.pem"]
slices:
  - id: tables
    title: New database tables
    files:
      create: [db/migrations/0042_awards.sql]
      modify: [app/models/__init__.py, app/auth/session.py]
    allow: [tests/**/test_awards*.py]
    tests:
      - path: tests/test_awards_migration.py
        covers: awards table migrates up and down
  - id: views
    title: Dashboard views
    files:
      create: [app/views/awards.py]
      modify: [app/views/__init__.py]
    depends_on: [tables]
"""


@pytest.fixture
def awards(repo: Repo) -> Repo:
    """A repo with an app, the awards plan, and a first commit."""
    repo.write("plans/awards.yaml", AWARDS_PLAN)
    repo.write("app/models/__init__.py", "# models\n")
    repo.write("app/auth/session.py", "# auth\n")
    repo.write("app/views/__init__.py", "# views\n")
    repo.write("README.md", "# app\n")
    repo.write(".planscope.yaml", "on_drift: block\n")
    repo.commit("Initial", plan="none")
    return repo
