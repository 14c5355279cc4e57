"""fixup!/squash!/amend! targets (checker/fixups.py)."""

from __future__ import annotations

from checker.git import formats
from checker.judge import fixups


def test_fixup_targets() -> None:
    def commit(sha: str, subject: str) -> formats.Commit:
        return formats.Commit(sha * 40, (), subject, ())

    assert fixups.fixup_target("fixup! fixup! Add table") == ("fixup!", "Add table")
    assert fixups.fixup_target("squash! Add") == ("squash!", "Add")
    assert fixups.fixup_target("Add fixup! x") is None
    nearest_first = [commit("c", "fixup! Add table"), commit("b", "Add table twice"),
                     commit("a", "Add table")]
    assert fixups.find_target("Add table", nearest_first).sha[0] == "a"  # type: ignore[union-attr]
    assert fixups.find_target("aaaa", nearest_first).sha[0] == "a"  # type: ignore[union-attr]
    assert fixups.find_target("Add tab", nearest_first).sha[0] == "b"  # type: ignore[union-attr]
    assert fixups.find_target("Other", nearest_first) is None
