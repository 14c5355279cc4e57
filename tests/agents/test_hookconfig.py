"""Agent settings files (checker/agents/hookconfig.py) through `planscope init
--claude-code`: the guard registered for every tool it must see."""

from __future__ import annotations

import json
from typing import Any

import pytest

from checker.agents import hookconfig
from tests.conftest import Repo

BASH_ENTRY = {"matcher": "Bash", "hooks": [{"type": "command", "command": "./check-bash.sh"}]}


POST_ENTRY = {"matcher": "Edit|Write", "hooks": [{"type": "command", "command": "ruff format"}]}


EXISTING_SETTINGS: dict[str, Any] = {
    "permissions": {"allow": ["Bash(npm run test:*)"], "deny": ["Read(./.env)"]},
    "env": {"FOO": "1"},
    "hooks": {
        "PreToolUse": [BASH_ENTRY],
        "PostToolUse": [POST_ENTRY],
    },
}


GUARD_ENTRY = {"matcher": "Edit|Write|MultiEdit|NotebookEdit|Bash",
               "hooks": [{"type": "command", "command": "planscope guard"}]}


def test_init_claude_code_merges_into_existing_settings(repo: Repo) -> None:
    settings = repo.write(".claude/settings.json", json.dumps(EXISTING_SETTINGS, indent=4))
    r = repo.planscope("init", "--claude-code")
    assert r.code == 0, r.err
    assert "added the PreToolUse hook 'planscope guard' to .claude/settings.json" in r.out
    doc = json.loads(settings.read_text())
    assert doc["permissions"] == EXISTING_SETTINGS["permissions"]
    assert doc["env"] == {"FOO": "1"}
    assert doc["hooks"]["PostToolUse"] == [POST_ENTRY]
    assert doc["hooks"]["PreToolUse"] == [BASH_ENTRY, GUARD_ENTRY]
    assert not (repo.path / ".planscope.yaml").exists()  # only the hook was added
    before = settings.read_bytes()
    again = repo.planscope("init", "--claude-code")
    assert again.code == 0 and "already runs 'planscope guard'; nothing changed" in again.out
    assert settings.read_bytes() == before


def test_init_claude_code_creates_the_settings_file(repo: Repo) -> None:
    r = repo.planscope("init", "--claude-code")
    assert r.code == 0, r.err
    doc = json.loads((repo.path / ".claude/settings.json").read_text())
    assert doc == {"hooks": {"PreToolUse": [GUARD_ENTRY]}}


def test_init_claude_code_recognises_a_guard_installed_by_hand(repo: Repo) -> None:
    custom = {"hooks": {"PreToolUse": [{"matcher": "*", "hooks": [
        {"type": "command", "command": "/opt/bin/planscope guard --deny-with json"}]}]}}
    settings = repo.write(".claude/settings.json", json.dumps(custom))
    r = repo.planscope("init", "--claude-code")
    assert r.code == 0 and "nothing changed" in r.out
    assert json.loads(settings.read_text()) == custom


def test_a_guard_entry_with_a_narrower_matcher_is_widened(repo: Repo) -> None:
    """A guard registered for Write only leaves Edit unguarded: it is not "installed"."""
    narrow = {"hooks": {"PreToolUse": [{"matcher": "Write", "hooks": [
        {"type": "command", "command": "/opt/bin/planscope guard --deny-with json"}]}]}}
    settings = repo.write(".claude/settings.json", json.dumps(narrow))
    assert not hookconfig.guard_installed(repo.path, ".claude/settings.json")
    r = repo.planscope("init", "--claude-code")
    assert r.code == 0 and "nothing changed" not in r.out
    (entry,) = json.loads(settings.read_text())["hooks"]["PreToolUse"]
    assert entry["matcher"] == hookconfig.CLAUDE_MATCHER
    assert entry["hooks"][0]["command"] == "/opt/bin/planscope guard --deny-with json"
    assert hookconfig.guard_installed(repo.path, ".claude/settings.json")
    shared = {"hooks": {"PreToolUse": [{"matcher": "Edit", "hooks": [
        {"type": "command", "command": "planscope guard"},
        {"type": "command", "command": "./lint.sh"}]}]}}
    settings.write_text(json.dumps(shared))
    assert repo.planscope("init", "--claude-code").code == 0
    entries = json.loads(settings.read_text())["hooks"]["PreToolUse"]
    assert entries[0] == shared["hooks"]["PreToolUse"][0] and entries[1] == GUARD_ENTRY


@pytest.mark.parametrize(("matcher", "tool", "selected"), [
    (None, "Edit", True), ("", "Bash", True), ("*", "Write", True),
    ("Write", "Write", True), ("Write", "Edit", False), ("Edit, Write", "Write", True),
    ("Edit|Write", "MultiEdit", True),  # a regular expression, unanchored
    ("^Edit$", "MultiEdit", False), ("Notebook.*", "NotebookEdit", True),
    ("(", "Edit", False), (3, "Edit", False),
])
def test_matchers_read_as_claude_code_reads_them(matcher: Any, tool: str,
                                                 selected: bool) -> None:
    assert hookconfig.matches(matcher, tool) is selected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"permissions": {"allow": []},\n  "hooks": }',
         ".claude/settings.json:2:12: not valid JSON"),
        ("[]", "the top level is not a JSON object"),
        ('{"hooks": []}', '"hooks" is not an object'),
        ('{"hooks": {"PreToolUse": {}}}', '"hooks.PreToolUse" is not a list'),
    ],
)
def test_init_claude_code_refuses_a_settings_file_it_cannot_merge(
    repo: Repo, text: str, message: str
) -> None:
    settings = repo.write(".claude/settings.json", text)
    r = repo.planscope("init", "--claude-code")
    assert r.code == 2 and message in r.err and "nothing was changed" in r.err
    assert settings.read_text() == text
