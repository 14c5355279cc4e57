"""``planscope review`` and ``planscope plan-review``: the real anthropic SDK against the fake
Messages API on 127.0.0.1, ``command`` providers written in the test, real git repositories.

Most runs go through the click command in this process (``cli``), so the SDK is imported
once; the runs that are about exit codes, deadlines and the terminal start the real CLI."""

from __future__ import annotations

import datetime
import difflib
import json
import re
import sys
import textwrap
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from checker import cli, planrecord
from checker import plan as plan_mod
from checker.commands import plan_review as planreview
from checker.config import Reviewer
from checker.errors import BadInput
from checker.model import prompt as vprompt
from checker.model.ask import Answer
from tests import fake_api
from tests.conftest import Repo, Run
from tests.test_verify import data_blocks, system_text, user_message

KEY = "sk-test-not-a-real-key"
SLACK_S = 2.5  # interpreter start-up and a busy machine, on top of verify.timeout_s
SONNET, OPUS = "claude-sonnet-5-5", "claude-opus-5-5"
TABLES = "plans/awards.yaml#tables"
TODAY = datetime.date.today().isoformat()

PLAN = """\
# yaml-language-server: $schema=../schemas/plan.schema.json
# The awards plan. This comment must survive --record.
version: 1
id: awards
title: Community awards
status: approved
summary: Members give each other awards.   # why, in a line
assumptions:
  - Members are stored in app/models/member.py
forbid: [app/auth/**]
slices:
  - id: tables
    title: Awards table
    files:
      create: [db/migrations/0042_awards.sql]
      modify: [app/models/__init__.py]
    tests:
      - path: tests/test_awards.py
        covers: the awards table migrates
  - id: views
    title: Dashboard views
    files:
      create: [app/views/awards.py]
      modify: [app/views/__init__.py]
    depends_on: [tables]
reviews:
  - reviewer: alice      # a person
    confidence: 0.5
    at: 2026-11-01
    notes: earlier-review-marker
# end of plan
"""

GOOD = {
    "db/migrations/0042_awards.sql": "CREATE TABLE awards (id INT); -- migration-body\n",
    "app/models/__init__.py": "# models\nfrom .awards import Award\n",
    "tests/test_awards.py": "def test_awards_table():\n    assert True\n",
}


# --- helpers ------------------------------------------------------------------------------


@pytest.fixture
def planned(repo: Repo) -> Repo:
    """A repository with an app, the awards plan and a first commit on main."""
    repo.write("plans/awards.yaml", PLAN)
    repo.write("app/models/__init__.py", "# models\n")
    repo.write("app/models/member.py", "class Member:\n    name = 'member-model-body'\n")
    repo.write("app/auth/session.py", "# auth\n")
    repo.write("app/views/__init__.py", "# views\n")
    repo.write("README.md", "# app\n")
    repo.commit("Initial", plan="none")
    configure(repo)
    return repo


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[fake_api.FakeAPI]:
    with fake_api.running() as server:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
        yield server


def configure(repo: Repo, *, timeout_s: float = 10, on_error: str = "fail",
              review: Mapping[str, Any] | None = None, **verify: Any) -> None:
    """Write .planscope.yaml (not committed: it is no part of the diffs under review)."""
    doc: dict[str, Any] = {"on_drift": "block",
                           "verify": {"timeout_s": timeout_s, "on_error": on_error, **verify}}
    if review is not None:
        doc["review"] = review
    repo.write(".planscope.yaml", yaml.safe_dump(doc, sort_keys=False))


def commit_slice(repo: Repo, files: Mapping[str, str | bytes], plan: str | None = TABLES,
                 message: str = "Awards table") -> str:
    for path, content in files.items():
        if isinstance(content, bytes):
            (repo.path / path).parent.mkdir(parents=True, exist_ok=True)
            (repo.path / path).write_bytes(content)
        else:
            repo.write(path, content)
    return repo.commit(message, *files, plan=plan)


