"""fixup!/squash!/amend! targets (checker/judge/claims.py)."""

from __future__ import annotations

from checker.git import formats
from checker.judge import claims as fixups


def test_fixup_targets() -> None:
    def commit(sha: str, subject: str) -> formats.Commit:
        return formats.Commit(sha * 40, (), subject, ())

    assert fixups.fixup_target("fixup! fixup! Add table") == ("fixup!", "Add table")
    assert fixups.fixup_target("squash! Add") == ("squash!", "Add")
    assert fixups.fixup_target("Add fixup! x") is None
    nearest_first = [commit("c", "fixup! Add table"), commit("b", "Add table twice"),
                     commit("a", "Add table")]
    found = [fixups.find_target(t, nearest_first) for t in ("Add table", "aaaa", "Add tab")]
    assert [c.sha[0] if c else None for c in found] == ["a", "a", "b"]
    assert fixups.find_target("Other", nearest_first) is None
