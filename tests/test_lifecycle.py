"""init, new, pr-body, status, trace and doctor, on real repositories."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from tests.conftest import AWARDS_PLAN, Repo


def test_init_new_validate(repo: Repo) -> None:
    r = repo.planscope("init")
    assert r.code == 0, r.err
    assert "wrote .planscope.yaml" in r.out and "wrote plans/example.yaml" in r.out
    assert "default_install_hook_types" in r.out and "fetch-depth: 0" in r.out
    assert (repo.path / "schemas/plan.schema.json").is_file()
    r = repo.planscope("new", "Awards: the dashboard!", "--slices", "3")
    assert (r.code, r.out.strip()) == (0, "plans/awards-the-dashboard.yaml")
    text = (repo.path / "plans/awards-the-dashboard.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../schemas/plan.schema.json\n")
    assert "status: draft" in text and "id: s3" in text and "depends_on: [s2]" in text
    r = repo.planscope("validate")
    assert r.code == 0, r.err
    assert r.out.splitlines() == [
        "plans/awards-the-dashboard.yaml: ok (3 slices)",
        "plans/example.yaml: ok (1 slice)",
    ]


def test_init_refuses_to_overwrite(repo: Repo) -> None:
    repo.write(".planscope.yaml", "on_drift: warn\n")
    r = repo.planscope("init")
    assert r.code == 2 and ".planscope.yaml: already exist" in r.err
    assert (repo.path / ".planscope.yaml").read_text() == "on_drift: warn\n"
    assert not (repo.path / "plans/example.yaml").exists()
    assert repo.planscope("init", "--force").code == 0
    assert "on_drift: block" in (repo.path / ".planscope.yaml").read_text()


def test_new_refuses_an_id_in_use(repo: Repo) -> None:
    repo.write("plans/other.yaml", AWARDS_PLAN)
    r = repo.planscope("new", "Something", "--id", "awards-dashboard")
    assert r.code == 2 and "plans/other.yaml: already uses the plan id 'awards-dashboard'" in r.err
    assert repo.planscope("new", "Something").code == 0
    r = repo.planscope("new", "Something")
    assert r.code == 2 and "plans/something.yaml: already exists" in r.err
    r = repo.planscope("new", "x", "--id", "Bad Id")
    assert r.code == 2 and "use lowercase letters" in r.err


def test_pr_body_lists_every_file_and_the_trailer(awards: Repo) -> None:
    plan = (awards.path / "plans/awards.yaml").read_text()
    awards.write(
        "plans/awards.yaml",
        plan + "reviews:\n  - {reviewer: claude-opus-5-5, "
        "confidence: 0.86, at: 2026-11-20, notes: Needs a rollback step.}\n",
    )
    r = awards.planscope("pr-body", "plans/awards.yaml#views")
    assert r.code == 0, r.err
    body = r.out
    assert body.startswith("## Dashboard views\n")
    for expected in (
        "`app/views/awards.py`",
        "`app/views/__init__.py`",
        "Members give each other",
        "- [ ] `tables`: New database tables (approved)",
        "Members are stored in app/models/member.py",
        "| claude-opus-5-5 | 0.86 | 2026-11-20 | Needs a rollback step. |",
        "`app/auth/**`",
    ):
        assert expected in body, expected
    assert body.rstrip().endswith("Plan: plans/awards.yaml#views")
    r = awards.planscope("pr-body", "plans/awards.yaml#tables")
    for f in (
        "db/migrations/0042_awards.sql",
        "app/models/__init__.py",
        "app/auth/session.py",
        "tests/**/test_awards*.py",
        "tests/test_awards_migration.py",
    ):
        assert f"`{f}`" in r.out
    assert awards.planscope("pr-body", "plans/awards.yaml#nope").code == 2


def test_status_after_three_commits_on_two_slices(awards: Repo) -> None:
    awards.write("db/migrations/0042_awards.sql")
    awards.commit("table", plan="plans/awards.yaml#tables")
    awards.write("app/models/__init__.py", "changed\n")
    awards.write("app/helpers.py")
    awards.commit("models, and a helper", plan="plans/awards.yaml#tables")
    awards.write("app/views/awards.py")
    awards.commit("view", plan="plans/awards.yaml#views")
    r = awards.planscope("status", "plans/awards.yaml")
    assert r.code == 0, r.err
    assert "tables  approved     2 commits  2/4 planned files touched" in r.out
    assert "      drift      app/helpers.py" in r.out
    assert "      untouched  tests/test_awards_migration.py" in r.out
    assert "views   approved     1 commit  1/2 planned files touched" in r.out
    doc = json.loads(awards.planscope("status", "plans/awards.yaml", "--format", "json").out)
    tables, views = doc["plans"][0]["slices"]
    assert [c["subject"] for c in tables["commits"]] == ["table", "models, and a helper"]
    assert tables["touched"] == ["db/migrations/0042_awards.sql", "app/models/__init__.py"]
    assert tables["drift"] == ["app/helpers.py"]
    assert views["untouched"] == ["app/views/__init__.py"]
    r = awards.planscope("status")
    assert r.out.strip() == (
        "plans/awards.yaml  awards-dashboard  approved  2 slices  3 commits  "
        "3/6 planned files touched  1 drift"
    )


def test_status_in_a_new_repository(repo: Repo) -> None:
    repo.write("plans/awards.yaml", AWARDS_PLAN)
    r = repo.planscope("status")
    assert r.code == 0 and "0 commits" in r.out


def test_trace_a_file_touched_by_two_slices(awards: Repo) -> None:
    awards.write("app/models/__init__.py", "tables\n")
    first = awards.commit("models for tables", plan="plans/awards.yaml#tables")
    awards.write("app/models/__init__.py", "views\n")
    second = awards.commit("models for views", plan="plans/awards.yaml#views")
    plan = (
        (awards.path / "plans/awards.yaml")
        .read_text()
        .replace("app/models/member.py", "app/models/ (members live there)")
    )
    awards.write("plans/awards.yaml", plan)
    r = awards.planscope("trace", "app/models/__init__.py")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0] == f"{second[:9]} models for views  [plans/awards.yaml#views]"
    assert lines[1] == "    app/models/__init__.py (drift)"
    assert lines[3] == f"{first[:9]} models for tables  [plans/awards.yaml#tables]"
    assert lines[4] == "    app/models/__init__.py (files.modify)"
    assert lines[5] == "        assumption: Members are stored in app/models/ (members live there)"
    initial = awards.git("rev-list", "--max-parents=0", "HEAD").strip()
    assert lines[-2:] == [f"{initial[:9]} Initial  [Plan: none]", "    app/models/__init__.py"]
    r = awards.planscope("trace", "--commit", first)
    assert r.out.splitlines()[1] == "    app/models/__init__.py (files.modify)"
    assert awards.planscope("trace").code == 2


def test_doctor_without_and_with_hooks(awards: Repo) -> None:
    r = awards.planscope("doctor", "--offline")
    assert r.code == 0, r.out
    assert "OK    config .planscope.yaml" in r.out and "OK    plan plans/awards.yaml" in r.out
    assert "WARN  no planscope hook for: pre-commit, commit-msg, pre-push" in r.out
    assert "WARN  API reachability not checked (offline)" in r.out
    hook = awards.path / ".git/hooks/commit-msg"
    hook.write_text('#!/bin/sh\nexec planscope hook commit-msg "$1"\n')
    r = awards.planscope("doctor", "--offline")
    assert f"OK    commit-msg hook: plain hook ({hook})" in r.out
    assert "no planscope hook for: pre-commit, pre-push" in r.out


def test_doctor_bad_config(awards: Repo) -> None:
    awards.write(".planscope.yaml", "on_drift: never\n")
    r = awards.planscope("doctor", "--offline")
    assert r.code == 2
    assert "FAIL  .planscope.yaml:1:11: on_drift: 'never' is not one of" in r.out


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server on 127.0.0.1 that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_doctor_unreachable_api_ends_within_its_bound(
    awards: Repo, silent_server: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_BASE_URL", f"http://127.0.0.1:{silent_server}")
    start = time.monotonic()
    r = awards.planscope("doctor")
    elapsed = time.monotonic() - start
    assert elapsed < 8, elapsed
    assert f"checking http://127.0.0.1:{silent_server}/v1/models (waits at most 5s)" in r.err
    assert "FAIL  API not reachable at" in r.out and "timed out" in r.out
    assert r.code == 2
