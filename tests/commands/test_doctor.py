"""`planscope doctor` (checker/commands/doctor.py)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Repo


def test_doctor_without_and_with_hooks(awards: Repo) -> None:
    r = awards.planscope("doctor", "--offline")
    assert r.code == 0, r.out
    assert "OK    config .planscope.yaml" in r.out and "OK    plan plans/awards.yaml" in r.out
    assert "WARN  no planscope hook for: pre-commit, commit-msg, pre-push" in r.out
    assert ("OK    ANTHROPIC_API_KEY is not set: only planscope review and plan-review "
            "(claude-sonnet-5-5, claude-opus-5-5) would need it (the verification pass "
            "does not)") in r.out  # on_drift: block; nothing to reach without a key
    assert "API reachability" not in r.out
    awards.write(".planscope.yaml", "on_drift: verify\n")
    r = awards.planscope("doctor", "--offline")
    assert "WARN  API reachability not checked (offline)" in r.out  # now checks call a model
    hook = awards.path / ".git/hooks/commit-msg"
    hook.write_text('#!/bin/sh\nexec planscope hook commit-msg "$1"\n')
    r = awards.planscope("doctor", "--offline")  # git skips a hook it cannot execute
    assert f"WARN  commit-msg hook {hook} is not executable: git skips it" in r.out
    assert "no planscope hook for: pre-commit, commit-msg, pre-push" in r.out
    hook.chmod(0o755)
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
    awards.write(".planscope.yaml", "on_drift: verify\n")
    start = time.monotonic()
    r = awards.planscope("doctor")
    elapsed = time.monotonic() - start
    assert elapsed < 60, elapsed  # bounded (the server never answers); margin for load
    assert f"checking http://127.0.0.1:{silent_server}/v1/models (waits at most 5s)" in r.err
    assert "FAIL  API not reachable at" in r.out and "(no answer within 5s)" in r.out
    assert "timed out" in r.out
    assert r.code == 2


def test_doctor_says_a_refused_connection_failed_at_once(
    awards: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as s:  # a port nothing listens on once this is closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("ANTHROPIC_BASE_URL", f"http://127.0.0.1:{port}")
    awards.write(".planscope.yaml", "on_drift: verify\n")
    r = awards.planscope("doctor")
    assert r.code == 2 and "FAIL  API not reachable at" in r.out
    assert "(failed after " in r.out and "within" not in r.out, r.out


def test_no_key_is_fine_when_no_check_calls_a_model(
    awards: Repo, silent_server: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_BASE_URL", f"http://127.0.0.1:{silent_server}")
    r = awards.planscope("doctor")  # awards has on_drift: block
    assert r.code == 0, r.out
    assert ("OK    ANTHROPIC_API_KEY is not set: only planscope review and plan-review "
            "(claude-sonnet-5-5, claude-opus-5-5) would need it") in r.out
    assert "API not reachable" not in r.out  # no key: nothing is sent, nothing is probed
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    r = awards.planscope("doctor")  # with a key, the on-demand uses are worth probing for
    assert r.code == 0 and "WARN  API not reachable at" in r.out


def test_every_model_use_a_command_needs_no_key_and_no_probe(awards: Repo) -> None:
    awards.write(".planscope.yaml", "on_drift: verify\nverify:\n  provider: command\n"
                 "  command: ['true']\nreview:\n  plan:\n    reviewers:\n"
                 "      - {name: one, provider: command}\n"
                 "      - {name: two, provider: command}\n")
    r = awards.planscope("doctor")
    assert r.code == 0, r.out
    assert ("OK    no model call of this configuration uses the Anthropic API (verify and "
            "every reviewer run a command): no key needed") in r.out
    assert "ANTHROPIC_API_KEY" not in r.out and "reachab" not in r.out


def _planscope_in_the_project(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """planscope as a development install in the project's .venv: a script there that runs
    this one, and the interpreter planscope runs from said to be there."""
    real = Path(sys.executable).parent / "planscope"
    script = repo.path / ".venv/bin/planscope"
    script.parent.mkdir(parents=True)
    script.write_text(f'#!/bin/sh\nexec "{real}" "$@"\n')
    script.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(script.parent / "python"))


def test_a_guard_that_would_not_start_fails(awards: Repo, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Claude Code's hook exits 127 when planscope is not on its PATH, and the agent takes
    that as allow: doctor runs the command as the agent would."""
    settings = awards.path / ".claude/settings.json"
    settings.parent.mkdir()
    matcher = "Edit|Write|MultiEdit|NotebookEdit|Bash"
    settings.write_text(json.dumps({"hooks": {"PreToolUse": [{"matcher": matcher, "hooks": [
        {"type": "command", "command": "/nonexistent/bin/planscope guard"}]}]}}))
    r = awards.planscope("doctor", "--offline")
    assert r.code != 0
    assert "FAIL  Claude Code guard: '/nonexistent/bin/planscope guard' would not start " \
           "(exit 127" in r.out
    # planscope inside the project (its .venv): init writes the command through
    # $CLAUDE_PROJECT_DIR, and doctor finds that it starts
    _planscope_in_the_project(awards, monkeypatch)
    settings.unlink()
    assert awards.planscope("init", "--claude-code").code == 0
    written = json.loads(settings.read_text())["hooks"]["PreToolUse"][0]["hooks"][0]
    assert written["command"] == '"$CLAUDE_PROJECT_DIR"/.venv/bin/planscope guard || exit 2'
    r = awards.planscope("doctor", "--offline")
    assert "OK    Claude Code guard: installed in .claude/settings.json, and its command " \
           "starts" in r.out, r.out


