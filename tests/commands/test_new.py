"""`planscope new` (checker/commands/new.py)."""

from __future__ import annotations

from tests.conftest import AWARDS_PLAN, Repo


def test_new_refuses_an_id_in_use(repo: Repo) -> None:
    repo.write("plans/other.yaml", AWARDS_PLAN)
    r = repo.planscope("new", "Something", "--id", "awards-dashboard")
    assert r.code == 2 and "plans/other.yaml: already uses the plan id 'awards-dashboard'" in r.err
    assert repo.planscope("new", "Something").code == 0
    r = repo.planscope("new", "Something")
    assert r.code == 2 and "plans/something.yaml: already exists" in r.err
    r = repo.planscope("new", "x", "--id", "Bad Id")
    assert r.code == 2 and "use lowercase letters" in r.err
