"""A merge is judged by what it adds that none of its parents had (checker/merges.py), in
every entry point: --commit, --range, --base, pre-push, the pull request check and the hook
of the merge being committed. A clean merge adds nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.git import diffs, merges
from tests.actions import Gh, open_pr, pr_payload
from tests.commands.test_hooks import cli, git
from tests.conftest import Repo

TABLES = "plans/awards.yaml#tables"
VIEWS = "plans/awards.yaml#views"
ZERO = "0" * 40


def side_and_main(repo: Repo) -> None:
    """A branch 'side' with a view, main with a model change: they merge cleanly."""
    repo.git("switch", "-q", "-c", "side")
    repo.write("app/views/awards.py", "view\n")
    repo.commit("A view", plan=VIEWS)
    repo.git("switch", "-q", "main")
    repo.write("app/models/__init__.py", "models\n")
    repo.commit("Models", plan=TABLES)


def evil_merge(repo: Repo, path: str = "app/auth/session.py", plan: str | None = None) -> str:
    """Merge 'side' into the current branch and, in the merge commit itself, edit ``path``."""
    repo.git("merge", "-q", "--no-ff", "--no-commit", "side")
    repo.write(path, "slipped in by the merge\n")
    repo.git("add", "-A")
    message = "Merge side" + (f"\n\nPlan: {plan}" if plan else "")
    repo.git("commit", "-q", "--no-verify", "-m", message)
    return repo.head()


def maintainer_fixes_auth(repo: Repo, back_to: str) -> None:
    """On main, a maintainer's fix to the forbidden app/auth/session.py; then ``back_to``."""
    repo.git("switch", "-q", "main")
    repo.write("app/auth/session.py", "# the fix\n")
    repo.git("commit", "-qam", "Fix, by a maintainer", "--no-verify")
    repo.git("switch", "-q", back_to)


def own(repo: Repo, sha: str) -> list[str]:
    parents = repo.git("log", "-1", "--format=%P", sha).split()
    return sorted(p for c in merges.own_changes(repo.path, parents, sha)[1] for p in c.paths)


def test_what_a_merge_adds(awards: Repo) -> None:
    side_and_main(awards)
    awards.git("merge", "-q", "--no-ff", "-m", "Merge side", "side")
    assert own(awards, awards.head()) == []  # clean
    awards.git("reset", "-q", "--hard", "HEAD~1")
    assert own(awards, evil_merge(awards)) == ["app/auth/session.py"]
    awards.git("reset", "-q", "--hard", "HEAD~1")
    # both sides change one file in different places: git merges it; still nothing added
    awards.write("app/views/__init__.py", "# views\n\n\n\n\nmain\n")
    awards.commit("main edits views", plan=VIEWS)
    awards.git("switch", "-q", "side")
    awards.write("app/views/__init__.py", "side\n# views\n")
    awards.commit("side edits views", plan=VIEWS)
    awards.git("switch", "-q", "main")
    awards.git("merge", "-q", "--no-ff", "-m", "Merge side", "side")
    assert awards.path.joinpath("app/views/__init__.py").read_text() == \
        "side\n# views\n\n\n\n\nmain\n"
    assert own(awards, awards.head()) == []


def test_a_conflict_resolved_to_one_side_adds_nothing_new_code_does(awards: Repo) -> None:
    awards.git("switch", "-q", "-c", "side")
    awards.write("app/models/__init__.py", "side\n")
    awards.commit("side", plan=TABLES)
    awards.git("switch", "-q", "main")
    awards.write("app/models/__init__.py", "main\n")
    awards.commit("main", plan=TABLES)
    for resolution, expected in (("main\n", []), ("both\n", ["app/models/__init__.py"])):
        merge_head = awards.path / ".git" / "MERGE_HEAD"
        with pytest.raises(AssertionError):
            awards.git("merge", "-q", "side")  # conflicts
        assert merge_head.exists()
        awards.write("app/models/__init__.py", resolution)
        awards.git("add", "-A")
        awards.git("commit", "-q", "--no-verify", "--no-edit")
        assert own(awards, awards.head()) == expected
        awards.git("reset", "-q", "--hard", "HEAD~1")


