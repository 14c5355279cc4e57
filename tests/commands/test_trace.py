"""`planscope trace` (checker/commands/trace.py)."""

from __future__ import annotations

from tests.conftest import Repo


def test_trace_a_file_touched_by_two_slices(awards: Repo) -> None:
    awards.write("app/models/__init__.py", "tables\n")
    first = awards.commit("models for tables", plan="plans/awards.yaml#tables")
    awards.write("app/models/__init__.py", "views\n")
    second = awards.commit("models for views", plan="plans/awards.yaml#views")
    plan = (
        (awards.path / "plans/awards.yaml")
        .read_text()
        .replace("app/models/member.py", "app/models/ (members live there)")
    )
    awards.write("plans/awards.yaml", plan)
    r = awards.planscope("trace", "app/models/__init__.py")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0] == f"{second[:9]} models for views  [plans/awards.yaml#views]"
    assert lines[1] == "    app/models/__init__.py (drift)"
    assert lines[3] == f"{first[:9]} models for tables  [plans/awards.yaml#tables]"
    assert lines[4] == "    app/models/__init__.py (files.modify)"
    assert lines[5] == "        assumption: Members are stored in app/models/ (members live there)"
    initial = awards.git("rev-list", "--max-parents=0", "HEAD").strip()
    assert lines[-2:] == [f"{initial[:9]} Initial  [Plan: none]", "    app/models/__init__.py"]
    r = awards.planscope("trace", "--commit", first)
    assert r.out.splitlines()[1] == "    app/models/__init__.py (files.modify)"
    assert awards.planscope("trace").code == 2
