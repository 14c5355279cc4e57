"""`planscope plan-review` (checker/commands/plan_review.py): blind reviewers, ready / not
ready / disagree, --record, the API down."""

from __future__ import annotations

import difflib
import json
import re
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from checker.model import readiness
from checker.model.ask import Answer
from checker.record import replace
from checker.rules import plan as plan_mod
from checker.rules.config import Reviewer
from tests import fake_api
from tests.conftest import KEY, Repo
from tests.fake_api import data_blocks, user_message
from tests.reviewing import (
    GOOD,
    OPUS,
    PLAN,
    SLACK_S,
    SONNET,
    TABLES,
    TODAY,
    by_model,
    cli_run,
    commit_slice,
    configure,
    plan_reply,
    request_for,
    review_reply,
    script,
)


def test_plan_review_ready(planned: Repo, api: fake_api.FakeAPI,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    api.route = by_model({SONNET: plan_reply(0.9, True), OPUS: plan_reply(0.85, True,
                                                                          ["name the index"])})
    r = cli_run(planned, monkeypatch, "plan-review", "plans/awards.yaml")
    assert r.code == 0, r.out + r.err
    assert r.out.splitlines() == [
        "plans/awards.yaml: plan review: READY (every reviewer finds it ready, confidence >= "
        "ready_at 0.80)",
        f"                      {SONNET}   {OPUS}",
        "  confidence          0.90                0.85",
        "  ready               yes                 yes",
        "  gaps                0                   1",
        "  wrong assumptions   0                   0",
        "  answer              asked               asked",
        f"  {OPUS} raised:",
        "    gap: name the index",
    ]
    assert sorted(s.body["model"] for s in api.requests) == sorted([SONNET, OPUS])
    body = request_for(api, OPUS)
    assert body["tool_choice"]["name"] == "record_plan_review"
    assert set(body["tools"][0]["input_schema"]["required"]) == {
        "confidence", "ready", "gaps", "wrong_assumptions", "blockers"}
    _, blocks, _ = data_blocks(user_message(body))
    assert "id: awards" in blocks["plan"] and "reviews" not in blocks["plan"]
    assert '"app/models/member.py"\n' in blocks["file-list"]
    assert blocks["file-list"].count("\n") == 6  # every tracked file at HEAD
    assert blocks['file "app/models/__init__.py"'] == "# models\n"
    assert blocks['file "app/views/__init__.py"'] == "# views\n"
    assert "member-model-body" not in api.bodies[0]  # only the files the plan modifies


@pytest.mark.parametrize(("sonnet", "opus", "why"), [
    ((0.5, False), (0.6, False), "no reviewer finds it ready (ready_at 0.80)"),
    ((0.85, True), (0.7, False), "reviewers split, confidence spread 0.15 < disagree_at 0.25; "
                                 "ready_at 0.80"),
    ((0.9, False), (0.9, True), "reviewers split, confidence spread 0.00 < disagree_at 0.25; "
                                "ready_at 0.80"),  # a confident "not ready" is not ready
])
def test_plan_review_not_ready(sonnet: tuple[float, bool], opus: tuple[float, bool], why: str,
                               planned: Repo, api: fake_api.FakeAPI,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    api.route = by_model({SONNET: plan_reply(*sonnet, gaps=["no rollback step"]),
                          OPUS: plan_reply(*opus)})
    r = cli_run(planned, monkeypatch, "plan-review", "plans/awards.yaml", "--format", "json")
    assert r.code == 1
    doc = json.loads(r.out)
    assert doc["verdict"] == "not ready" and doc["ok"] is False
    assert [x["confidence"] for x in doc["reviewers"]] == [sonnet[0], opus[0]]
    assert doc["reviewers"][0]["gaps"] == ["no rollback step"]
    text = cli_run(planned, monkeypatch, "plan-review", "plans/awards.yaml")  # cached
    assert text.code == 1
    assert text.out.splitlines()[0] == f"plans/awards.yaml: plan review: NOT READY ({why})"
    assert "  answer              cached              cached" in text.out
    assert len(api.requests) == 2


DISAGREE_SONNET = plan_reply(0.9, True, gaps=[
    "Add an index on awards.member_id for the dashboard query.",
    "The migration has no rollback step.",
])


DISAGREE_OPUS = plan_reply(0.4, False, gaps=[
    "The migration has no rollback step",
    "Slice views does not list its template files.",
], wrong=["Members are stored in app/models/member.py, but nothing there has an id column."])


def test_plan_review_disagree_prints_confidences_side_by_side_and_unique_gaps(
    planned: Repo, api: fake_api.FakeAPI
) -> None:
    api.route = by_model({SONNET: DISAGREE_SONNET, OPUS: DISAGREE_OPUS})
    r = planned.planscope("plan-review", "plans/awards.yaml")
    assert r.code == 1, r.err
    assert r.out == textwrap.dedent(f"""\
        plans/awards.yaml: plan review: DISAGREE (confidence spread 0.50 >= disagree_at 0.25; ready_at 0.80)
                              {SONNET}   {OPUS}
          confidence          0.90                0.40
          ready               yes                 no
          gaps                2                   2
          wrong assumptions   0                   1
          answer              asked               asked
          only {SONNET} raised:
            gap: Add an index on awards.member_id for the dashboard query.
          only {OPUS} raised:
            gap: Slice views does not list its template files.
            wrong assumption: Members are stored in app/models/member.py, but nothing there has an id column.
        """)  # noqa: E501
    assert r.err == ""


def test_reviewers_never_see_each_others_answers(planned: Repo, api: fake_api.FakeAPI,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    arrivals: dict[str, float] = {}
    marks = {SONNET: "sonnet-answer-marker", OPUS: "opus-answer-marker"}
    api.route = by_model({
        SONNET: plan_reply(0.9, True, gaps=[f"gap {marks[SONNET]}"], delay=0.8),
        OPUS: plan_reply(0.3, False, wrong=[f"wrong {marks[OPUS]}"], delay=0.8),
    }, arrivals)
    for extra in ((), ("--no-cache",), ("--record",)):
        r = cli_run(planned, monkeypatch, "plan-review", "plans/awards.yaml", *extra)
        assert r.code == 1 and "DISAGREE" in r.out
        # both requests were out before either answer came back: asked at once, not in turn
        assert abs(arrivals[SONNET] - arrivals[OPUS]) < 0.6
    r = cli_run(planned, monkeypatch, "plan-review", "plans/awards.yaml", "--no-cache")
    assert r.code == 1
    assert len(api.requests) == 6
    for seen in api.requests:
        model = seen.body["model"]
        other = OPUS if model == SONNET else SONNET
        assert marks[other] not in seen.text  # not even after --record wrote it to the plan
        assert marks[model] not in seen.text
        assert "earlier-review-marker" not in seen.text
    assert "opus-answer-marker" in (planned.path / "plans/awards.yaml").read_text()
    # the same request for every reviewer: nothing in it depends on who asks or who answered
    assert len({user_message(s.body) for s in api.requests}) == 1


def test_record_round_trip_keeps_the_file_and_revalidates(
    planned: Repo, api: fake_api.FakeAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.route = by_model({SONNET: DISAGREE_SONNET, OPUS: DISAGREE_OPUS})
    before = (planned.path / "plans/awards.yaml").read_text()
    r = cli_run(planned, monkeypatch, "plan-review", "plans/awards.yaml", "--record")
    assert r.code == 1
    assert r.out.splitlines()[-1] == "  recorded 2 reviews in plans/awards.yaml"
    after = (planned.path / "plans/awards.yaml").read_text()
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    ops = difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes()
    assert {op for op, *_ in ops} == {"equal", "insert"}  # nothing rewritten, comments kept
    (inserted,) = [new[j1:j2] for op, _, _, j1, j2 in ops if op == "insert"]
    assert "".join(inserted) == "".join(f"  {line}\n" for line in [
        f"- reviewer: {SONNET}",
        "  confidence: 0.9",
        f"  at: {TODAY}",
        '  notes: "ready; 2 gaps, 0 wrong assumptions; first: Add an index on '
        'awards.member_id for the dashboard query."',
        f'  model: "anthropic:{SONNET}"',
        f"- reviewer: {OPUS}",
        "  confidence: 0.4",
        f"  at: {TODAY}",
        '  notes: "not ready; 2 gaps, 1 wrong assumption; first: Members are stored in '
        'app/models/member.py, but nothing there has an id column."',
        f'  model: "anthropic:{OPUS}"',
    ])
    assert after.endswith("# end of plan\n")
    check = planned.planscope("validate", "plans/awards.yaml", "--against", "HEAD")
    assert check.code == 0, check.err
    reviews = plan_mod.load(planned.path, "plans/awards.yaml").reviews
    assert [(x.reviewer, x.confidence, x.at) for x in reviews] == [
        ("alice", 0.5, "2026-11-01"), (SONNET, 0.9, TODAY), (OPUS, 0.4, TODAY)]

    r = cli_run(planned, monkeypatch, "plan-review", "plans/awards.yaml", "--record")
    assert r.code == 1 and len(api.requests) == 2  # cached answers: said, not recorded twice
    assert "the same cached answers are recorded already; not recorded again" in r.out
    assert "recorded 2 reviews" not in r.out
    assert len(plan_mod.load(planned.path, "plans/awards.yaml").reviews) == 3
    assert planned.planscope("validate", "plans/awards.yaml").code == 0


def test_plan_that_misreads_the_repo_is_rejected_locally_with_no_request(
    planned: Repo, api: fake_api.FakeAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = PLAN.replace("modify: [app/models/__init__.py]",
                        "modify: [app/models/__init__.py, app/models/awards_base.py]")
    planned.write("plans/awards.yaml", text)
    r = planned.planscope("plan-review", "plans/awards.yaml", "--record")
    assert r.code == 1, r.err
    assert r.out.splitlines() == [
        "plans/awards.yaml: plan review: NOT READY: the plan disagrees with the repository at "
        "HEAD (planscope validate --against HEAD); no reviewer was asked",
        "  plans/awards.yaml:16:40: modify 'app/models/awards_base.py' does not exist at HEAD",
    ]
    assert api.requests == []
    assert (planned.path / "plans/awards.yaml").read_text() == text  # nothing recorded
    doc = json.loads(cli_run(planned, monkeypatch, "plan-review", "plans/awards.yaml",
                             "--format", "json").out)
    assert (doc["verdict"], doc["exit_code"], doc["reviewers"][0]["calls"]) == ("not ready", 1, 0)
    assert api.requests == []


def test_plan_review_with_the_api_down_exits_3_within_one_deadline(
    sdk: None, planned: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_api.closed_port_url())
    configure(planned, timeout_s=1.5)
    before = (planned.path / "plans/awards.yaml").read_text()
    start = time.monotonic()
    r = planned.planscope("plan-review", "plans/awards.yaml", "--record")
    assert time.monotonic() - start < 1.5 + SLACK_S  # two reviewers, one deadline
    assert r.code == 3
    assert r.out.splitlines()[0] == (f"plans/awards.yaml: plan review: COULD NOT RUN: {SONNET}, "
                                     f"{OPUS} gave no answer")
    assert "  answer              could not run       could not run" in r.out
    errs = r.err.strip().splitlines()
    assert [e.split(" could not run: ")[0] for e in errs] == [
        f"planscope: error: reviewer {SONNET}", f"planscope: error: reviewer {OPUS}"]
    assert all("cannot reach the API at http://127.0.0.1:" in e for e in errs)
    assert (planned.path / "plans/awards.yaml").read_text() == before

    # on_error pass: the reviewer that could not run is left out, loudly
    local = script(tmp_path, "local.py", """\
        import json, sys
        json.load(sys.stdin)
        print(json.dumps({"confidence": 0.9, "ready": True, "gaps": [],
                          "wrong_assumptions": []}))
    """)
    configure(planned, timeout_s=1.5, on_error="pass")
    r = planned.planscope("plan-review", "plans/awards.yaml", "--reviewer",
                          f"opus=anthropic:{OPUS}", "--reviewer",
                          f"local=command:{local[0]} {local[1]}")
    assert r.code == 0, r.out + r.err
    assert r.out.splitlines()[0].startswith("plans/awards.yaml: plan review: READY")
    assert "WARNING: reviewer opus could not run (cannot reach the API" in r.out
    assert "left out because verify.on_error is pass" in r.out


def test_command_reviewer_from_config(planned: Repo, api: fake_api.FakeAPI, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    seen = tmp_path / "request.json"
    local = script(tmp_path, "local.py", f"""\
        import json, sys
        request = json.load(sys.stdin)
        open({str(seen)!r}, "w").write(json.dumps(request))
        print(json.dumps({{"confidence": 0.75, "ready": True, "gaps": ["from the command"],
                          "wrong_assumptions": []}}))
    """)
    planned.write(".env.example", "TOKEN=plan-secret-value\n")
    planned.write("plans/awards.yaml", PLAN.replace("modify: [app/views/__init__.py]",
                                                    "modify: [app/views/__init__.py, "
                                                    ".env.example]"))
    planned.commit("env", plan="none")
    configure(planned, secret_paths=[".env*"], review={"plan": {
        "reviewers": [{"name": "sonnet"}, {"name": "local", "provider": "command",
                                           "command": local}],
        "ready_at": 0.7, "disagree_at": 0.3,
    }})
    api.route = by_model({SONNET: plan_reply(0.8, True)})
    r = cli_run(planned, monkeypatch, "plan-review", "plans/awards.yaml")
    assert r.code == 0, r.out + r.err
    head, names, models, confidences = r.out.splitlines()[:4]
    assert head == ("plans/awards.yaml: plan review: READY (every reviewer finds it ready, "
                    "confidence >= ready_at 0.70)")
    assert names.split() == ["sonnet", "local"]
    assert models.startswith(f"  model               {SONNET}   {local[0]}")
    assert confidences.split() == ["confidence", "0.80", "0.75"]
    request = json.loads(seen.read_text())
    assert (request["kind"], request["reviewer"], request["tool"]["name"]) == (
        "plan-review", "local", "record_plan_review")
    modify = {m["path"]: m for m in request["modify"]}
    assert modify["app/views/__init__.py"]["content"] == "# views\n"
    assert modify[".env.example"]["content"] is None
    assert "secret path" in modify[".env.example"]["not_shown"]
    assert "plan-secret-value" not in seen.read_text() + "".join(api.bodies)
    assert "app/models/member.py" in request["files"]
    assert "reviews" not in yaml.safe_load(request["plan_yaml"])


@pytest.mark.parametrize(("args", "config", "message"), [
    (["--reviewer", "opus"], None, "--reviewer 'opus': use NAME=PROVIDER:MODEL"),
    (["--reviewer", "a=mistral:large"], None, "use NAME=PROVIDER:MODEL"),
    (["--reviewer", "a=openai:"], None, "use NAME=PROVIDER:MODEL"),
    ([], {"plan": {"reviewers": [{"name": "g", "provider": "openai"}, {"name": "h"}]}},
     "the openai reviewer 'g' needs a model"),
    (["--reviewer", "a=command"], None, "no command given and verify.command is not set"),
    (["--reviewer", "a=anthropic:m"], None, "plan-review needs at least two reviewers"),
    (["--reviewer", "a=anthropic:m", "--reviewer", "a=anthropic:n"], None,
     "two reviewers are named the same"),
    ([], {"plan": {"ready_at": 2}}, "review.plan.ready_at: 2 is greater than the maximum of 1"),
    ([], {"plan": {"reviewers": [{"name": "x"}, {"name": "x"}]}},
     "review.plan.reviewers: the name 'x' is used twice"),
])
def test_plan_review_bad_input_exits_2(args: list[str], config: dict[str, Any] | None,
                                       message: str, planned: Repo,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    if config is not None:
        configure(planned, review=config)
    r = cli_run(planned, monkeypatch, "plan-review", "plans/awards.yaml", *args)
    assert r.code == 2
    assert message in r.err, r.err


def test_progress_line_on_a_terminal(planned: Repo, api: fake_api.FakeAPI) -> None:
    api.route = by_model({SONNET: plan_reply(0.9, True, delay=0.3),
                          OPUS: plan_reply(0.9, True, delay=1.5)})
    r = planned.on_a_terminal("plan-review", "plans/awards.yaml")
    code, out, tty = r.code, r.out, r.err
    assert code == 0, out + tty
    what = "\rreviewing plans/awards.yaml with 2 reviewers; waiting on "
    assert f"{what}{SONNET}, {OPUS}… 0s/10s" in tty
    assert re.search(rf"{re.escape(what)}{OPUS}… [1-9]s/10s", tty)  # the one still out
    assert re.search(r"\r +\r$", tty) and "waiting" not in out  # cleared at the end

    api.route = None
    commit_slice(planned, GOOD)
    api.replies.append(review_reply(True, 0.9, delay=0.6))
    r = planned.on_a_terminal("review")
    code, out, tty = r.code, r.out, r.err
    assert code == 0, out + tty
    assert f"\rreviewing 3 changed paths with {SONNET}… 0s/10s" in tty
    assert re.search(r"\r +\r$", tty) and "reviewing" not in out


def test_verdict_and_unique_gaps() -> None:
    answer = Answer("anthropic", "m", {})

    def opinion(name: str, confidence: float, ready: bool, *gaps: str) -> readiness.Opinion:
        return readiness.Opinion(Reviewer(name), confidence, ready, gaps, (), answer)

    a = opinion("a", 0.9, True, "No rollback step for the migration.", "Index is missing")
    b = opinion("b", 0.55, False, "the migration has no rollback step", "Views lack tests")
    assert readiness.verdict([a, b], 0.8, 0.25) == readiness.DISAGREE
    assert readiness.verdict([a, replace(b, confidence=0.7)], 0.8, 0.25) == readiness.NOT_READY
    assert readiness.verdict([a, replace(b, confidence=0.8, ready=True)], 0.8, 0.25) \
        == readiness.READY
    assert readiness.verdict([replace(a, confidence=0.2), b], 0.8, 0.25) == readiness.NOT_READY
    assert readiness.verdict([], 0.8, 0.25) == readiness.NOT_READY
    assert readiness.only_raised([a, b]) == {"a": (("Index is missing",), ()),
                                              "b": (("Views lack tests",), ())}


@pytest.mark.parametrize(("status", "scores", "after", "note"), [
    ("review", (0.9, 0.85), "approved",
     "status set to approved: every reviewer at 0.80 or above (handoff.min_confidence)"),
    ("draft", (0.9, 0.4), "draft",
     "status stays 'draft': approving needs every reviewer at 0.80 or above (scored 0.90, "
     "0.40)"),
    ("in-progress", (0.9, 0.85), "in-progress",
     "status stays 'in-progress' (--approve moves a draft or a plan under review)"),
])
def test_approve_hands_the_plan_off(planned: Repo, api: fake_api.FakeAPI,
                                    monkeypatch: pytest.MonkeyPatch, status: str,
                                    scores: tuple[float, float], after: str, note: str) -> None:
    plan = (planned.path / "plans/awards.yaml").read_text()
    planned.write("plans/awards.yaml", plan.replace("status: approved", f"status: {status}"))
    api.route = by_model({SONNET: plan_reply(scores[0], True),
                          OPUS: plan_reply(scores[1], scores[1] >= 0.8)})
    r = cli_run(planned, monkeypatch, "plan-review", "plans/awards.yaml", "--record",
                "--approve")
    assert f"  {note}" in r.out.splitlines(), r.out
    text = (planned.path / "plans/awards.yaml").read_text()
    assert plan_mod.load(planned.path, "plans/awards.yaml").status == after
    assert text.replace(f"status: {after}", "status: approved").startswith(
        plan.split("reviews:")[0])  # nothing else of the file moved


def test_approve_needs_record(planned: Repo) -> None:
    r = planned.planscope("plan-review", "plans/awards.yaml", "--approve")
    assert r.code == 2 and "use it with --record" in r.err


def test_wrong_assumptions_are_recorded_by_id_and_traced(
        planned: Repo, api: fake_api.FakeAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = (planned.path / "plans/awards.yaml").read_text()
    planned.write("plans/awards.yaml", plan.replace(
        "assumptions:\n  - Members are stored in app/models/member.py\n",
        "assumptions:\n  - id: members-file\n    text: Members are stored in "
        "app/models/member.py\n    paths: [app/models/member.py]\n").replace(
        "    files:\n", "    relies_on: [members-file]\n    files:\n", 1))
    planned.commit("assumption ids", plan="none")
    api.route = by_model({SONNET: plan_reply(0.9, True), OPUS: plan_reply(0.4, False, wrong=[
        "[members-file] nothing in app/models/member.py has an id column.",
        "[no-such-id] this one names no assumption of the plan."])})
    cli_run(planned, monkeypatch, "plan-review", "plans/awards.yaml", "--record")
    reviews = plan_mod.load(planned.path, "plans/awards.yaml").reviews
    assert [(r.reviewer, r.assumptions) for r in reviews[-2:]] == [
        (SONNET, ()), (OPUS, ("members-file",))]
    assert "[members-file]" in (planned.path / "plans/awards.yaml").read_text()
    planned.commit("reviews recorded", plan="none")
    planned.write("db/migrations/0042_awards.sql", "create table awards ();\n")
    planned.commit("the table", plan=TABLES)
    out = planned.planscope("trace", "db/migrations/0042_awards.sql:1").out.splitlines()
    assert out[2].startswith("        assumption members-file: Members are stored in")
    assert out[3].startswith(f"          found wrong by {OPUS} (0.40, {TODAY}): not ready;")
