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
TABLES_REF = "plans/awards.yaml#tables"


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
    assert r.code == 1 and "plan review: READY" in r.out  # ready, and still not approved
    assert "status stays 'draft': assumption 'members-file' found wrong by " \
           f"{SONNET}; fix the plan" in r.out, r.out + r.err
    doc = yaml.safe_load((planned.path / "plans/awards.yaml").read_text())
    assert doc["status"] == "draft" and doc["reviews"][0]["assumptions"] == ["members-file"]
    return planned


def test_a_wrong_assumption_refuses_approval_and_the_slice(flagged: Repo) -> None:
    text = (flagged.path / "plans/awards.yaml").read_text()
    flagged.write("plans/awards.yaml", text.replace("status: draft", "status: approved"))
    flagged.commit("approved by hand", plan="none")
    commit_slice(flagged, GOOD)
    r = flagged.planscope("check", "--commit", "HEAD")
    assert r.code == 1 and "plans/awards.yaml#tables may not start: assumption 'members-file' " \
                           f"found wrong by {SONNET}: fix the plan and review it again, or " \
                           "sign it off" in r.err, r.err


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
    assert doc["status"] == "approved" and len(doc["reviews"]) == 2  # scores kept apart,
    # and the same cached answers are not recorded a second time by the sign-off
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


TWO_SLICES = RELYING.replace("    relies_on: [members-file]\n", """\
  - id: page
    title: Awards page
    files:
      create: [app/views/awards.py]
""")


@pytest.fixture
def blocked(planned: Repo, api: fake_api.FakeAPI, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """Two slices; one reviewer's blocking finding names the second, the other's names a
    slice the plan does not have (so it stops every slice)."""
    planned.write("plans/awards.yaml", TWO_SLICES)
    planned.commit("the plan", plan="none")
    api.route = by_model({
        SONNET: plan_reply(0.9, True, blockers=["[page] app/views/ does not exist"]),
        OPUS: plan_reply(0.9, True)})
    r = cli_run(planned, monkeypatch, "plan-review", "plans/awards.yaml", "--record",
                "--approve")
    assert "    blocker: [page] app/views/ does not exist" in r.out
    assert f"status stays 'draft': a blocking finding on slice 'page' by {SONNET}; fix the " \
           "plan and review it again, or --override REASON" in r.out, r.out + r.err
    doc = yaml.safe_load((planned.path / "plans/awards.yaml").read_text())
    assert doc["reviews"][0]["blocks"] == ["page"] and "blocks" not in doc["reviews"][1]
    assert "1 blocker; first: [page] app/views/ does not exist" in doc["reviews"][0]["notes"]
    return planned


def test_a_blocking_finding_stops_its_slice_and_not_the_others(blocked: Repo) -> None:
    text = (blocked.path / "plans/awards.yaml").read_text()
    blocked.write("plans/awards.yaml", text.replace("status: draft", "status: approved"))
    blocked.commit("approved by hand", plan="none")
    commit_slice(blocked, GOOD)  # the first slice: not blocked
    assert blocked.planscope("check", "--commit", "HEAD").code == 0
    blocked.write("app/views/awards.py", "def page(): ...\n")
    blocked.commit("the page", plan="plans/awards.yaml#page")
    r = blocked.planscope("check", "--commit", "HEAD")
    assert r.code == 1 and "plans/awards.yaml#page may not start: a blocking finding on " \
                           f"slice 'page' by {SONNET}: fix the plan" in r.err, r.err


def test_a_blocker_naming_no_slice_stops_every_slice(planned: Repo, api: fake_api.FakeAPI,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    planned.write("plans/awards.yaml", TWO_SLICES)
    planned.commit("the plan", plan="none")
    api.route = by_model({SONNET: plan_reply(0.9, True, blockers=["[nope] x", "no id"]),
                          OPUS: plan_reply(0.9, True, blockers=["[plan] the goal is unclear"])})
    r = cli_run(planned, monkeypatch, "plan-review", "plans/awards.yaml", "--record")
    row = next(line.split() for line in r.out.splitlines() if line.startswith("  blockers"))
    assert row[1:] == ["2", "1"], r.out
    doc = yaml.safe_load((planned.path / "plans/awards.yaml").read_text())
    assert [rv["blocks"] for rv in doc["reviews"]] == [["tables", "page"], ["tables", "page"]]


def test_a_sign_off_unblocks_and_pr_body_says_so(blocked: Repo,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    r = cli_run(blocked, monkeypatch, "plan-review", "plans/awards.yaml", "--record",
                "--approve", "--override", "the folder comes with the first slice")
    assert "status set to approved;" in r.out and "; unblocked page" in r.out, r.out
    doc = yaml.safe_load((blocked.path / "plans/awards.yaml").read_text())
    assert doc["signoffs"][0]["unblocks"] == ["page"] and "overrides" not in doc["signoffs"][0]
    blocked.commit("signed off", plan="none")
    blocked.write("app/views/awards.py", "def page(): ...\n")
    blocked.commit("the page", plan="plans/awards.yaml#page")
    assert blocked.planscope("check", "--commit", "HEAD").code == 0
    body = blocked.planscope("pr-body", "plans/awards.yaml#page").out
    assert "(unblocks slice `page`)" in body, body


def test_the_brief_says_what_reviewers_found_and_who_signed_it_off(
        flagged: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    before = flagged.planscope("brief", TABLES_REF).out
    assert "### What reviewers found" in before
    assert f"the assumption 'members-file' was found wrong by {SONNET}; not signed off" in before
    flagged.git("config", "user.name", "Ada Reviewer")
    cli_run(flagged, monkeypatch, "plan-review", "plans/awards.yaml", "--record", "--approve",
            "--override", "Member gets its id from Base")
    after = flagged.planscope("brief", TABLES_REF).out
    assert f"found wrong by {SONNET}; signed off by Ada Reviewer" in after
    assert ": Member gets its id from Base" in after
