"""Fixtures for the end-to-end tests: this checkout as a pre-commit hook repository, and one
pre-commit store per test process (the hook environment is built once)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Repo, Run

CHECKOUT = Path(__file__).resolve().parents[2]
SHIPPED = ("checker", "schemas", "hooks", "pyproject.toml", "README.md", ".pre-commit-hooks.yaml")


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A git repository holding this checkout's files (working tree state), committed:
    pre-commit clones a hook repository at a revision."""
    path = tmp_path_factory.mktemp("hook-repo")
    for name in SHIPPED:
        src = CHECKOUT / name
        if src.is_dir():
            shutil.copytree(src, path / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(src, path / name)
    env = _clean_env()
    ident = ("-c", "user.name=Hook Repo", "-c", "user.email=hooks@example.com",
             "-c", "commit.gpgsign=false")
    for args in (("init", "-q"), ("add", "-A"), (*ident, "commit", "-q", "-m", "planscope")):
        subprocess.run(("git", *args), cwd=path, env=env, check=True, capture_output=True)
    sha = subprocess.run(("git", "rev-parse", "HEAD"), cwd=path, env=env, check=True,
                         capture_output=True, text=True).stdout.strip()
    yield path, sha


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit store per test process: the hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def run(repo: Repo, home: Path, *args: str) -> Run:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    proc = subprocess.run(args, cwd=repo.path, env=env, capture_output=True, text=True,
                          check=False, timeout=600)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    return Run(proc.returncode, proc.stdout + proc.stderr, proc.stderr)
