"""The server-side gate (checker/commands/receive.py): hooks/pre-receive and hooks/update
installed in a real bare repository, pushed to with the real ``git push``. The rules are
the receiving repository's default branch's, whatever the push brings."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import AWARDS_PLAN, Repo

CHECKOUT = Path(__file__).resolve().parents[2]
TABLES = "plans/awards.yaml#tables"
PLANSCOPE = str(Path(sys.executable).parent / "planscope")


def _git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return subprocess.run(("git", *args), cwd=cwd, capture_output=True, text=True,
                          check=check, env=env, timeout=120)


def _install(server: Path, name: str) -> None:
    text = (CHECKOUT / "hooks" / name).read_text()
    hook = server / "hooks" / name
    hook.write_text(text.replace("INSTALL_PLANSCOPE=''", f"INSTALL_PLANSCOPE='{PLANSCOPE}'"))
    hook.chmod(0o755)


@pytest.fixture(params=["pre-receive", "update"])
def served(request: pytest.FixtureRequest, awards: Repo, tmp_path: Path) -> tuple[Repo, Path]:
    """The awards repository pushed to a bare server repository whose hook runs planscope;
    the clone's own hooks are not installed: only the server judges."""
    server = tmp_path / "server.git"
    _git(tmp_path, "init", "-q", "--bare", "-b", "main", str(server))
    awards.git("remote", "add", "origin", str(server))
    awards.git("push", "-q", "origin", "main")
    _install(server, request.param)
    return awards, server


def push(repo: Repo, *refspecs: str) -> subprocess.CompletedProcess[str]:
    return _git(repo.path, "push", "origin", *refspecs, check=False)


def server_has(server: Path, ref: str) -> str:
    return _git(server, "rev-parse", "--verify", "--quiet", ref, check=False).stdout.strip()


def test_a_forbidden_commit_is_refused_by_the_server(served: tuple[Repo, Path]) -> None:
    repo, server = served
    before = server_has(server, "refs/heads/main")
    repo.write("app/auth/session.py", "# slipped in\n")
    bad = repo.commit("auth, with --no-verify on the laptop", plan=TABLES)
    r = push(repo, "main")
    assert r.returncode != 0, r.stderr
    assert f"remote: planscope: {bad[:9]} 'auth, with --no-verify on the laptop': forbidden " \
           f"app/auth/session.py" in r.stderr
    assert server_has(server, "refs/heads/main") == before  # nothing landed


def test_an_in_scope_push_lands(served: tuple[Repo, Path]) -> None:
    repo, server = served
    repo.write("db/migrations/0042_awards.sql", "create table awards;\n")
    sha = repo.commit("the table", plan=TABLES)
    r = push(repo, "main")
    assert r.returncode == 0, r.stderr
    assert "planscope: ok: 1 commit(s) inside their plan slices" in r.stderr
    assert server_has(server, "refs/heads/main") == sha


def test_rules_the_push_brings_do_not_judge_it(served: tuple[Repo, Path]) -> None:
    """The push widens its slice and relaxes the config in one commit, then uses it: the
    server judges by its default branch's rules."""
    repo, _server = served
    repo.write("plans/awards.yaml", AWARDS_PLAN.replace("forbid: [app/auth/**, \"**/*.pem\"]",
                                                        "forbid: []").replace(
        "    allow: [tests/**/test_awards*.py]", "    allow: ['**']"))
    repo.commit("widen", plan="none")
    repo.write("app/auth/session.py", "# now 'allowed'\n")
    repo.commit("auth", plan=TABLES)
    r = push(repo, "main")
    assert r.returncode != 0 and "forbidden app/auth/session.py" in r.stderr, r.stderr


def test_a_plan_the_push_adds_is_no_plan_yet(served: tuple[Repo, Path]) -> None:
    repo, server = served
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("plans/mine.yaml", "version: 1\nid: mine\ntitle: Mine\nstatus: approved\n"
               "slices:\n  - {id: all, title: All, files: {create: [anything.py]}, "
               "allow: ['**']}\n")
    repo.write("anything.py", "x\n")
    repo.commit("a plan and its work", plan="plans/mine.yaml#all")
    r = push(repo, "feature")
    assert r.returncode != 0 and "no such plan file at" in r.stderr, r.stderr
    assert server_has(server, "refs/heads/feature") == ""


