"""Findings gate the hand-off (checker/rules/handoff.py, checker/commands/plan_review.py): a
wrong assumption a slice relies on refuses --approve and the claims of that slice, until the
plan is fixed and reviewed again or a person signs it off with --override, recorded apart
from the scores and shown by pr-body."""

from __future__ import annotations

import pytest
import yaml

from tests import fake_api
from tests.conftest import Repo
from tests.reviewing import GOOD, OPUS, SONNET, by_model, cli_run, commit_slice, plan_reply

RELYING = """\
version: 1
id: awards
title: Community awards
status: draft
summary: Members give each other awards.
assumptions:
  - id: members-file
    text: Members are stored in app/models/member.py, with an id column
    paths: [app/models/member.py]
slices:
  - id: tables
    title: Awards table
    files:
      create: [db/migrations/0042_awards.sql]
      modify: [app/models/__init__.py]
    tests:
      - path: tests/test_awards.py
        covers: the awards table migrates
    relies_on: [members-file]
"""
WRONG = "[members-file] app/models/member.py has no id column"


@pytest.fixture
def flagged(planned: Repo, api: fake_api.FakeAPI, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """The plan reviewed: both reviewers score 0.9, one finds the assumption the only slice
    relies on wrong."""
    planned.write("plans/awards.yaml", RELYING)
    planned.commit("the plan, relying on the members file", plan="none")
    api.route = by_model({SONNET: plan_reply(0.9, True, wrong=[WRONG]),
                          OPUS: plan_reply(0.9, True)})
    r = cli_run(planned, monkeypatch, "plan-review", "plans/awards.yaml", "--record",
                "--approve")
    assert "status stays 'draft': slices rely on assumptions found wrong: 'members-file' " \
           f"(found wrong by {SONNET})" in r.out, r.out + r.err
    doc = yaml.safe_load((planned.path / "plans/awards.yaml").read_text())
    assert doc["status"] == "draft" and doc["reviews"][0]["assumptions"] == ["members-file"]
    return planned


def test_a_wrong_assumption_refuses_approval_and_the_slice(flagged: Repo) -> None:
    text = (flagged.path / "plans/awards.yaml").read_text()
    flagged.write("plans/awards.yaml", text.replace("status: draft", "status: approved"))
    flagged.commit("approved by hand", plan="none")
    commit_slice(flagged, GOOD)
    r = flagged.planscope("check", "--commit", "HEAD")
    assert r.code == 1 and "plans/awards.yaml#tables relies on 'members-file' (found wrong " \
                           f"by {SONNET}): fix the plan and review it again, or sign it off" \
        in r.err, r.err


def test_a_person_signs_it_off(flagged: Repo, api: fake_api.FakeAPI,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    flagged.git("config", "user.name", "Ada Reviewer")
    flagged.git("config", "user.email", "ada@example.com")
    r = cli_run(flagged, monkeypatch, "plan-review", "plans/awards.yaml", "--record",
                "--approve", "--override", "Member gets its id from Base; checked by hand")
    assert "status set to approved; sign-off by Ada Reviewer <ada@example.com> (--override: " \
           "Member gets its id from Base; checked by hand); signed off members-file" in r.out, \
        r.out
    doc = yaml.safe_load((flagged.path / "plans/awards.yaml").read_text())
    (signoff,) = doc["signoffs"]
    assert signoff["by"] == "Ada Reviewer <ada@example.com>"
    assert signoff["overrides"] == ["members-file"] and signoff["time"].endswith("+00:00")
    assert doc["status"] == "approved" and len(doc["reviews"]) == 4  # scores kept apart
    flagged.commit("signed off", plan="none")
    commit_slice(flagged, GOOD)
    assert flagged.planscope("check", "--commit", "HEAD").code == 0
    body = flagged.planscope("pr-body", "plans/awards.yaml#tables").out
    assert "### Signed off by people" in body and "Ada Reviewer \\<ada@example\\.com\\>" in body
    assert "signs off the wrong assumption `members-file`" in body


def test_a_review_that_no_longer_finds_it_clears_it(flagged: Repo, api: fake_api.FakeAPI,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    api.route = by_model({SONNET: plan_reply(0.9, True), OPUS: plan_reply(0.9, True)})
    r = cli_run(flagged, monkeypatch, "plan-review", "plans/awards.yaml", "--record",
                "--approve", "--no-cache")
    assert "status set to approved: every reviewer at 0.80 or above" in r.out, r.out


@pytest.mark.parametrize("args", [["--override", "x"], ["--approve", "--override", " "]])
def test_override_needs_approve_and_a_reason(flagged: Repo, args: list[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    r = cli_run(flagged, monkeypatch, "plan-review", "plans/awards.yaml", "--record", *args)
    assert r.code == 2 and "--override REASON signs findings off for --approve" in r.err