def cli_run(repo: Repo, monkeypatch: pytest.MonkeyPatch, *args: str) -> Run:
    """The click command in this process (the SDK is imported once for the whole file)."""
    monkeypatch.chdir(repo.path)
    result = CliRunner().invoke(cli.main, list(args), catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


def review_reply(matches: bool = True, confidence: float = 0.9,
                 findings: Sequence[dict[str, Any]] = (), missing_tests: Sequence[str] = (),
                 unplanned: Sequence[str] = (), delay: float = 0.0) -> fake_api.Reply:
    return fake_api.Reply(body=fake_api.message({
        "matches_plan": matches, "confidence": confidence, "findings": list(findings),
        "missing_tests": list(missing_tests), "unplanned_changes": list(unplanned),
    }, name="record_review"), delay=delay)


def plan_reply(confidence: float, ready: bool, gaps: Sequence[str] = (),
               wrong: Sequence[str] = (), delay: float = 0.0) -> fake_api.Reply:
    return fake_api.Reply(body=fake_api.message({
        "confidence": confidence, "ready": ready, "gaps": list(gaps),
        "wrong_assumptions": list(wrong),
    }, name="record_plan_review"), delay=delay)


def by_model(replies: Mapping[str, fake_api.Reply],
             arrivals: dict[str, float] | None = None) -> Callable[[fake_api.Seen],
                                                                   fake_api.Reply | None]:
    """Answer each request by its model (the reviewers' requests arrive in any order)."""
    def route(seen: fake_api.Seen) -> fake_api.Reply | None:
        model = seen.body.get("model") if isinstance(seen.body, dict) else None
        if arrivals is not None and isinstance(model, str):
            arrivals[model] = time.monotonic()
        return replies.get(model) if isinstance(model, str) else None
    return route


def request_for(api: fake_api.FakeAPI, model: str) -> dict[str, Any]:
    (seen,) = [s for s in api.requests if s.body["model"] == model]
    body: dict[str, Any] = seen.body
    return body


def script(tmp_path: Path, name: str, body: str) -> list[str]:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return [sys.executable, str(path)]


# --- review: what is sent, and the verdict ------------------------------------------------


def test_review_that_matches_the_plan_passes(planned: Repo, api: fake_api.FakeAPI,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    sha = commit_slice(planned, GOOD)
    api.replies.append(review_reply(
        True, 0.9,
        findings=[{"severity": "minor", "path": "app/models/__init__.py", "line": 2,
                   "message": "import the model lazily"}],
        missing_tests=["the down migration is not tested"]))
    r = cli_run(planned, monkeypatch, "review")
    assert r.code == 0, r.out + r.err
    assert r.out.splitlines() == [
        f"planscope review: ok: commit {sha[:9]} 'Awards table' against {TABLES} (from "
        f"'Plan:' trailer of commit {sha[:9]}): 3 changed, 0 drift, 0 forbidden",
        r.out.splitlines()[1],
        "  minor    [model] app/models/__init__.py:2: import the model lazily",
        "  missing test: the down migration is not tested",
    ]
    assert r.out.splitlines()[1].startswith(
        f"  model: matches the plan (confidence 0.90; {SONNET}, ")

    (seen,) = api.requests
    body = seen.body
    assert body["model"] == SONNET
    assert body["tool_choice"] == {"type": "tool", "name": "record_review",
                                   "disable_parallel_tool_use": True}
    (tool,) = body["tools"]
    schema = tool["input_schema"]
    assert set(schema["required"]) == {"matches_plan", "confidence", "findings",
                                       "missing_tests", "unplanned_changes"}
    assert schema["properties"]["findings"]["items"]["properties"]["severity"]["enum"] == [
        "blocker", "major", "minor"]
    assert vprompt.DATA_RULE in system_text(body)
    _, blocks, outside = data_blocks(user_message(body))
    assert "id: tables" in blocks["slice"] and "id: views" not in blocks["slice"]
    assert "Members are stored in app/models/member.py" in blocks["plan-assumptions"]
    assert blocks["changed-paths"] == (
        '"app/models/__init__.py" (M) in the slice\n'
        '"db/migrations/0042_awards.sql" (A) in the slice\n'
        '"tests/test_awards.py" (A) in the slice\n')
    assert blocks["checked-separately"] == "(none)\n"
    # the whole diff, in scope or not (unlike the verification pass)
    assert "+CREATE TABLE awards" in blocks['diff "db/migrations/0042_awards.sql" (A)']
    assert "+from .awards import Award" in blocks['diff "app/models/__init__.py" (M)']
    assert "migration-body" not in outside


def test_review_blocker_fails_and_json_merges_findings(planned: Repo, api: fake_api.FakeAPI,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    commit_slice(planned, GOOD)
    api.replies.append(review_reply(True, 0.95, findings=[
        {"severity": "major", "message": "no index on awards.member_id"},
        {"severity": "blocker", "path": "db/migrations/0042_awards.sql", "line": 1,
         "message": "the migration has no down step"},
        {"severity": "catastrophic", "message": "unknown severity"},
        {"severity": "minor"},  # no message: dropped
    ], unplanned=["renames the members table"]))
    r = cli_run(planned, monkeypatch, "review", "--format", "json")
    assert r.code == 1, r.err
    doc = json.loads(r.out)
    assert (doc["ok"], doc["exit_code"], doc["plan"], doc["slice"]) == (
        False, 1, "plans/awards.yaml", "tables")
    assert doc["review"]["matches_plan"] is True
    assert doc["review"]["unplanned_changes"] == ["renames the members table"]
    assert [(f["severity"], f["source"], f["path"], f["line"]) for f in doc["findings"]] == [
        ("blocker", "model", "db/migrations/0042_awards.sql", 1),
        ("blocker", "model", None, None),
        ("major", "model", None, None),
    ]
    assert doc["findings"][1]["message"] == (
        "unknown severity (severity 'catastrophic' not understood: counted as a blocker)")
    assert doc["verification"]["provider"] == "anthropic"
    assert doc["verification"]["calls"] == 1 and doc["verification"]["cached"] is False
    assert (doc["verification"]["input_tokens"], doc["verification"]["output_tokens"]) == (
        321, 45)


def test_review_that_does_not_match_fails_and_low_confidence_counts_as_not_matching(
    planned: Repo, api: fake_api.FakeAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(planned, min_confidence=0.8)
    commit_slice(planned, GOOD)
    api.replies.append(review_reply(False, 0.85, unplanned=["adds a members export"]))
    r = cli_run(planned, monkeypatch, "review")
    assert r.code == 1
    assert f"model: does NOT match the plan (confidence 0.85; {SONNET}, " in r.out
    assert "  unplanned:    adds a members export" in r.out
    assert "planscope review: FAIL:" in r.out

    api.replies.append(review_reply(True, 0.6))
    r = cli_run(planned, monkeypatch, "review", "--no-cache")
    assert r.code == 1
    assert ("the model says the change matches the plan, but with confidence 0.60, below "
            "verify.min_confidence 0.80: counted as not matching") in r.out
    assert len(api.requests) == 2


def test_review_merges_local_facts_without_asking_for_them(
    planned: Repo, api: fake_api.FakeAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the migration only: app/models/__init__.py untouched, the planned test file missing,
    # and README.md outside the slice
    commit_slice(planned, {"db/migrations/0042_awards.sql": GOOD["db/migrations/0042_awards.sql"],
                           "README.md": "# app\nawards\n"})
    api.replies.append(review_reply(True, 0.9))  # the model reports none of these
    r = cli_run(planned, monkeypatch, "review", "--format", "json")
    assert r.code == 0, r.out  # facts are findings, not blocking on their own
    doc = json.loads(r.out)
    assert doc["untouched"] == ["app/models/__init__.py", "tests/test_awards.py"]
    assert doc["missing_test_files"] == ["tests/test_awards.py"]
    assert doc["drift"] == [{"path": "README.md", "status": "M"}]
    assert doc["review"]["findings"] == []
    assert [(f["severity"], f["source"], f["path"], f["message"]) for f in doc["findings"]] == [
        ("major", "local", "tests/test_awards.py",
         "planned test file of slice 'tables' does not exist"),
        ("major", "local", "README.md", "outside slice 'tables' (drift: see planscope check)"),
        ("major", "local", "app/models/__init__.py",
         "planned in slice 'tables' but not touched by this change"),
    ]
    # the model is told these are checked already, not asked to find them
    _, blocks, _ = data_blocks(user_message(api.requests[0].body))
    assert blocks["checked-separately"] == (
        'planned, not touched: "app/models/__init__.py"\n'
        'planned test file, does not exist: "tests/test_awards.py"\n'
        'changed outside the slice: "README.md"\n')
    assert "do not report them" in system_text(api.requests[0].body)

    text = cli_run(planned, monkeypatch, "review")  # cached: the same facts, as text
    assert text.code == 0
    assert "  major    [local] tests/test_awards.py: planned test file of slice 'tables' " \
           "does not exist" in text.out
    assert len(api.requests) == 1 and "cached)" in text.out


def test_review_forbidden_path_blocks_and_is_never_sent(planned: Repo, api: fake_api.FakeAPI,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    commit_slice(planned, {**GOOD, "app/auth/session.py": "ADMIN = 'forbidden-body-text'\n"})
    api.replies.append(review_reply(True, 1.0))  # a model that approves everything
    r = cli_run(planned, monkeypatch, "review")
    assert r.code == 1
    assert ("  blocker  [local] app/auth/session.py: forbidden by plans/awards.yaml: "
            "forbidden paths never pass") in r.out
    (sent,) = api.bodies
    assert "app/auth/session.py" not in sent and "forbidden-body-text" not in sent


def test_review_sends_secret_and_binary_paths_by_name_only(
    planned: Repo, api: fake_api.FakeAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit_slice(planned, {
        **GOOD,
        ".env.production": "API_TOKEN=hunter2-secret-value\n",
        "deploy/id_rsa_backup": "-----BEGIN OPENSSH PRIVATE KEY-----ssh-secret-body\n",
        "assets/logo.png": b"\x89PNG\r\n\x1a\n\x00binary-body-marker\x00",
    })
    api.replies.append(review_reply(True, 0.9))
    r = cli_run(planned, monkeypatch, "review")
    assert r.code == 0, r.out + r.err
    (sent,) = api.bodies
    for never in ("hunter2-secret-value", "ssh-secret-body", "binary-body-marker"):
        assert never not in sent, never
    _, blocks, _ = data_blocks(user_message(api.requests[0].body))
    hidden = blocks["content-not-shown"]
    assert '".env.production" (A): secret path (verify.secret_paths): content withheld' in hidden
    assert '"deploy/id_rsa_backup" (A): secret path' in hidden
    assert '"assets/logo.png" (A): binary file: content not sent' in hidden
    assert '".env.production" (A) outside the slice' in blocks["changed-paths"]


def test_review_through_a_command_provider(planned: Repo, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    seen = tmp_path / "request.json"
    argv = script(tmp_path, "reviewer.py", f"""\
        import json, sys
        request = json.load(sys.stdin)
        open({str(seen)!r}, "w").write(json.dumps(request))
        print(json.dumps({{"matches_plan": True, "confidence": 0.8, "findings": [],
                          "missing_tests": [], "unplanned_changes": ["the command agrees"]}}))
    """)
    configure(planned, provider="command", command=argv)
    commit_slice(planned, {**GOOD, ".env": "SECRET=command-secret-value\n"})
    r = cli_run(planned, monkeypatch, "review", "--format", "json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["verification"]["provider"] == "command"
    assert doc["review"]["unplanned_changes"] == ["the command agrees"]
    request = json.loads(seen.read_text())
    assert request["kind"] == "review" and request["tool"]["name"] == "record_review"
    assert request["prompt"].startswith(f"Request {request['request_id']}.")
    files = {f["path"]: f for f in request["files"]}
    assert files[".env"]["diff"] is None and "secret path" in files[".env"]["not_shown"]
    assert "+from .awards import Award" in files["app/models/__init__.py"]["diff"]
    assert request["checked_separately"]["drift"] == [".env"]
    assert "command-secret-value" not in seen.read_text()

    bad = script(tmp_path, "bad.py", """\
        print('{"matches_plan": "yes", "confidence": 0.9}')
    """)
    configure(planned, provider="command", command=bad)
    r = cli_run(planned, monkeypatch, "review")
    assert r.code == 3
    (line,) = r.err.strip().splitlines()
    assert line.startswith(f"planscope: error: the review could not run: malformed reply from "
                           f"{bad[0]} ")  # the command line, cut to 80 characters
    assert line.endswith(": 'matches_plan' is not true or false")
    assert "  major    [local] .env: outside slice 'tables'" in r.out  # facts still reported


def test_review_finds_its_slice_from_trailers_or_the_command_line(
    planned: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    approve = script(tmp_path, "ok.py", """\
        import json, sys
        json.load(sys.stdin)
        print(json.dumps({"matches_plan": True, "confidence": 0.9, "findings": [],
                          "missing_tests": [], "unplanned_changes": []}))
    """)
    configure(planned, provider="command", command=approve)
    planned.git("checkout", "-q", "-b", "awards")
    commit_slice(planned, {"db/migrations/0042_awards.sql": "CREATE TABLE awards ();\n"})
    commit_slice(planned, {"docs/notes.md": "notes\n"}, plan="none", message="Notes")
    commit_slice(planned, {k: v for k, v in GOOD.items() if not k.startswith("db/")},
                 plan="plans/awards.yaml#tables", message="Model and test")
    r = cli_run(planned, monkeypatch, "review", "--base", "main", "--format", "json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert (doc["target"], doc["slice"], doc["claimed_by"]) == (
        "changes since main", "tables", "'Plan:' trailers of its commits")
    assert doc["changed"] == ["app/models/__init__.py", "db/migrations/0042_awards.sql",
                              "docs/notes.md", "tests/test_awards.py"]

    commit_slice(planned, {"app/views/awards.py": "VIEW = 1\n"}, plan="plans/awards.yaml#views",
                 message="Views")
    r = cli_run(planned, monkeypatch, "review", "--base", "main")
    assert r.code == 2
    assert ("its commits claim 2 slices (plans/awards.yaml#tables, plans/awards.yaml#views); "
            "review one at a time with --plan PLAN#SLICE") in r.err
    r = cli_run(planned, monkeypatch, "review", "--range", "main..HEAD", "--plan",
                "plans/awards.yaml#views", "--format", "json")
    assert r.code == 0 and json.loads(r.out)["claimed_by"] == "--plan"

    commit_slice(planned, {"docs/more.md": "more\n"}, plan=None, message="No trailer")
    r = cli_run(planned, monkeypatch, "review")
    assert r.code == 2
    assert "no slice to review against" in r.err and "pass --plan PLAN#SLICE" in r.err
    assert cli_run(planned, monkeypatch, "review", "--base", "main", "--range", "a..b").code == 2


def test_review_github_format(planned: Repo, api: fake_api.FakeAPI, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_OUTPUT", str(outputs))
    commit_slice(planned, GOOD)
    api.replies.append(review_reply(True, 0.9, findings=[
        {"severity": "blocker", "path": "app/models/__init__.py", "line": 2,
         "message": "imports a module that does not exist, 100% sure"}]))
    r = cli_run(planned, monkeypatch, "review", "--format", "github")
    assert r.code == 1
    assert ("::error file=app/models/__init__.py,line=2,title=planscope review%3A blocker::"
            "imports a module that does not exist, 100%25 sure") in r.out.splitlines()
    lines = r.out.splitlines()
    stop = next(i for i, line in enumerate(lines) if line.startswith("::stop-commands::"))
    token = lines[stop].split("::")[2]
    assert lines.index(f"::{token}::") > stop + 1  # the text report sits between them
    assert "## planscope review: ⛔ blocker found" in summary.read_text()
    assert outputs.read_text() == "result=blocker\nfinding-count=1\n"


# --- review: faults -------------------------------------------------------------------------


def test_review_api_down_exits_3_or_warns_and_keeps_local_facts(
    planned: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_api.closed_port_url())
    configure(planned, timeout_s=1.5, on_error="fail")
    commit_slice(planned, {**GOOD, "README.md": "# app\nawards\n"})
    start = time.monotonic()
    r = planned.planscope("review")
    assert time.monotonic() - start < 1.5 + SLACK_S
    assert r.code == 3
    (line,) = r.err.strip().splitlines()
    assert line.startswith("planscope: error: the review could not run: cannot reach the API "
                           "at http://127.0.0.1:")
    assert "  major    [local] README.md: outside slice 'tables'" in r.out

    configure(planned, timeout_s=1.5, on_error="pass")
    r = planned.planscope("review")
    assert r.code == 0, r.err
    assert "WARNING: the review could not run (cannot reach the API" in r.out
    assert "only the local facts are reported, because verify.on_error is pass" in r.out

    commit_slice(planned, {"app/auth/session.py": "# changed\n"})  # forbidden: still blocks
    r = planned.planscope("review")
    assert r.code == 1 and "blocker  [local] app/auth/session.py" in r.out


# --- plan-review ----------------------------------------------------------------------------


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
        "confidence", "ready", "gaps", "wrong_assumptions"}
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
        f"- reviewer: {OPUS}",
        "  confidence: 0.4",
        f"  at: {TODAY}",
        '  notes: "not ready; 2 gaps, 1 wrong assumption; first: Members are stored in '
        'app/models/member.py, but nothing there has an id column."',
    ])
    assert after.endswith("# end of plan\n")
    check = planned.planscope("validate", "plans/awards.yaml", "--against", "HEAD")
    assert check.code == 0, check.err
    reviews = plan_mod.load(planned.path, "plans/awards.yaml").reviews
    assert [(x.reviewer, x.confidence, x.at) for x in reviews] == [
        ("alice", 0.5, "2026-11-01"), (SONNET, 0.9, TODAY), (OPUS, 0.4, TODAY)]

    r = cli_run(planned, monkeypatch, "plan-review", "plans/awards.yaml", "--record")
    assert r.code == 1 and len(api.requests) == 2  # cached answers, recorded again
    assert len(plan_mod.load(planned.path, "plans/awards.yaml").reviews) == 5
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
    planned: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
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
    (["--reviewer", "a=openai:gpt"], None, "use NAME=PROVIDER:MODEL"),
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


# --- the pieces, in process -----------------------------------------------------------------


ENTRY = {"reviewer": "opus", "confidence": 0.4, "at": "2026-11-20", "notes": "no: rollback"}


@pytest.mark.parametrize(("text", "expected"), [
    ("version: 1  # v\nid: x\n", "version: 1  # v\nid: x\nreviews:\n  - reviewer: opus\n"
     "    confidence: 0.4\n    at: 2026-11-20\n    notes: \"no: rollback\"\n"),
    ("id: x\nreviews: []  # none yet\n",
     "id: x\nreviews: [{reviewer: opus, confidence: 0.4, at: 2026-11-20, "
     "notes: \"no: rollback\"}]  # none yet\n"),
    ("reviews: [{reviewer: a, confidence: 1}]\nid: x\n",
     "reviews: [{reviewer: a, confidence: 1}, {reviewer: opus, confidence: 0.4, "
     "at: 2026-11-20, notes: \"no: rollback\"}]\nid: x\n"),
    ("reviews:   # later\nid: x\n", "reviews:   # later\n  - reviewer: opus\n"
     "    confidence: 0.4\n    at: 2026-11-20\n    notes: \"no: rollback\"\nid: x\n"),
    ("reviews: ~\nid: x", "reviews: \n  - reviewer: opus\n    confidence: 0.4\n"
     "    at: 2026-11-20\n    notes: \"no: rollback\"\nid: x"),
    ("reviews:\n- reviewer: a\n  confidence: 1\n# after\nid: x\n",
     "reviews:\n- reviewer: a\n  confidence: 1\n- reviewer: opus\n  confidence: 0.4\n"
     "  at: 2026-11-20\n  notes: \"no: rollback\"\n# after\nid: x\n"),
    ("id: x\r\nreviews:\r\n  - reviewer: a\r\n    notes: |\r\n      two\r\n      lines\r\n",
     "id: x\r\nreviews:\r\n  - reviewer: a\r\n    notes: |\r\n      two\r\n      lines\r\n"
     "  - reviewer: opus\r\n    confidence: 0.4\r\n    at: 2026-11-20\r\n"
     "    notes: \"no: rollback\"\r\n"),
])
def test_insert_reviews_at_the_text_level(text: str, expected: str) -> None:
    got = planrecord.insert_reviews(text, "p.yaml", [ENTRY])
    assert got == expected
    reviews = yaml.safe_load(got)["reviews"]
    assert {**reviews[-1], "at": str(reviews[-1]["at"])} == ENTRY


def test_insert_reviews_refuses_what_it_cannot_edit() -> None:
    with pytest.raises(BadInput, match="top level is not a block mapping"):
        planrecord.insert_reviews("{id: x, reviews: []}\n", "p.yaml", [ENTRY])
    with pytest.raises(BadInput, match="'reviews' is not a list"):
        planrecord.insert_reviews("reviews: none yet\n", "p.yaml", [ENTRY])


def test_verdict_and_unique_gaps() -> None:
    answer = Answer("anthropic", "m", {})

    def opinion(name: str, confidence: float, ready: bool, *gaps: str) -> planreview.Opinion:
        return planreview.Opinion(Reviewer(name), confidence, ready, gaps, (), answer)

    a = opinion("a", 0.9, True, "No rollback step for the migration.", "Index is missing")
    b = opinion("b", 0.55, False, "the migration has no rollback step", "Views lack tests")
    assert planreview.verdict([a, b], 0.8, 0.25) == planreview.DISAGREE
    assert planreview.verdict([a, replace(b, confidence=0.7)], 0.8, 0.25) == planreview.NOT_READY
    assert planreview.verdict([a, replace(b, confidence=0.8, ready=True)], 0.8, 0.25) \
        == planreview.READY
    assert planreview.verdict([replace(a, confidence=0.2), b], 0.8, 0.25) == planreview.NOT_READY
    assert planreview.verdict([], 0.8, 0.25) == planreview.NOT_READY
    assert planreview.only_raised([a, b]) == {"a": (("Index is missing",), ()),
                                              "b": (("Views lack tests",), ())}
