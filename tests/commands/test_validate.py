"""`planscope validate` (checker/commands/validate.py)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Repo

MINIMAL = """\
version: 1
id: p
title: P
slices:
  - id: a
    title: A
    files: {modify: [src/a.py]}
"""


def test_validate_command(repo: Repo) -> None:
    repo.write("plans/good.yaml", MINIMAL.replace("id: p", "id: good"))
    repo.write("plans/twin.yaml", MINIMAL.replace("id: p", "id: good"))
    repo.write("plans/bad.yaml", MINIMAL.replace("version: 1", "version: one"))
    r = repo.planscope("validate")
    assert r.code == 2
    assert "plans/bad.yaml:1:10: version: 1 was expected" in r.err
    assert "plans/good.yaml:2:5: plan id 'good' is also used by plans/twin.yaml" in r.err
    r = repo.planscope("validate", "plans/good.yaml")
    assert r.code == 2 and "also used by plans/twin.yaml" in r.err
    (repo.path / "plans/twin.yaml").unlink()
    (repo.path / "plans/bad.yaml").unlink()
    repo.commit("plans")
    r = repo.planscope("validate")
    assert (r.code, r.out.strip()) == (0, "plans/good.yaml: ok (1 slice)")
    r = repo.planscope("validate", "--against", "HEAD")
    assert r.code == 1
    assert "plans/good.yaml:7:22: modify 'src/a.py' does not exist at HEAD" in r.out


def test_validate_from_a_subfolder_and_bad_revision(repo: Repo) -> None:
    repo.write("plans/good.yaml", MINIMAL)
    repo.write("src/a.py")
    repo.commit("init")
    r = repo.planscope("validate", "../plans/good.yaml", "--against", "HEAD", cwd=repo.path / "src")
    assert (r.code, r.out.strip()) == (0, "plans/good.yaml: ok (1 slice)")
    r = repo.planscope("validate", "--against", "nope")
    assert r.code == 2
    assert r.err.strip() == ("planscope: error: unknown revision 'nope' (not a commit in this "
                             "repository)")


def test_validate_outside_a_repository(tmp_path: Path) -> None:
    r = Repo(tmp_path).planscope("validate")
    assert r.code == 2 and r.err.startswith("planscope: error: not inside a git repository")
