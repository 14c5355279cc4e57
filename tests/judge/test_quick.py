"""The pre-commit hook's quick answer (checker/quick.py): it passes only what the full check
would pass, and hands everything else to the full check."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from checker import stamp
from checker.git import formats
from checker.judge import adoption, quick
from checker.rules.scope import Touched
from tests import sealed
from tests.conftest import Repo

BRANCH = "plan/awards-dashboard/tables"
TICKET = Path(".git/planscope") / quick.TICKET


@pytest.fixture
def ticketed(awards: Repo) -> Repo:
    """On the tables slice's branch, a first in-scope commit checked by the full hook: the
    ticket is written."""
    awards.git("checkout", "-q", "-b", BRANCH)
    awards.write("db/migrations/0042_awards.sql", "create table awards ();\n")
    awards.git("add", "-A")
    assert not quick.passes(str(awards.path), {})  # no ticket yet
    assert awards.planscope("hook", "pre-commit").code == 0
    assert (awards.path / TICKET).is_file()
    awards.commit("tables")
    return awards


def _both(repo: Repo, env: dict[str, str] | None = None) -> tuple[bool, int]:
    """(the quick answer, the full check's exit code) for what is staged."""
    fast = quick.passes(str(repo.path), env or {})
    full = repo.clicked("hook", "pre-commit", env=env)  # click: the full check, always
    assert not fast or full.code == 0, full
    return fast, full.code


def test_an_in_scope_commit_passes_quickly(ticketed: Repo, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    monkeypatch.chdir(ticketed.path)
    ticketed.write("app/models/__init__.py", "# models, changed\n")
    ticketed.write("tests/unit/test_awards_x.py", "def test(): ...\n")
    ticketed.git("add", "-A")
    assert _both(ticketed) == (True, 0)
    assert ticketed.planscope("hook", "pre-commit").code == 0


@pytest.mark.parametrize("path", ["README.md", "app/auth/session.py", "keys/x.pem"])
def test_drift_and_forbidden_go_to_the_full_check(ticketed: Repo, path: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ticketed.path)
    ticketed.write(path, "changed\n")
    ticketed.git("add", "-A")
    assert _both(ticketed) == (False, 1)


def test_a_rename_out_of_the_slice_goes_to_the_full_check(ticketed: Repo,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.chdir(ticketed.path)
    ticketed.git("mv", "db/migrations/0042_awards.sql", "db/0042_awards.sql")
    assert _both(ticketed) == (False, 1)


def test_a_changed_rule_goes_to_the_full_check(ticketed: Repo,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ticketed.path)
    ticketed.write("app/models/__init__.py", "# changed\n")
    ticketed.git("add", "-A")
    assert _both(ticketed)[0]
    ticketed.git("reset", "-q")
    ticketed.write(".planscope.yaml", "on_drift: block\nforbid: [app/models/**]\n")
    ticketed.commit("forbid models", ".planscope.yaml", plan="none")
    ticketed.git("add", "app/models/__init__.py")
    assert _both(ticketed) == (False, 1)  # committed: the key changed
    ticketed.write(".planscope.yaml", "on_drift: block\n")
    ticketed.git("add", ".planscope.yaml")
    assert not _both(ticketed)[0]  # staged: a rule file in the change


def test_another_claim_goes_to_the_full_check(ticketed: Repo,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ticketed.path)
    ticketed.write("app/models/__init__.py", "# changed\n")
    ticketed.git("add", "-A")
    assert _both(ticketed)[0]
    assert _both(ticketed, {"PLANSCOPE_PLAN": "plans/awards.yaml#views"}) == (False, 1)
    ticketed.planscope("use", "plans/awards.yaml#views")
    assert _both(ticketed) == (False, 1)
    ticketed.planscope("use", "--clear")
    ticketed.git("checkout", "-q", "-b", "plan/awards-dashboard/views")
    assert _both(ticketed) == (False, 1)


def test_name_folding_and_merges_go_to_the_full_check(ticketed: Repo,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ticketed.path)
    ticketed.write("app/models/__init__.py", "# changed\n")
    ticketed.git("add", "-A")
    ticketed.git("config", "core.ignorecase", "true")
    assert not quick.passes(str(ticketed.path), {})
    ticketed.git("config", "--unset", "core.ignorecase")
    assert quick.passes(str(ticketed.path), {})
    (ticketed.path / ".git/MERGE_HEAD").write_text(ticketed.head() + "\n")
    assert not quick.passes(str(ticketed.path), {})


@pytest.mark.parametrize("text", ["", "{", "[]", '{"plans_dir": "plans"}',
                                  '{"plans_dir": 1, "key": null}'])
def test_a_broken_ticket_goes_to_the_full_check(ticketed: Repo, text: str) -> None:
    ticketed.write("app/models/__init__.py", "# changed\n")
    ticketed.git("add", "-A")
    sealed.write_raw(ticketed.path / TICKET, text.encode())
    assert not quick.passes(str(ticketed.path), {})


def test_a_ticket_planscope_did_not_write_is_not_read(ticketed: Repo, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Written by hand, or copied from another machine: the same content, no seal of ours."""
    ticketed.write("app/models/__init__.py", "# changed\n")
    ticketed.git("add", "-A")
    assert quick.passes(str(ticketed.path), {})
    path = ticketed.path / TICKET
    good = path.read_bytes()
    path.write_bytes(good.partition(b"\n")[2])  # the content without its seal
    assert not quick.passes(str(ticketed.path), {})
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "elsewhere"))  # another user's key
    path.write_bytes(good)
    assert not quick.passes(str(ticketed.path), {})


def test_a_ticket_with_other_patterns_is_not_trusted_blindly(ticketed: Repo) -> None:
    """The ticket holds the patterns; the key holds what they came from."""
    ticket = sealed.read(ticketed.path / TICKET)
    ticket["key"][3:] = ["tampered"]
    sealed.write(ticketed.path / TICKET, ticket)
    ticketed.write("app/models/__init__.py", "# changed\n")
    ticketed.git("add", "-A")
    assert not quick.passes(str(ticketed.path), {})


def test_outside_a_repository(tmp_path: Path) -> None:
    assert not quick.passes(str(tmp_path), {})


def test_touched_paths_are_the_ones_scope_counts(repo: Repo) -> None:
    names = ["a.py", "with space.py", "new\nline.py", "ü/ö.py", os.fsdecode(b"caf\xe9.txt")]
    for name in names:
        (repo.path / name).parent.mkdir(exist_ok=True)
        (repo.path / name).write_bytes(os.fsencode(name) * 20)
    repo.commit("init")
    repo.git("mv", "a.py", "b.py")
    repo.git("rm", "-q", "with space.py")
    repo.write("ü/ö.py", "changed\n")
    repo.write("new.py")
    repo.git("add", "-A")
    out = subprocess.run(("git", "diff", "--cached", "--name-status", "-z", "-M"),
                         cwd=repo.path, capture_output=True, check=True).stdout
    expected = [t.path for c in formats.parse_name_status(out) for t in Touched.of(c)]
    assert quick.touched(out) == expected
    assert "a.py" in expected and "b.py" in expected
    assert quick.touched(b"C100\0a.py\0c.py\0") == ["c.py"]  # a copy touches its new name


def test_the_rule_files_are_the_adoption_files() -> None:
    assert set(quick.RULE_FILES) == set(adoption.CONFIG_FILES)


def test_no_ticket_when_the_answer_rests_on_history(awards: Repo) -> None:
    """views depends_on tables: whether tables has landed is history, which a ticket does
    not hold (a reset or a rebuilt branch changes it)."""
    awards.git("checkout", "-q", "-b", "plan/awards-dashboard/views")
    awards.write("app/views/awards.py", "v\n")
    awards.git("add", "-A")
    assert awards.planscope("hook", "pre-commit").code == 0
    assert not (awards.path / TICKET).exists()


def test_what_the_key_cannot_tell_goes_to_the_full_check(ticketed: Repo) -> None:
    ticketed.write("app/models/__init__.py", "# changed\n")
    ticketed.git("add", "-A")
    assert quick.passes(str(ticketed.path), {})
    (ticketed.path / ".git/planscope/active").mkdir()  # unreadable, not absent
    assert not quick.passes(str(ticketed.path), {})
    (ticketed.path / ".git/planscope/active").rmdir()
    head = ticketed.path / ".git/HEAD"
    saved = head.read_text()
    head.write_text("ref: refs/heads/.invalid\n")  # what the reftable format leaves there
    assert not quick.passes(str(ticketed.path), {})
    head.write_text(saved)
    assert quick.passes(str(ticketed.path), {})


def test_every_module_is_in_the_key() -> None:
    names = {os.path.relpath(entry.split(":")[0], os.path.dirname(stamp.__file__))
             for entry in stamp.modules()}
    assert {"rules/handoff.py", "judge/order.py", "git/revs.py", "git/amend.py",
            "commands/hooks.py", "render/text.py", "stamp.py"} <= names
