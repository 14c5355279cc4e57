"""`planscope init` (checker/commands/init.py)."""

from __future__ import annotations

from tests.conftest import Repo


def test_init_new_validate(repo: Repo) -> None:
    r = repo.planscope("init")
    assert r.code == 0, r.err
    assert "wrote .planscope.yaml" in r.out and "wrote plans/example.yaml" in r.out
    assert "default_install_hook_types" in r.out and "fetch-depth: 0" in r.out
    assert (repo.path / "schemas/plan.schema.json").is_file()
    r = repo.planscope("new", "Awards: the dashboard!", "--slices", "3")
    assert (r.code, r.out.strip()) == (0, "plans/awards-the-dashboard.yaml")
    text = (repo.path / "plans/awards-the-dashboard.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../schemas/plan.schema.json\n")
    assert "status: draft" in text and "id: s3" in text and "depends_on: [s2]" in text
    r = repo.planscope("validate")
    assert r.code == 0, r.err
    assert r.out.splitlines() == [
        "plans/awards-the-dashboard.yaml: ok (3 slices)",
        "plans/example.yaml: ok (1 slice)",
    ]


def test_init_refuses_to_overwrite(repo: Repo) -> None:
    repo.write(".planscope.yaml", "on_drift: warn\n")
    r = repo.planscope("init")
    assert r.code == 2 and ".planscope.yaml: already exist" in r.err
    assert (repo.path / ".planscope.yaml").read_text() == "on_drift: warn\n"
    assert not (repo.path / "plans/example.yaml").exists()
    assert repo.planscope("init", "--force").code == 0
    assert "on_drift: block" in (repo.path / ".planscope.yaml").read_text()
