"""`planscope plan-review` results as text and JSON (checker/render/plan_review.py)."""

from __future__ import annotations

import json

from checker.model.ask import Answer
from checker.model.readiness import READY, UNAVAILABLE, Opinion, Result
from checker.render import plan_review as show
from checker.rules.config import Reviewer
from checker.rules.plan import Plan, Slice

PLAN = Plan("plans/p.yaml", "p", "P", "review", (Slice("s", "S", "review"),))
A, B = Reviewer("a", "anthropic", "claude-a"), Reviewer("b", "command", "b", ("./judge",))


def test_ready_shows_the_reviewers_side_by_side() -> None:
    answer = Answer("anthropic", "claude-a", {}, cached=True)
    result = Result(PLAN, (A, B), 0.8, 0.25, verdict=READY, exit_code=0, spread=0.05,
                    opinions={"a": Opinion(A, 0.9, True, ("gap one",), (), answer),
                              "b": Opinion(B, 0.85, True, (), (), answer)})
    said = show.as_text(result)
    lines = said.stdout.splitlines()
    assert lines[0] == ("plans/p.yaml: plan review: READY (every reviewer finds it ready, "
                        "confidence >= ready_at 0.80)")
    assert lines[1].split() == ["a", "b"] and lines[2].split() == ["model", "claude-a", "./judge"]
    assert "  a raised:" in lines and "    gap: gap one" in lines
    assert said.code == 0 and said.stderr == ""


def test_a_reviewer_that_could_not_run() -> None:
    result = Result(PLAN, (A, B), 0.8, 0.25, verdict=UNAVAILABLE, exit_code=3,
                    failed={"a": "no API key", "b": "timed out"})
    said = show.as_text(result)
    assert said.stdout.startswith("plans/p.yaml: plan review: COULD NOT RUN: a, b gave no answer")
    assert said.stderr == ("planscope: error: reviewer a could not run: no API key\n"
                           "planscope: error: reviewer b could not run: timed out\n")
    doc = json.loads(show.as_json(result).stdout)
    assert doc["verdict"] == UNAVAILABLE and doc["reviewers"][1]["error"] == "timed out"
    assert doc["reviewers"][0]["confidence"] is None


def test_a_lint_stop_lists_the_findings() -> None:
    result = Result(PLAN, (A, B), 0.8, 0.25, lint=["plans/p.yaml:9:9: modify 'x' does not exist"])
    said = show.as_text(result)
    assert "no reviewer was asked" in said.stdout.splitlines()[0]
    assert said.stdout.splitlines()[1] == "  plans/p.yaml:9:9: modify 'x' does not exist"
