"""Adopting planscope on a repository with history (checker/adoption.py): the baseline,
the adoption commit, the adoption pull request."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from checker import event
from checker.judge import adoption, pull_request
from checker.judge.changes import Target
from checker.judge.pipeline import Options
from checker.rules import config, ruleschange
from tests.conftest import Repo


@pytest.fixture
def history(repo: Repo) -> Repo:
    """Ten commits of an app, no planscope."""
    for i in range(10):
        repo.write(f"app/module_{i % 3}.py", f"VERSION = {i}\n")
        repo.commit(f"work {i}")
    return repo


def adopt(repo: Repo) -> str:
    """planscope init, then the adoption commit; returns the baseline."""
    baseline = repo.head()
    r = repo.planscope("init")
    assert r.code == 0, r.err
    assert f"baseline: {baseline[:12]} (HEAD)" in r.out
    assert f"baseline: {baseline}\n" in (repo.path / ".planscope.yaml").read_text()
    return baseline


def test_the_adoption_commit_passes_its_own_hooks(history: Repo) -> None:
    adopt(history)
    assert history.planscope("install").code == 0
    history.git("add", "-A")
    proc = subprocess.run(("git", "commit", "-m", "Adopt planscope"), cwd=history.path,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert f"planscope: ok: staged changes: {adoption.NOTE}" in proc.stdout + proc.stderr
    r = history.planscope("check", "--commit", "HEAD")
    assert r.code == 0 and adoption.NOTE in r.out


def test_nothing_before_the_baseline_is_checked(history: Repo, tmp_path: Path) -> None:
    first = history.git("rev-list", "--max-parents=0", "HEAD").strip()
    baseline = adopt(history)
    history.commit("Adopt planscope")
    r = history.planscope("check", "--range", f"{first}..HEAD", "--format", "json")
    doc = json.loads(r.out)
    assert r.code == 0 and [c["notes"] for c in doc["commits"]] == [[adoption.NOTE]]
    r = history.planscope("check", "--commit", "HEAD~3")
    assert r.code == 0
    assert f"before planscope's baseline ({baseline[:9]}): not checked" in r.out
    bare = tmp_path / "fresh.git"
    subprocess.run(("git", "init", "-q", "--bare", str(bare)), check=True)
    line = f"refs/heads/main {history.head()} refs/heads/main {'0' * 40}\n"
    r = history.planscope("hook", "pre-push", "fresh", str(bare), stdin=line)
    assert r.code == 0, r.err
    assert r.out.splitlines() == [
        f"planscope: {history.head()[:9]} 'Adopt planscope': {adoption.NOTE}",
        "planscope: ok: 1 commit(s) inside their plan slices"]


def test_adoption_with_other_work_in_it_is_judged_as_usual(history: Repo) -> None:
    adopt(history)
    history.write("app/module_0.py", "sneaked in\n")
    history.commit("Adopt planscope, and a fix")
    r = history.planscope("check", "--commit", "HEAD")
    assert r.code == 2 and "no plan claims this change" in r.err


def test_later_config_changes_are_not_an_adoption(history: Repo) -> None:
    adopt(history)
    history.commit("Adopt planscope")
    history.write(".planscope.yaml", (history.path / ".planscope.yaml").read_text()
                  + "always_allow: ['**']\n")
    history.commit("Allow everything")
    r = history.planscope("check", "--commit", "HEAD")
    assert r.code == 2 and adoption.NOTE not in r.out


def test_the_adoption_pull_request_passes_with_a_notice(history: Repo) -> None:
    base = history.head()
    history.git("checkout", "-q", "-b", "adopt")
    adopt(history)
    history.commit("Adopt planscope")
    out = pull_request.judge(history.path, Target("base", base), Options(), event.Event())
    assert out.adopting and out.code == 0 and pull_request.result_word(out) == "pass"
    history.git("checkout", "-q", "main")
    history.git("merge", "-q", "--ff-only", "adopt")
    history.git("checkout", "-q", "-b", "work")
    history.write("app/module_1.py", "after adoption\n")
    history.commit("Work without a plan")
    out = pull_request.judge(history.path, Target("base", "main"), Options(), event.Event())
    assert not out.adopting and out.code == 2  # the rules apply once merged


def test_a_baseline_that_is_no_commit_is_bad_input(history: Repo) -> None:
    history.write(".planscope.yaml", f"baseline: {'ab' * 20}\n")
    history.commit("bad baseline")
    r = history.planscope("check", "--range", "HEAD~2..HEAD")
    assert r.code == 2
    assert r.err.startswith(f"planscope: error: .planscope.yaml: baseline {'ab' * 6} is not a "
                            f"commit in this repository\nplanscope: hint: ")
    assert config.load(history.path).baseline == "ab" * 20


def adopted_with(repo: Repo, line: str) -> str:
    """planscope init and the adoption commit, with ``line`` added to the config; its id."""
    adopt(repo)
    repo.write(".planscope.yaml", (repo.path / ".planscope.yaml").read_text() + line + "\n")
    return repo.commit("Adopt planscope")


def _judged(repo: Repo, base: str) -> pull_request.BranchResult:
    return pull_request.judge(repo.path, Target("base", base), Options(), event.Event())


def test_an_adoption_pull_request_with_other_work_is_judged_commit_by_commit(
        history: Repo) -> None:
    """The adoption passes by the rules it brings; a later commit of the same pull request
    is judged by them, as check --range and pre-push judge it."""
    base = history.head()
    history.git("checkout", "-q", "-b", "adopt")
    adopt(history)
    history.write(".planscope.yaml", (history.path / ".planscope.yaml").read_text()
                  + "forbid: [app/module_0.py]\n")
    history.commit("Adopt planscope")
    history.write("app/module_0.py", "sneaked in\n")
    history.commit("Sneak", plan="none")
    out = _judged(history, base)
    assert out.adopting and out.code != 0 and pull_request.result_word(out) == "forbidden"
    ranged = history.planscope("check", "--range", f"{base}..HEAD")
    assert ranged.code != 0 and "forbidden  app/module_0.py" in ranged.out


def test_a_root_commit_in_a_pull_request_whose_base_has_rules_adopts_nothing(
        history: Repo) -> None:
    base = adopted_with(history, "forbid: [app/**]")
    history.git("checkout", "-q", "--orphan", "fresh")
    history.git("rm", "-rqf", ".")
    history.write(".planscope.yaml", "on_drift: warn\n")  # only planscope's own file...
    history.commit("A new root that 'adopts' a relaxed config")
    history.git("merge", "-q", "--allow-unrelated-histories", "-s", "ours", "--no-edit", base)
    out = _judged(history, base)
    assert not out.adopting and out.code != 0, [r.notes for r in out.results]
    assert all(adoption.NOTE not in r.notes for r in out.results)


def test_a_config_deleted_and_added_again_adopts_nothing(history: Repo) -> None:
    base = adopted_with(history, "forbid: [app/module_1.py]")
    history.git("rm", "-q", ".planscope.yaml")
    history.commit("Drop planscope", plan="none")
    dropped = history.head()
    history.write(".planscope.yaml", "on_drift: warn\n")
    history.commit("A relaxed config")
    history.write("app/module_1.py", "forbidden by the rules in force\n")
    history.commit("Work", plan="none")
    assert adoption.last_rules(history.path, dropped) == base
    for args in (("--range", f"{base}..HEAD"), ("--base", base)):
        r = history.planscope("check", *args)
        assert r.code != 0 and adoption.NOTE not in r.out, (args, r.out)
    relaxed = history.planscope("check", "--commit", "HEAD~1")  # a rules change, not adoption
    assert relaxed.code == 0 and adoption.NOTE not in relaxed.out
    assert ruleschange.NOTE in relaxed.out
    # once the drop has landed, the rules in force are the last ones below it
    out = _judged(history, dropped)
    assert not out.adopting and out.code != 0
    assert any(t.path == "app/module_1.py" for r in out.results if r.scope
               for t in r.scope.forbidden)


def test_a_base_config_that_cannot_be_read_is_an_error_not_the_defaults(
        history: Repo) -> None:
    base = adopted_with(history, "forbid: [app/**]")
    blob = history.git("rev-parse", f"{base}:.planscope.yaml").strip()
    history.write("app/module_2.py", "x\n")
    history.commit("Work", plan="none")
    loose = history.path / ".git/objects" / blob[:2] / blob[2:]
    loose.chmod(0o644)
    loose.unlink()  # the object is gone: a damaged or partial clone
    r = history.planscope("check", "--base", base)
    assert r.code == 2 and ".planscope.yaml" in r.err, r.out + r.err


def test_a_config_spelt_another_way_in_pyproject_is_still_the_rules(repo: Repo) -> None:
    """TOML allows ``[tool."plan\\u0073cope"]``: the history reads the config the way the
    loader does, so dropping that table later is not a world without rules."""
    repo.write("pyproject.toml", '[project]\nname = "x"\n\n[tool."plan\\u0073cope"]\n'
               'require_plan = false\nforbid = ["secrets/**"]\n')
    repo.write("app.py", "x\n")
    ruled = repo.commit("rules in pyproject")
    assert config.load(repo.path).forbid == ("secrets/**",)
    repo.write("pyproject.toml", '[project]\nname = "x"\nversion = "2"\n')
    dropped = repo.commit("drop the table", plan="none")
    assert adoption.last_rules(repo.path, dropped) == ruled
    repo.write("secrets/k", "key\n")
    repo.commit("a secret", plan="none")
    r = repo.planscope("check", "--base", dropped)
    assert r.code == 1 and "forbidden  secrets/k" in r.out, r.out + r.err
