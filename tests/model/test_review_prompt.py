"""What a reviewing model is asked, and how its reply is read (checker/review_prompt.py)."""

from __future__ import annotations

from typing import Any

import pytest

from checker.errors import VerifyUnavailable
from checker.model import review_prompt
from checker.model.hunks import FileDiff
from checker.rules.plan import Plan, Slice
from checker.rules.scope import ScopeResult, Touched
from tests.fake_api import data_blocks


def test_reply_policy() -> None:
    got = review_prompt.parse_reply({
        "matches_plan": True, "confidence": 0.8,
        "findings": [
            {"severity": "minor", "message": "ok", "path": " ", "line": True},
            {"severity": "fatal", "message": "odd\nseverity"},
            {"severity": "major"},  # no message: dropped
            "not an object",
        ],
        "missing_tests": ["a", 3, "a"], "unplanned_changes": None}, "m")
    assert got["findings"] == [
        {"severity": "minor", "message": "ok", "path": None, "line": None},
        {"severity": "blocker", "message": "odd severity (severity 'fatal' not understood: "
                                           "counted as a blocker)", "path": None, "line": None},
    ]
    assert got["missing_tests"] == ["a"] and got["unplanned_changes"] == []
    review = review_prompt.model_review(got)
    assert review.findings[1].severity == "blocker" and review.confidence == 0.8


@pytest.mark.parametrize(("reply", "said"), [
    ([], "expected an object"),
    ({"matches_plan": "yes", "confidence": 1}, "'matches_plan' is not true or false"),
    ({"matches_plan": True, "confidence": 2}, "'confidence' is not a number in [0, 1]"),
    ({"matches_plan": True, "confidence": 1, "findings": {}}, "'findings' is not a list"),
    ({"matches_plan": True, "confidence": 1, "missing_tests": "x"}, "'missing_tests' is not"),
])
def test_unusable_replies(reply: Any, said: str) -> None:
    with pytest.raises(VerifyUnavailable, match="malformed reply from m: " + said.replace(
            "[", r"\[").replace("]", r"\]")):
        review_prompt.parse_reply(reply, "m")


def test_the_prompt_names_every_changed_path_and_the_facts() -> None:
    plan = Plan("plans/p.yaml", "p", "P", "approved", (Slice("s", "S", "approved"),),
                summary="Why.", assumptions=("Members live in app/m.py",))
    scope = ScopeResult((), (Touched("a.py", "M"),), (Touched("b.py", "A"),), (), ("c.py",))
    files = [FileDiff("a.py", "M", "@@ -1 +1 @@\n-x\n+y\n"), FileDiff("b.py", "A", None,
                                                                     "binary file")]
    built = review_prompt.build_prompt(plan, plan.slices, scope, files, ("t.py",), 100)
    _, blocks, _ = data_blocks(built.user)
    assert '"a.py" (M) in the slice' in blocks["changed-paths"]
    assert '"b.py" (A) outside the slice' in blocks["changed-paths"]
    assert 'planned, not touched: "c.py"' in blocks["checked-separately"]
    assert 'planned test file, does not exist: "t.py"' in blocks["checked-separately"]
    assert blocks["content-not-shown"] == '"b.py" (A): binary file\n'
    assert 'diff "a.py" (M)' in blocks
    request = review_prompt.command_request(built, plan, plan.slices, scope, ("t.py",), "m")
    assert request["kind"] == "review" and request["checked_separately"]["untouched"] == ["c.py"]