def test_the_branch_pushed_to_claims_a_commit_without_a_trailer(
        served: tuple[Repo, Path]) -> None:
    repo, _server = served
    repo.git("checkout", "-q", "-b", "plan/awards-dashboard/tables")
    repo.write("db/migrations/0042_awards.sql", "create table awards;\n")
    repo.commit("the table, no trailer")
    assert push(repo, "plan/awards-dashboard/tables").returncode == 0
    repo.write("app/views/home.py", "# drift\n")
    repo.commit("a view, no trailer")
    r = push(repo, "HEAD:refs/heads/elsewhere")  # the same commits to a branch naming no slice
    assert r.returncode != 0 and "no plan claims this change" in r.stderr


def test_deleting_a_ref_is_no_commit(served: tuple[Repo, Path]) -> None:
    repo, server = served
    repo.git("checkout", "-q", "-b", "tmp")
    assert push(repo, "tmp").returncode == 0
    assert push(repo, ":tmp").returncode == 0
    assert server_has(server, "refs/heads/tmp") == ""


def test_the_default_branch_is_never_moved_back_or_deleted(served: tuple[Repo, Path]) -> None:
    """A rewind would undo commits no check sees (a maintainer's fix to a forbidden path)."""
    repo, server = served
    start = repo.head()
    repo.write("db/migrations/0042_awards.sql", "create table awards;\n")
    landed = repo.commit("the table", plan=TABLES)
    assert push(repo, "main").returncode == 0
    _git(server, "config", "receive.denyDeleteCurrent", "ignore")  # git's own refusal off
    for refspec in (f"+{start}:refs/heads/main", ":refs/heads/main"):
        r = push(repo, refspec)
        assert r.returncode != 0 and "moves the default branch back or rewrites it" in \
            r.stderr, (refspec, r.stderr)
        assert server_has(server, "refs/heads/main") == landed
    repo.git("checkout", "-q", "-b", "side", start)
    assert push(repo, "side").returncode == 0
    assert push(repo, f"+{start}:refs/heads/side").returncode == 0  # other branches may move


def test_a_commit_already_on_another_branch_is_judged_again_by_todays_rules(
        served: tuple[Repo, Path]) -> None:
    """Pushed to a side branch while the rules allowed it; the default branch's rules then
    forbid its path; merged into the default branch, it is judged by those."""
    repo, server = served
    start = repo.head()
    repo.git("checkout", "-q", "-b", "wip")
    repo.write("db/migrations/0042_awards.sql", "create table awards;\n")
    repo.commit("the table", plan=TABLES)
    assert push(repo, "wip").returncode == 0
    repo.git("checkout", "-q", "main")
    repo.write(".planscope.yaml", (repo.path / ".planscope.yaml").read_text()
               + "forbid: [db/migrations/0042_awards.sql]\n")
    tightened = repo.commit("forbid that table", plan="none")
    _git(server, "fetch", "-q", str(repo.path), "+main:refs/heads/main")  # a trusted change
    assert server_has(server, "refs/heads/main") == tightened and start != tightened
    repo.git("merge", "-q", "--no-ff", "--no-edit", "wip")
    r = push(repo, "main")
    assert r.returncode != 0 and "forbidden db/migrations/0042_awards.sql" in r.stderr, \
        r.stderr
    assert server_has(server, "refs/heads/main") == tightened


def test_a_server_without_planscope_refuses(awards: Repo, tmp_path: Path) -> None:
    server = tmp_path / "server.git"
    _git(tmp_path, "init", "-q", "--bare", "-b", "main", str(server))
    hook = server / "hooks" / "pre-receive"
    shutil.copy(CHECKOUT / "hooks" / "pre-receive", hook)
    awards.git("remote", "add", "origin", str(server))
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["PATH"] = "/usr/bin:/bin"  # no planscope, and a python3 without it
    r = subprocess.run(("git", "push", "origin", "main"), cwd=awards.path, capture_output=True,
                       text=True, env=env, check=False, timeout=120)
    assert r.returncode != 0 and "until then pushes are refused" in r.stderr


def test_bad_input_is_one_line(awards: Repo) -> None:
    r = awards.planscope("hook", "update", "refs/heads/main", "nope", "nope")
    assert r.code == 2 and "expected REF OLD NEW" in r.err
    r = awards.planscope("hook", "pre-receive", stdin="garbage\n")
    assert r.code == 2 and "line 1 is not 'OLD NEW REF'" in r.err