def test_the_codex_guard_starts_from_a_subfolder(awards: Repo,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Codex names no project folder: the command init writes finds the work tree's top
    with git, from wherever the session runs, and doctor finds that it starts."""
    _planscope_in_the_project(awards, monkeypatch)
    assert awards.planscope("init", "--codex").code == 0
    hooks = json.loads((awards.path / ".codex/hooks.json").read_text())
    command = hooks["hooks"]["PreToolUse"][0]["hooks"][0]["command"]
    assert command == '"$(git rev-parse --show-toplevel)"/.venv/bin/planscope guard || exit 2'
    assert "OK    Codex guard: installed in .codex/hooks.json, and its command starts" in \
        awards.planscope("doctor", "--offline").out
    hook = json.dumps({"hook_event_name": "PreToolUse", "tool_name": "Write",
                       "cwd": str(awards.path / "app"),
                       "tool_input": {"file_path": str(awards.path / ".git/hooks/pre-commit"),
                                      "content": "exit 0"}})
    done = subprocess.run(["sh", "-c", command], input=hook, text=True, capture_output=True,
                          cwd=awards.path / "app", check=False, timeout=120)
    assert done.returncode == 2 and "git hooks folder" in done.stderr, done.stderr


@pytest.mark.parametrize(("command", "said"), [
    ("echo planscope guard", "does not refuse a write to the git hooks folder (exit 0): it is "
                             "not planscope's guard"),
    ("{planscope} gaurd", "refuses a harmless call (exit 2"),
])
def test_a_hook_that_is_not_the_guard_fails(awards: Repo, command: str, said: str) -> None:
    """doctor runs what the settings hold, twice: a harmless call must pass and a write to
    the hooks folder must be refused; a look-alike or a leftover fails."""
    settings = awards.path / ".claude/settings.json"
    settings.parent.mkdir()
    matcher = "Edit|Write|MultiEdit|NotebookEdit|Bash"
    planscope = str(Path(sys.executable).parent / "planscope")
    real, command = f"{planscope} guard", command.format(planscope=planscope)
    settings.write_text(json.dumps({"hooks": {"PreToolUse": [{"matcher": matcher, "hooks": [
        {"type": "command", "command": real}, {"type": "command", "command": command}]}]}}))
    r = awards.planscope("doctor", "--offline")
    assert r.code != 0 and f"FAIL  Claude Code guard: {command!r} {said}" in r.out, r.out


def test_openai_uses_name_their_key(awards: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("GPT_KEY", "x")
    awards.write(".planscope.yaml", "\n".join([
        "on_drift: verify", "verify:", "  provider: openai", "  model: gpt-5.5",
        "review:", "  plan:", "    reviewers:",
        "      - {name: a, provider: command, command: [./judge]}",
        "      - {name: gpt, provider: openai, model: gpt-5.5, api_key_env: GPT_KEY}"]) + "\n")
    r = awards.planscope("doctor", "--offline")
    assert "WARN  OPENAI_API_KEY is not set: the verification pass would need it" in r.out
    assert "OK    GPT_KEY is set (openai provider: plan-review (gpt))" in r.out
    assert "uses the Anthropic API (its models are openai's or commands): no key needed" \
        in r.out, r.out
