"""`planscope review` (checker/commands/review.py) through the real SDK and a fake API:
local facts merged with the model's review, what is sent, GitHub mode, the API down."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from checker.model import prompt as vprompt
from tests import fake_api
from tests.conftest import KEY, Repo
from tests.fake_api import data_blocks, system_text, user_message
from tests.reviewing import (  # noqa: F401
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
    planned.rules_below_head()
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
    planned.commit_rules()  # on main: --base main reviews by main's rules
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


def test_review_api_down_exits_3_or_warns_and_keeps_local_facts(
    sdk: None, planned: Repo, monkeypatch: pytest.MonkeyPatch
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
    planned.rules_below_head()
    r = planned.planscope("review")
    assert r.code == 0, r.err
    assert "WARNING: the review could not run (cannot reach the API" in r.out
    assert "only the local facts are reported, because verify.on_error is pass" in r.out

    commit_slice(planned, {"app/auth/session.py": "# changed\n"})  # forbidden: still blocks
    r = planned.planscope("review")
    assert r.code == 1 and "blocker  [local] app/auth/session.py" in r.out


def test_review_record_keeps_the_review_in_the_plan(planned: Repo, api: fake_api.FakeAPI,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.rules import plan as plan_mod

    sha = commit_slice(planned, GOOD)
    before = (planned.path / "plans/awards.yaml").read_text()
    api.replies.append(review_reply(
        True, 0.9, findings=[{"severity": "minor", "path": "app/models/__init__.py", "line": 2,
                              "message": "import the model lazily"}]))
    r = cli_run(planned, monkeypatch, "review", "--record")
    assert r.code == 0, r.out + r.err
    assert "  recorded the review in plans/awards.yaml" in r.out.splitlines()
    after = (planned.path / "plans/awards.yaml").read_text()
    assert after.startswith(before.rstrip("\n").rpartition("\n# end of plan")[0])
    last = plan_mod.load(planned.path, "plans/awards.yaml").reviews[-1]
    assert (last.reviewer, last.confidence, last.at) == (SONNET, 0.9, TODAY)
    assert last.notes == (f"diff review of {sha[:9]}..{sha[:9]}: matches the plan; "
                          f"1 finding; first: import the model lazily").replace(
        f"{sha[:9]}..", f"{planned.git('rev-parse', sha + '~1').strip()[:9]}..")
    assert planned.planscope("validate", "plans/awards.yaml").code == 0
    assert planned.planscope("review", "--record", "--format", "github").code == 2
