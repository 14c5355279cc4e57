"""Fixtures: real git repositories in temporary folders, planscope run in this process (or as
a process where a process boundary matters), and a fake Messages API on 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import pty
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import cli, main, output
from checker.git import process, repository
from tests import fake_api, gitignore, reviewing
from tests.actions import Gh

KEY = "sk-test-not-a-real-key"
TABLES = "plans/awards.yaml#tables"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/e2e/ is ``slow``: deselect it with ``-m 'not slow'``."""
    for item in items:
        if "e2e" in item.path.parts:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _isolated_git(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No user or system git config, no inherited GIT_* or model variables; an unexpected
    exception in planscope is raised (PLANSCOPE_DEBUG), never turned into exit 2."""
    for name in list(os.environ):
        if name.startswith(("GIT_", "ANTHROPIC_", "PLANSCOPE_", "PRE_COMMIT", "XDG_")):
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
    monkeypatch.setenv("PLANSCOPE_DEBUG", "1")


@dataclass
class Run:
    code: int
    out: str
    err: str


@contextlib.contextmanager
def _environment(env: Mapping[str, str | None] | None) -> Iterator[None]:
    """``os.environ`` with ``env`` applied (None removes a variable), as click's runner does."""
    saved = dict(os.environ)
    for key, value in (env or {}).items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _checked(run: Run) -> Run:
    assert "Traceback" not in run.err, run.err
    assert "internal error" not in run.err, run.err
    return run


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

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def write(self, rel: str, text: str | bytes = "x\n") -> Path:
        path = self.path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text) if text.startswith("\n") else text)
        return path

    def commit(self, message: str, *paths: str, plan: str | None = None) -> str:
        """Stage ``paths`` (everything when none) and commit; ``plan`` adds a Plan: trailer."""
        self.git("add", "-A", "--", *paths) if paths else self.git("add", "-A")
        if plan is not None:
            message = f"{message}\n\nPlan: {plan}"
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.head()

    def commit_rules(self, *paths: str) -> None:
        """Commit the rule files (``.planscope.yaml`` unless ``paths``) the working tree
        changed, in a commit of their own: what is committed next is judged by them (a commit
        is judged by the rules of its parent)."""
        paths = paths or (".planscope.yaml",)
        if self.git("status", "--porcelain", "--", *paths).strip():
            self.git("add", "--", *paths)
            self.git("commit", "-q", "-m", "rules\n\nPlan: none", "--", *paths)

    def rules_below_head(self, *paths: str) -> None:
        """Put the rule files the working tree changed (``.planscope.yaml`` unless ``paths``)
        in a commit just below HEAD, so that HEAD is judged by them again."""
        message = self.git("log", "-1", "--format=%B")
        self.git("reset", "-q", "--soft", "HEAD~1")
        self.commit_rules(*paths)
        self.git("commit", "-q", "--allow-empty", "-m", message)

    def planscope(self, *args: str, stdin: str | None = None, cwd: Path | None = None,
                  env: Mapping[str, str | None] | None = None) -> Run:
        """Run the CLI in this process, from ``cwd`` (default: the top), by the route the
        console script takes: ``checker.main`` for the commit hooks and ``check --staged``,
        click's runner for the rest (````clicked``: click's runner always)."""
        old = os.getcwd()
        os.chdir(cwd or self.path)
        repository.facts.cache_clear()  # what a new process would find
        try:
            call = None if stdin is not None else main.fast(args)
            if call is not None and main.quick_pass(args):
                return Run(0, "", "")
            if call is not None:
                with _environment(env), process.remembered():  # as checker.main runs it
                    outcome = output.guarded(call)
                return _checked(Run(outcome.code, outcome.stdout, outcome.stderr))
            return self.clicked(*args, stdin=stdin, env=env)
        finally:
            os.chdir(old)

    def clicked(self, *args: str, stdin: str | None = None,
                env: Mapping[str, str | None] | None = None) -> Run:
        """Run the CLI in this process through click's runner, from the current folder."""
        result = CliRunner().invoke(cli.main, list(args), input=stdin, env=env,
                                    catch_exceptions=False, prog_name="planscope")
        return _checked(Run(result.exit_code, result.stdout, result.stderr))

    def process(self, *args: str, stdin: str | None = None, cwd: Path | None = None,
                env: Mapping[str, str] | None = None) -> Run:
        """Run the CLI as a process, the way hooks and users do."""
        proc = subprocess.run(
            (sys.executable, "-m", "checker", *args), cwd=cwd or self.path, input=stdin,
            capture_output=True, text=True, check=False, timeout=120,
            env={**os.environ, **(env or {})},
        )
        return _checked(Run(proc.returncode, proc.stdout, proc.stderr))

    def under_a_framework(self, *args: str) -> Run:
        """Run the CLI the way the pre-commit framework runs a hook from a terminal: stdout and
        stderr are pipes, the terminal (a pseudo-terminal here) is only the controlling one;
        ``err`` is stderr, and what was drawn on the terminal is appended after a NUL."""
        master, slave = pty.openpty()
        name = os.ttyname(slave)
        os.close(slave)
        # a session of its own, whose controlling terminal is the pty (opened by name)
        start = ("import os, sys; os.setsid(); fd = os.open(sys.argv[1], os.O_RDWR); "
                 "os.execv(sys.executable, [sys.executable, '-m', 'checker', *sys.argv[2:]])")
        proc = subprocess.Popen((sys.executable, "-c", start, name, *args), cwd=self.path,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        out, err = proc.communicate(timeout=120)
        return Run(proc.returncode, out, err + "\0" + _drain(master))

    def on_a_terminal(self, *args: str) -> Run:
        """Run the CLI with stderr on a pseudo-terminal; ``err`` is what was drawn there."""
        master, slave = pty.openpty()
        proc = subprocess.Popen((sys.executable, "-m", "checker", *args), cwd=self.path,
                                stdout=subprocess.PIPE, stderr=slave, text=True)
        os.close(slave)
        out, _ = proc.communicate(timeout=120)
        return Run(proc.returncode, out, _drain(master))


def _drain(master: int) -> str:
    """What was written to a pseudo-terminal whose other end is closed; closes it."""
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
    return b"".join(chunks).decode("utf-8")


@pytest.fixture(scope="session")
def check_ignore(tmp_path_factory: pytest.TempPathFactory) -> gitignore.Git:
    """A scratch repository asking git which .gitignore line decides each path."""
    return gitignore.Git(tmp_path_factory.mktemp("check-ignore"))


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


@pytest.fixture
def sdk() -> None:
    """The SDK imported in this process before the test starts, so that no timing in the
    test includes the import (1 to 3 s on a busy machine)."""
    import anthropic  # noqa: F401


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[fake_api.FakeAPI]:
    """The fake Messages API; planscope (in process and as processes) is pointed at it and
    given a key."""
    with fake_api.running() as server:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
        yield server


OPENAI_KEY = "sk-test-openai"


@pytest.fixture
def gpt(monkeypatch: pytest.MonkeyPatch) -> Iterator[fake_api.FakeAPI]:
    """A fake OpenAI-compatible Chat Completions server (the same recording server); the
    openai provider is given a key, and its base URL comes from the config."""
    with fake_api.running() as server:
        monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
        monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
        yield server


@pytest.fixture
def gh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Gh:
    """Runs ``planscope check --format github`` with the variables a GitHub runner sets."""
    return Gh(tmp_path, monkeypatch)


@pytest.fixture
def planned(repo: Repo) -> Repo:
    """A repository with an app, the review tests' awards plan and a first commit on main."""
    repo.write("plans/awards.yaml", reviewing.PLAN)
    repo.write("app/models/__init__.py", "# models\n")
    repo.write("app/models/member.py", "class Member:\n    name = 'member-model-body'\n")
    repo.write("app/auth/session.py", "# auth\n")
    repo.write("app/views/__init__.py", "# views\n")
    repo.write("README.md", "# app\n")
    repo.commit("Initial", plan="none")
    reviewing.configure(repo)
    return repo


@pytest.fixture
def hooked(awards: Repo) -> Repo:
    """The awards repository with planscope's plain git hooks installed."""
    r = awards.planscope("install")
    assert r.code == 0, r.err
    return awards


@pytest.fixture
def remote(awards: Repo, tmp_path: Path) -> Path:
    """A bare repository as ``origin`` that already holds the first commit."""
    bare = tmp_path / "remote.git"
    subprocess.run(("git", "init", "-q", "--bare", str(bare)), check=True)
    awards.git("remote", "add", "origin", str(bare))
    awards.git("push", "-q", "--no-verify", "origin", "main")
    return bare
