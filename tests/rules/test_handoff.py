"""The hand-off gate (checker/handoff.py, config ``handoff``): work claiming a plan that is
not handed off is refused with the reason, in every check."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.rules import handoff
from checker.rules.config import Handoff
from checker.rules.plan import Plan, Review, Slice
from tests.conftest import AWARDS_PLAN, TABLES, Repo

REVIEWED = AWARDS_PLAN + """reviews:
  - reviewer: opus
    confidence: 0.40
  - reviewer: sonnet
    confidence: 0.55
"""


def _plan(status: str, *scores: float) -> Plan:
    return Plan("plans/x.yaml", "x", "X", status, (Slice("s", "S", status),),
                reviews=tuple(Review(f"r{i}", c) for i, c in enumerate(scores)))


def test_the_default_gate_is_the_status() -> None:
    gate = Handoff()
    for status in ("approved", "in-progress", "done"):
        assert handoff.refusal(_plan(status, 0.1), gate) is None
    assert handoff.refusal(_plan("draft"), gate) == (
        "plans/x.yaml is not handed off: it is 'draft': the hand-off needs 'approved', "
        "'in-progress' or 'done'")


@pytest.mark.parametrize(("plan", "why"), [
    (_plan("review", 0.40, 0.55),
     "it is 'review': the hand-off needs 'approved'; reviewers scored 0.40 and 0.55; "
     "the hand-off needs each 0.80 or above"),
    (_plan("approved", 0.9),
     "it has 1 review, the hand-off needs 2 at 0.80 or above (planscope plan-review "
     "plans/x.yaml --record)"),
    (_plan("approved", 0.3, 0.9, 0.79),
     "reviewers scored 0.90 and 0.79; the hand-off needs each 0.80 or above"),  # the latest two
])
def test_reviews_and_status(plan: Plan, why: str) -> None:
    gate = Handoff(statuses=("approved",), reviews=2, min_confidence=0.8)
    assert handoff.refusal(plan, gate) == f"plans/x.yaml is not handed off: {why}"
    assert handoff.refusal(_plan("approved", 0.2, 0.8, 0.85), gate) is None


def _stage(repo: Repo) -> None:
    repo.write("db/migrations/0042_awards.sql", "create table awards ();\n")
    repo.git("add", "-A")


def test_a_commit_claiming_a_plan_under_review_is_refused(awards: Repo, tmp_path: Path) -> None:
    awards.write("plans/awards.yaml", REVIEWED.replace("status: approved", "status: review"))
    awards.write(".planscope.yaml",
                 "on_drift: block\nhandoff: {statuses: [approved], reviews: 2}\n")
    awards.commit("plan under review", plan="none")
    _stage(awards)
    message = tmp_path / "MSG"
    message.write_text(f"Add awards\n\nPlan: {TABLES}\n")
    run = awards.planscope("hook", "commit-msg", str(message))
    assert run.code == 1
    assert ("plans/awards.yaml is not handed off: it is 'review': the hand-off needs "
            "'approved'; reviewers scored 0.40 and 0.55; the hand-off needs each 0.80 or "
            "above") in run.err
    assert run.err.startswith("planscope: error: staged changes: plans/awards.yaml is not")
    check = awards.planscope("check", "--staged", "--plan", TABLES, "--format", "json")
    assert check.code == 1 and "not handed off" in check.out


def test_a_push_and_a_pull_request_are_refused_too(awards: Repo) -> None:
    awards.write("plans/awards.yaml", AWARDS_PLAN.replace("status: approved", "status: draft"))
    awards.commit("plan drafted", plan="none")
    _stage(awards)
    awards.git("commit", "-q", "--no-verify", "-m", f"Add awards\n\nPlan: {TABLES}")
    run = awards.planscope("check", "--base", "HEAD~1")
    assert run.code == 1 and "it is 'draft'" in run.err
    assert awards.planscope("check", "--commit", "HEAD").code == 1


def test_a_handed_off_plan_passes_and_unclaimed_work_is_untouched(awards: Repo) -> None:
    _stage(awards)
    assert awards.planscope("check", "--staged", "--plan", TABLES).code == 0
    awards.git("reset", "-q")
    awards.write("plans/awards.yaml", AWARDS_PLAN.replace("status: approved", "status: draft"))
    awards.commit("plan drafted", "plans/awards.yaml", plan="none")
    _stage(awards)
    assert awards.planscope("check", "--staged", "--plan", TABLES).code == 1
    awards.write(".planscope.yaml", "on_drift: block\nrequire_plan: false\n")
    awards.commit("no plan required", ".planscope.yaml", plan="none")
    _stage(awards)
    unclaimed = awards.planscope("check", "--staged")
    assert unclaimed.code == 0 and "handed off" not in unclaimed.out + unclaimed.err
