"""Config (checker/config.py): .planscope.yaml or [tool.planscope], at a revision too."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.errors import BadInput
from checker.rules import config
from tests.conftest import Repo


def test_defaults_without_any_config(tmp_path: Path) -> None:
    cfg = config.load(tmp_path)
    assert cfg.plans_dir == "plans"
    assert cfg.require_plan is True
    assert cfg.on_drift == "verify"
    assert cfg.verify.model == "claude-sonnet-5-5"
    assert cfg.verify.timeout_s == 60
    assert "**/*.pem" in cfg.verify.secret_paths
    assert cfg.source is None


def test_yaml_config(tmp_path: Path) -> None:
    (tmp_path / ".planscope.yaml").write_text(
        "plans_dir: docs/plans/\nalways_allow: [CHANGELOG.md]\nexempt:\n  paths: [docs/**]\n"
        "  max_changed_lines: 5\non_drift: warn\nverify:\n  provider: command\n"
        "  command: [my-judge, --json]\n  timeout_s: 5\n"
    )
    cfg = config.load(tmp_path)
    assert cfg.plans_dir == "docs/plans"
    assert cfg.always_allow == ("CHANGELOG.md",)
    assert cfg.exempt_paths == ("docs/**",)
    assert cfg.exempt_max_changed_lines == 5
    assert cfg.on_drift == "warn"
    assert cfg.verify.command == ("my-judge", "--json")
    assert cfg.verify.timeout_s == 5.0
    assert cfg.source == ".planscope.yaml"


def test_pyproject_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.planscope]\non_drift = "block"\nrequire_plan = false\n'
    )
    cfg = config.load(tmp_path)
    assert (cfg.on_drift, cfg.require_plan) == ("block", False)
    assert cfg.source == "pyproject.toml [tool.planscope]"


def test_yaml_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.planscope]\non_drift = "block"\n')
    (tmp_path / ".planscope.yaml").write_text("on_drift: warn\n")
    assert config.load(tmp_path).on_drift == "warn"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("on_drift: maybe\n", ".planscope.yaml:1:11: on_drift: 'maybe' is not one of"),
        ("verify:\n  timeout: 3\n", ".planscope.yaml:2:3: verify.timeout: unknown key 'timeout'"),
        ("verify:\n  min_confidence: 2\n", ".planscope.yaml:2:19: verify.min_confidence: 2 is"),
        ("plans_dir: [a]\n", ".planscope.yaml:1:12: plans_dir: ['a'] is not of type 'string'"),
        ("on_drift: [\n", ".planscope.yaml:2:1: "),
        ("verify: {provider: command}\n", ".planscope.yaml: verify.provider is 'command' but"),
    ],
)
def test_bad_yaml_config(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / ".planscope.yaml").write_text(text)
    with pytest.raises(BadInput) as info:
        config.load(tmp_path)
    assert str(info.value).startswith(message), str(info.value)


def test_bad_pyproject_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.planscope]\nrequire_plan = "yes"\n')
    with pytest.raises(BadInput) as info:
        config.load(tmp_path)
    assert str(info.value) == (
        "pyproject.toml [tool.planscope]: require_plan: 'yes' is not of type 'boolean'"
    )
    (tmp_path / "pyproject.toml").write_text("[tool.planscope\n")
    with pytest.raises(BadInput, match=r"^pyproject.toml: "):
        config.load(tmp_path)


def test_config_at_a_revision(awards: Repo) -> None:
    from checker.rules import config

    first = awards.git("rev-parse", "HEAD").strip()
    awards.git("rm", "-q", ".planscope.yaml")
    awards.write("pyproject.toml", "[tool.planscope]\nrequire_plan = false\n")
    second = awards.commit("config in pyproject", plan="none")
    awards.write(".planscope.yaml", "on_drift: sometimes\n")  # broken, not committed
    assert config.load(awards.path, first).on_drift == "block"
    cfg = config.load(awards.path, second)
    assert cfg.require_plan is False and cfg.source == "pyproject.toml [tool.planscope]"
    (awards.path / ".planscope.yaml").unlink()
    awards.write("pyproject.toml", "[project]\nname = 'x'\n")
    third = awards.commit("no config", plan="none")
    assert config.load(awards.path, third) == config.Config()
    awards.write(".planscope.yaml", "on_drift: sometimes\n")
    fourth = awards.commit("bad config", plan="none")
    with pytest.raises(BadInput, match=r"\.planscope\.yaml:1:11: on_drift"):
        config.load(awards.path, fourth)