def test_without_a_re_merge_every_path_changed_from_all_parents_counts(
        awards: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """An octopus, or a git before 2.38: git's combined diff."""
    side_and_main(awards)
    sha = evil_merge(awards)
    monkeypatch.setattr(diffs, "merge_tree", lambda *args: None)
    assert own(awards, sha) == ["app/auth/session.py"]


def test_range_and_commit(awards: Repo) -> None:
    side_and_main(awards)
    sha = evil_merge(awards, plan=TABLES)
    r = awards.planscope("check", "--range", "HEAD~2..HEAD")
    assert r.code == 1
    assert (f"planscope: FAIL: merge {sha[:9]} 'Merge side' against {TABLES} (from 'Plan:' "
            f"trailer of commit {sha[:9]}): 0 in scope, 0 drift, 1 forbidden") in r.out
    doc = json.loads(awards.planscope("check", "--commit", "HEAD", "--format", "json").out)
    assert doc["forbidden"] == ["app/auth/session.py"] and doc["changed"] == doc["forbidden"]


def test_base_and_pull_request_check(awards: Repo, gh: Gh) -> None:
    base = open_pr(awards)
    awards.git("switch", "-q", "-c", "side")
    awards.write("app/views/awards.py", "view\n")
    awards.commit("A view", plan=VIEWS)
    awards.git("switch", "-q", "feature")
    awards.write("app/models/__init__.py", "models\n")
    awards.commit("Models", plan=TABLES)
    sha = evil_merge(awards, "app/views/home.py", plan=TABLES)
    r = awards.planscope("check", "--base", "main")
    assert r.code == 1 and "planscope: result: drift" in r.out
    assert f"merge {sha[:9]}" in r.out and "drift      app/views/home.py (A)" in r.out
    ran = gh(awards, payload=pr_payload(awards, base))
    assert ran.code == 1 and ran.outputs["result"] == "drift"
    assert "app/views/home.py" in ran.errors()


def test_pre_push(awards: Repo, remote: Path) -> None:
    side_and_main(awards)
    evil_merge(awards, plan=TABLES)
    line = f"refs/heads/main {awards.head()} refs/heads/main {ZERO}\n"
    r = cli(awards, "hook", "pre-push", "origin", "url", stdin=line)
    assert r.code == 1
    assert "'Merge side': forbidden app/auth/session.py by 'app/auth/**'" in r.err


def test_the_merge_being_committed(hooked: Repo) -> None:
    side_and_main(hooked)
    hooked.git("merge", "-q", "--no-ff", "--no-commit", "side")
    hooked.write("app/auth/session.py", "slipped in\n")
    hooked.git("add", "-A")
    r = git(hooked, "commit", "-m", f"Merge side\n\nPlan: {TABLES}")
    assert r.code == 1
    assert "merge being committed against plans/awards.yaml#tables" in r.out + r.err
    assert "forbidden  app/auth/session.py (M)" in r.out + r.err
    hooked.git("checkout", "HEAD", "--", "app/auth/session.py")
    r = git(hooked, "commit", "-m", "Merge side")
    assert r.code == 0, r.err
    assert "a merge that adds nothing of its own" in r.out


def test_a_merge_that_keeps_its_side_where_git_takes_the_other_adds_that(awards: Repo) -> None:
    """main fixes a file; the branch merges main in and keeps its old version: where git
    merges cleanly, the result must be git's, so the merge undoes the fix itself."""
    awards.git("switch", "-q", "-c", "side")
    awards.write("app/views/awards.py", "view\n")
    awards.commit("A view", plan=VIEWS)
    maintainer_fixes_auth(awards, back_to="side")
    awards.git("merge", "-q", "--no-ff", "--no-commit", "main")
    awards.git("checkout", "HEAD", "--", "app/auth/session.py")
    awards.git("commit", "-q", "--no-verify", "-m", f"Merge main\n\nPlan: {VIEWS}")
    assert own(awards, awards.head()) == ["app/auth/session.py"]
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 1 and "forbidden  app/auth/session.py" in r.out


def test_a_merge_that_brings_back_a_path_its_first_parent_deleted(awards: Repo) -> None:
    awards.git("switch", "-q", "-c", "side")
    awards.write("app/auth/session.py", "# side edits it\n")
    awards.git("commit", "-qam", "side edit", "--no-verify")
    awards.git("switch", "-q", "main")
    awards.git("rm", "-q", "app/auth/session.py")
    awards.git("commit", "-qm", "Remove the session", "--no-verify")
    merged = git(awards, "merge", "-q", "--no-ff", "--no-commit", "side")
    assert merged.code == 1  # modify/delete: a conflict
    awards.git("checkout", "side", "--", "app/auth/session.py")  # the other side's version
    awards.git("commit", "-q", "--no-verify", "-m", f"Merge side\n\nPlan: {TABLES}")
    assert own(awards, awards.head()) == ["app/auth/session.py"]
    assert awards.planscope("check", "--commit", "HEAD").code == 1


def test_an_octopus_that_keeps_an_old_forbidden_file_adds_that(awards: Repo) -> None:
    """An octopus of the feature, main and another branch that keeps the feature's old
    version of a forbidden file undoes main's change to it: that is the merge's own."""
    start = awards.head()
    awards.git("switch", "-q", "-c", "feat")
    awards.write("db/awards.sql", "create table\n")
    feature = awards.commit("tables", plan=TABLES)
    awards.git("switch", "-q", "-c", "other", start)
    awards.write("app/models/__init__.py", "models\n")
    awards.commit("models", plan=TABLES)
    maintainer_fixes_auth(awards, back_to="feat")
    awards.git("checkout", "other", "--", "app/models/__init__.py")
    tree = awards.git("write-tree").strip()
    octopus = awards.git("commit-tree", tree, "-p", feature, "-p", "main", "-p", "other",
                         "-m", f"merge main and other\n\nPlan: {TABLES}").strip()
    awards.git("reset", "-q", "--hard", octopus)
    assert own(awards, octopus) == ["app/auth/session.py"]
    r = awards.planscope("check", "--base", "main")
    assert r.code == 1 and "forbidden  app/auth/session.py" in r.out, r.out
