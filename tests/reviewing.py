"""Helpers shared by the review and plan-review tests: the awards plan, config, replies."""

from __future__ import annotations

import datetime
import sys
import textwrap
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from tests import fake_api

if TYPE_CHECKING:
    from tests.conftest import Repo, Run

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


def configure(repo: Repo, *, timeout_s: float = 10, on_error: str = "fail",
              review: Mapping[str, Any] | None = None, **verify: Any) -> None:
    """Write .planscope.yaml (``commit_slice`` commits it first: a change is judged by the
    rules of its base)."""
    doc: dict[str, Any] = {"on_drift": "block",
                           "verify": {"timeout_s": timeout_s, "on_error": on_error, **verify}}
    if review is not None:
        doc["review"] = review
    repo.write(".planscope.yaml", yaml.safe_dump(doc, sort_keys=False))


def commit_slice(repo: Repo, files: Mapping[str, str | bytes], plan: str | None = TABLES,
                 message: str = "Awards table") -> str:
    """Commit ``files`` (after the config the working tree holds: a change is judged by the
    rules of its base)."""
    repo.commit_rules()
    for path, content in files.items():
        if isinstance(content, bytes):
            (repo.path / path).parent.mkdir(parents=True, exist_ok=True)
            (repo.path / path).write_bytes(content)
        else:
            repo.write(path, content)
    return repo.commit(message, *files, plan=plan)


def cli_run(repo: Repo, monkeypatch: pytest.MonkeyPatch, *args: str) -> Run:
    """The click command in this process (the SDK is imported once for the whole file)."""
    return repo.planscope(*args)


def review_reply(matches: bool = True, confidence: float = 0.9,
                 findings: Sequence[dict[str, Any]] = (), missing_tests: Sequence[str] = (),
                 unplanned: Sequence[str] = (), delay: float = 0.0) -> fake_api.Reply:
    return fake_api.Reply(body=fake_api.message({
        "matches_plan": matches, "confidence": confidence, "findings": list(findings),
        "missing_tests": list(missing_tests), "unplanned_changes": list(unplanned),
    }, name="record_review"), delay=delay)


def plan_reply(confidence: float, ready: bool, gaps: Sequence[str] = (),
               wrong: Sequence[str] = (), delay: float = 0.0,
               blockers: Sequence[str] = ()) -> fake_api.Reply:
    return fake_api.Reply(body=fake_api.message({
        "confidence": confidence, "ready": ready, "gaps": list(gaps),
        "wrong_assumptions": list(wrong), "blockers": list(blockers),
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


SLACK_S = 2.5  # interpreter start-up and a busy machine, on top of verify.timeout_s
