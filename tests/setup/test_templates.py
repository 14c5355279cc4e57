"""What init and new write (checker/templates.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.errors import BadInput
from checker.rules import plan
from checker.rules.config import Config
from checker.setup import templates
from tests.conftest import Repo


def test_slug() -> None:
    assert templates.slug("Community Awards: Dashboard!") == "community-awards-dashboard"
    assert len(templates.slug("x" * 100)) == 60


def test_a_new_plan_is_valid_and_lists_its_slices(repo: Repo) -> None:
    rel = templates.write_new(repo.path, Config(), 'Say "hi"', None, 3)
    assert rel == "plans/say-hi.yaml"
    loaded = plan.load(repo.path, rel)
    assert loaded.title == 'Say "hi"' and [s.id for s in loaded.slices] == ["s1", "s2", "s3"]
    assert loaded.slices[2].depends_on == ("s2",)
    assert (repo.path / rel).read_text().startswith(
        "# yaml-language-server: $schema=../schemas/plan.schema.json\n")


@pytest.mark.parametrize(("plan_id", "slices", "message"), [
    ("Bad Id", 1, "use lowercase letters, digits and dashes"),
    ("ok", 0, "--slices must be at least 1"),
])
def test_new_refuses_bad_arguments(repo: Repo, plan_id: str, slices: int, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        templates.write_new(repo.path, Config(), "T", plan_id, slices)


def test_init_writes_a_valid_config_and_plan(tmp_path: Path) -> None:
    written = templates.init(tmp_path, Config(plans_dir="work/plans"), force=False)
    assert written == [".planscope.yaml", "work/plans/example.yaml", "schemas/plan.schema.json"]
    assert "plans_dir: work/plans" in (tmp_path / ".planscope.yaml").read_text()
    assert plan.load(tmp_path, "work/plans/example.yaml").id == "example"


def test_the_example_plan_forbids_nothing_outside_its_slice(repo: Repo) -> None:
    """Committed as init writes it, the example judges only commits that claim it: its
    forbids are its slice's, not the repository's."""
    repo.write("README.md", "# r\n")
    repo.commit("start", "README.md")
    assert repo.planscope("init").code == 0
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Adopt planscope")
    example = plan.load(repo.path, "plans/example.yaml")
    assert example.forbid == () and example.slices[0].forbid == ("**/*.pem", ".env*")
    r = repo.planscope("explain", ".env.local", "keys/server.pem")
    assert "forbidden" not in r.out and r.out.count("unclaimed") == 2, r.out + r.err
