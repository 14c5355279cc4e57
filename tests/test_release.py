"""Release hygiene: one version, a changelog entry for it, a licence, docs that pin the
release, and this repository's own hooks run through its own .pre-commit-config.yaml."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import yaml

import checker
from checker.rules import config as config_mod

TOP = Path(checker.__file__).resolve().parent.parent


def test_the_version_is_written_once() -> None:
    pyproject = (TOP / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in pyproject and "\nversion =" not in pyproject
    assert 'path = "checker/__init__.py"' in pyproject
    assert importlib.metadata.version("planscope") == checker.__version__


def test_the_changelog_has_the_release_and_the_licence_is_there() -> None:
    changelog = (TOP / "CHANGELOG.md").read_text()
    assert re.search(rf"^## {re.escape(checker.__version__)} — \d{{4}}-\d\d-\d\d$",
                     changelog, re.M)
    assert "## Unreleased" in changelog
    assert (TOP / "LICENSE").read_text().startswith("MIT License")
    assert 'license = "MIT"' in (TOP / "pyproject.toml").read_text()


def test_the_docs_pin_this_release() -> None:
    pins = [(p.name, pin) for p in [*(TOP / "docs").glob("*.md"), TOP / "README.md"]
            for pin in re.findall(r"rev: (\S+)", p.read_text())]
    assert pins and all(pin == f"v{checker.__version__}" for _, pin in pins), pins


def test_this_repository_runs_its_own_hooks_with_require_plan() -> None:
    own = yaml.safe_load((TOP / ".pre-commit-config.yaml").read_text())
    published = {h["id"]: h for h in yaml.safe_load((TOP / ".pre-commit-hooks.yaml")
                                                      .read_text())}
    (local,) = own["repos"]
    assert local["repo"] == "local"
    hooks = {h["id"]: h for h in local["hooks"]}
    assert set(hooks) == set(published)
    for hook_id, hook in hooks.items():
        assert hook["entry"] == ".venv/bin/" + published[hook_id]["entry"]
        for key in ("stages", "pass_filenames", "always_run", "require_serial"):
            assert hook[key] == published[hook_id][key], (hook_id, key)
    done = subprocess.run([sys.executable, "-m", "pre_commit", "validate-config",
                           str(TOP / ".pre-commit-config.yaml")],
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert config_mod.load(TOP).require_plan is True
