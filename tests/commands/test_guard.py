"""The edit-time guard (checker/commands/guard.py): refusals, the active slice, links,
worktrees, bad input, and its cache."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests import sealed
from tests.conftest import Repo, Run

TABLES = "plans/awards.yaml#tables"


VIEWS = "plans/awards.yaml#views"


def payload(tool: str, path: str, cwd: Path, **extra: Any) -> dict[str, Any]:
    """A hook input shaped like the one Claude Code sends for ``tool``."""
    tool_input: dict[str, Any]
    if tool == "Edit":
        tool_input = {"file_path": path, "old_string": "# models\n", "new_string": "# m\n",
                      "replace_all": False}
    elif tool == "Write":
        tool_input = {"file_path": path, "content": "print('hi')\n"}
    elif tool == "MultiEdit":
        tool_input = {"file_path": path,
                      "edits": [{"old_string": "a", "new_string": "b", "replace_all": False}]}
    elif tool == "NotebookEdit":
        tool_input = {"notebook_path": path, "cell_id": "cell-1", "new_source": "x = 1",
                      "cell_type": "code", "edit_mode": "replace"}
    else:
        raise AssertionError(tool)
    return {
        "session_id": "7c1e4a7e-0d7b-4a6b-9a52-3f0b8c1d2e3f",
        "transcript_path": "/home/dev/.claude/projects/app/7c1e4a7e.jsonl",
        "cwd": str(cwd),
        "permission_mode": "default",
        "hook_event_name": "PreToolUse",
        "tool_name": tool,
        "tool_input": tool_input,
        "tool_use_id": "toolu_01ABCDEF",
        **extra,
    }


def guard(repo: Repo, tool: str, path: str | Path, cwd: Path | None = None,
          *args: str) -> Run:
    return repo.planscope("guard", *args,
                          stdin=json.dumps(payload(tool, str(path), cwd or repo.path)))


def denial(r: Run) -> str:
    """The JSON decision on stdout of a refusal; its reason must equal stderr's."""
    doc = json.loads(r.out)
    out = doc["hookSpecificOutput"]
    assert out["hookEventName"] == "PreToolUse" and out["permissionDecision"] == "deny"
    reason: str = out["permissionDecisionReason"]
    assert reason == r.err.strip()
    return reason


def allowed_silently(r: Run) -> bool:
    return r.code == 0 and r.out == "" and r.err == ""


@pytest.fixture
def active(awards: Repo) -> Repo:
    """The awards repo with slice 'tables' set by ``planscope use``."""
    r = awards.planscope("use", TABLES)
    assert r.code == 0, r.err
    return awards


@pytest.mark.parametrize("tool", ["Edit", "Write", "MultiEdit"])
def test_in_scope_edit_is_allowed_silently(active: Repo, tool: str) -> None:
    assert allowed_silently(guard(active, tool, active.path / "app/models/__init__.py"))
    assert allowed_silently(guard(active, tool, active.path / "db/migrations/0042_awards.sql"))
    # allow: globs count too
    assert allowed_silently(guard(active, tool, active.path / "tests/unit/test_awards_api.py"))


@pytest.mark.parametrize("tool", ["Edit", "Write", "MultiEdit"])
def test_forbidden_path_is_refused_naming_slice_and_rule(active: Repo, tool: str) -> None:
    # app/auth/session.py is listed in the slice's modify, but the plan forbids app/auth/**
    r = guard(active, tool, active.path / "app/auth/session.py")
    assert r.code == 2
    reason = denial(r)
    assert f"{tool} of app/auth/session.py refused" in reason
    assert "forbidden by rule 'app/auth/**' (forbid of plans/awards.yaml)" in reason
    assert "for the active slice 'tables' of plans/awards.yaml (set by planscope use)" in reason


def test_slice_level_forbid_is_named_as_such(awards: Repo) -> None:
    plan = (awards.path / "plans/awards.yaml").read_text()
    awards.write("plans/awards.yaml", plan.replace(
        "    allow: [tests/**/test_awards*.py]\n",
        "    allow: [tests/**/test_awards*.py]\n    forbid: [app/models/legacy/**]\n"))
    awards.planscope("use", TABLES)
    reason = denial(guard(awards, "Write", awards.path / "app/models/legacy/old.py"))
    assert "forbidden by rule 'app/models/legacy/**' (forbid of plans/awards.yaml#tables)" in reason


def test_out_of_scope_path_is_refused_with_the_slice_scope(active: Repo) -> None:
    r = guard(active, "Write", active.path / "app/views/awards.py")
    assert r.code == 2
    reason = denial(r)
    assert "Write of app/views/awards.py refused: outside the active slice 'tables'" in reason
    assert "The slice may touch: db/migrations/0042_awards.sql, app/models/__init__.py" in reason
    # forbid overrules the slice's own listing, so the agent is not told it may touch it
    assert "app/auth/session.py" not in reason


def test_notebook_edit_reads_notebook_path(active: Repo) -> None:
    r = guard(active, "NotebookEdit", active.path / "notebooks/explore.ipynb")
    assert r.code == 2
    assert "NotebookEdit of notebooks/explore.ipynb refused" in denial(r)
    active.write(".planscope.yaml", "on_drift: block\nalways_allow: [notebooks/**]\n")
    assert allowed_silently(guard(active, "NotebookEdit", active.path / "notebooks/explore.ipynb"))


def test_bash_is_not_parsed(active: Repo) -> None:
    call = {"session_id": "s", "transcript_path": "/t.jsonl", "cwd": str(active.path),
            "hook_event_name": "PreToolUse", "tool_name": "Bash",
            "tool_input": {"command": "echo pwned > app/auth/session.py",
                           "description": "Overwrite the session module"}}
    assert allowed_silently(active.planscope("guard", stdin=json.dumps(call)))
    del call["tool_input"]  # not even looked at
    assert allowed_silently(active.planscope("guard", stdin=json.dumps(call)))
    for tool in ("Read", "Glob", "mcp__fs__write_file"):
        call["tool_name"] = tool
        assert allowed_silently(active.planscope("guard", stdin=json.dumps(call)))


def test_deny_with_json_exits_zero(active: Repo) -> None:
    r = guard(active, "Edit", active.path / "app/auth/session.py", None, "--deny-with", "json")
    assert r.code == 0
    assert "forbidden by rule 'app/auth/**'" in denial(r)


def test_relative_paths_are_taken_from_the_hook_cwd(active: Repo) -> None:
    app = active.path / "app"
    r = guard(active, "Edit", "auth/session.py", app)
    assert r.code == 2 and "Edit of app/auth/session.py refused" in denial(r)
    assert allowed_silently(guard(active, "Write", "../db/migrations/0042_awards.sql", app))
    assert allowed_silently(guard(active, "Edit", "models/./__init__.py", app))


def test_paths_outside_the_repository_are_allowed(active: Repo, tmp_path: Path) -> None:
    active.write(".planscope.yaml", "guard:\n  require_active: true\n")
    active.planscope("use", "--clear")
    outside = tmp_path / "elsewhere" / "notes.md"
    assert allowed_silently(guard(active, "Write", outside))
    assert allowed_silently(guard(active, "Write", "../../elsewhere/notes.md"))
    assert allowed_silently(guard(active, "Write", "/etc/hosts"))


def test_a_link_in_scope_that_leads_to_a_forbidden_file_is_refused(active: Repo) -> None:
    link = active.path / "tests/test_awards_link.py"  # in scope by the slice's allow
    link.parent.mkdir(parents=True)
    link.symlink_to(active.path / "app/auth/session.py")
    r = guard(active, "Edit", link)
    assert r.code == 2
    reason = denial(r)
    assert "tests/test_awards_link.py (a link to app/auth/session.py)" in reason
    assert "forbidden by rule 'app/auth/**'" in reason


def test_a_link_in_the_repo_pointing_outside_is_judged_by_its_own_name(
    active: Repo, tmp_path: Path
) -> None:
    target = tmp_path / "outside.py"
    target.write_text("x\n")
    (active.path / "stray.py").symlink_to(target)
    r = guard(active, "Write", active.path / "stray.py")
    assert r.code == 2 and "Write of stray.py refused: outside the active slice" in denial(r)
    (active.path / "app/models/__init__.py").unlink()
    (active.path / "app/models/__init__.py").symlink_to(target)
    assert allowed_silently(guard(active, "Write", active.path / "app/models/__init__.py"))


def test_a_folder_link_leading_out_of_the_repo_is_outside(active: Repo, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (active.path / "vendor").symlink_to(shared)
    # the write lands in the other folder; git in this repository sees no change
    assert allowed_silently(guard(active, "Write", active.path / "vendor/lib.py"))


def test_the_repo_reached_through_a_link_is_still_the_repo(
    active: Repo, tmp_path: Path
) -> None:
    alias = tmp_path / "alias"
    alias.symlink_to(active.path)
    r = guard(active, "Edit", alias / "app/auth/session.py", alias)
    assert r.code == 2 and "Edit of app/auth/session.py refused" in denial(r)
    assert allowed_silently(guard(active, "Edit", alias / "app/models/__init__.py", alias))


def test_a_folder_link_inside_the_repo_resolves_to_its_target(active: Repo) -> None:
    (active.path / "auth").symlink_to(active.path / "app/auth")
    r = guard(active, "Write", active.path / "auth/new.py")
    assert r.code == 2 and "Write of app/auth/new.py refused: forbidden" in denial(r)


def test_active_slice_from_the_environment_wins(
    active: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANSCOPE_PLAN", VIEWS)  # 'use' set tables
    assert allowed_silently(guard(active, "Write", active.path / "app/views/awards.py"))
    r = guard(active, "Write", active.path / "db/migrations/0042_awards.sql")
    assert r.code == 2
    assert "outside the active slice 'views' of plans/awards.yaml (set by PLANSCOPE_PLAN)" \
        in denial(r)


def test_planscope_plan_none_means_no_active_slice(
    active: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANSCOPE_PLAN", "none")
    r = guard(active, "Write", active.path / "app/views/awards.py")
    assert r.code == 0 and "no active slice" in r.err


def test_active_slice_from_the_branch(awards: Repo) -> None:
    awards.git("checkout", "-q", "-b", "plan/awards-dashboard/views")
    assert allowed_silently(guard(awards, "Write", awards.path / "app/views/awards.py"))
    r = guard(awards, "Write", awards.path / "app/models/__init__.py")
    assert r.code == 2
    assert "slice 'views' of plans/awards.yaml (from branch plan/awards-dashboard/views)" \
        in denial(r)


def test_use_file_wins_over_the_branch(awards: Repo) -> None:
    awards.git("checkout", "-q", "-b", "plan/awards-dashboard/views")
    awards.planscope("use", TABLES)
    assert allowed_silently(guard(awards, "Write", awards.path / "app/models/__init__.py"))


def test_no_active_slice_allows_with_a_one_line_note(awards: Repo) -> None:
    r = guard(awards, "Write", awards.path / "app/views/home.py")
    assert r.code == 0 and r.out == ""
    assert len(r.err.splitlines()) == 1
    assert r.err.startswith("planscope: no active slice (`planscope use plans/")
    assert "app/views/home.py not checked" in r.err


def test_what_no_change_may_touch_is_refused_without_an_active_slice(awards: Repo) -> None:
    awards.write(".planscope.yaml", "forbid: [secrets/**]\n")
    r = guard(awards, "Write", awards.path / "app/auth/session.py")
    assert r.code == 2
    assert denial(r) == (
        "planscope: Write of app/auth/session.py refused: forbidden by rule 'app/auth/**' "
        "(forbid of plans/awards.yaml); no change may touch it, whatever slice is active. If "
        "it really must change, stop and ask the user.")
    r = guard(awards, "Edit", awards.path / "secrets/key.txt")
    assert r.code == 2 and "'secrets/**' (forbid in .planscope.yaml)" in denial(r)


def test_no_active_slice_blocks_with_require_active(awards: Repo) -> None:
    awards.write(".planscope.yaml", "guard:\n  require_active: true\n")
    r = guard(awards, "Edit", awards.path / "app/models/__init__.py")
    assert r.code == 2
    assert "no plan slice is active and guard.require_active is true" in denial(r)


def test_warn_mode_allows_drift_with_a_warning_but_not_forbidden(active: Repo) -> None:
    active.write(".planscope.yaml", "guard:\n  mode: warn\n")
    r = guard(active, "Write", active.path / "app/views/awards.py")
    assert r.code == 0
    doc = json.loads(r.out)
    assert "permissionDecision" not in doc["hookSpecificOutput"]  # never "allow": no bypass
    assert doc["systemMessage"] == doc["hookSpecificOutput"]["additionalContext"] == r.err.strip()
    assert "warning: Write of app/views/awards.py is outside the active slice 'tables'" in r.err
    assert "guard.mode is warn" in r.err
    forbidden = guard(active, "Write", active.path / "app/auth/session.py")
    assert forbidden.code == 2 and "forbidden by rule" in denial(forbidden)


def test_an_invalid_config_refuses_the_edit(active: Repo) -> None:
    """Fail closed: rules that cannot be read let nothing through."""
    active.write(".planscope.yaml", "guard:\n  mode: lenient\n")
    r = guard(active, "Write", active.path / "app/views/awards.py")
    assert r.code == 2
    assert "the rules this edit is judged by cannot be read: .planscope.yaml:2:9: guard.mode:" \
        in denial(r)


def test_an_invalid_plan_refuses_the_edit(active: Repo) -> None:
    active.write("plans/awards.yaml", "version: 1\nid: Bad Id\n")
    r = guard(active, "Write", active.path / "app/views/awards.py")
    assert r.code == 2 and "cannot be read: plans/awards.yaml:" in denial(r)
    assert len(r.err.splitlines()) == 1


def test_active_slice_is_per_worktree(active: Repo, tmp_path: Path) -> None:
    other = tmp_path / "other-tree"
    active.git("worktree", "add", "-q", "-b", "side", str(other))
    r = guard(active, "Write", other / "app/views/awards.py", other)
    assert r.code == 0 and "no active slice" in r.err
    assert active.planscope("use", VIEWS, cwd=other).code == 0
    assert allowed_silently(guard(active, "Write", other / "app/views/awards.py", other))
    assert guard(active, "Write", active.path / "app/views/awards.py").code == 2  # still tables


def test_outside_a_git_work_tree_is_not_checked(active: Repo, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    r = guard(active, "Write", plain / "x.py", plain)
    assert r.code == 0 and r.out == "" and "x.py is not in a git work tree" in r.err


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("", "hook input is not valid JSON"),
        ('{"tool_name": "Edit", ', "hook input is not valid JSON"),
        ("[1, 2]", "hook input is not a JSON object"),
        ('{"tool_input": {}}', "hook input has no tool_name"),
        ('{"tool_name": "Edit", "tool_input": {"old_string": "a"}}',
         "Edit hook input has no usable tool_input.file_path"),
        ('{"tool_name": "NotebookEdit", "tool_input": {"file_path": "x.ipynb"}}',
         "NotebookEdit hook input has no usable tool_input.notebook_path"),
        ('{"tool_name": "Write", "tool_input": "x.py"}',
         "Write hook input has no usable tool_input.file_path"),
        ('{"hook_event_name": "PostToolUse", "tool_name": "Write"}',
         "planscope guard is a PreToolUse hook"),
    ],
)
def test_malformed_input_refuses_the_call(active: Repo, stdin: str, message: str) -> None:
    """Fail closed: a call the guard cannot read is refused, with why, in one line."""
    r = active.planscope("guard", stdin=stdin)
    assert r.code == 2 and '"permissionDecision": "deny"' in r.out
    assert r.err.startswith("planscope: refused, the guard could not judge this call: ")
    assert message in r.err and len(r.err.splitlines()) == 1
    json_mode = active.planscope("guard", "--deny-with", "json", stdin=stdin)
    assert json_mode.code == 0 and '"permissionDecision": "deny"' in json_mode.out


def test_invalid_utf8_input_refuses_the_call(active: Repo) -> None:
    proc = subprocess.run((sys.executable, "-m", "checker", "guard"), cwd=active.path,
                          input=b'{"tool_name": "\xff"}', capture_output=True, check=False)
    assert proc.returncode == 2
    assert b"hook input is not valid JSON" in proc.stderr and b"Traceback" not in proc.stderr


def test_installed_hook_command_runs_the_guard(active: Repo) -> None:
    """The command written into settings.json is the console script, and it blocks."""
    active.planscope("init", "--claude-code")
    doc = json.loads((active.path / ".claude/settings.json").read_text())
    command = doc["hooks"]["PreToolUse"][0]["hooks"][0]["command"].split()
    exe = Path(sys.executable).parent / command[0]
    if not exe.exists():
        pytest.skip("the planscope console script is not installed next to this Python")
    proc = subprocess.run((str(exe), *command[1:]), cwd=active.path, capture_output=True,
                          text=True, check=False,
                          input=json.dumps(payload("Edit", str(active.path / "app/auth/x.py"),
                                                   active.path)))
    assert proc.returncode == 2 and "forbidden by rule 'app/auth/**'" in proc.stderr


def _importtime_guard(repo: Repo, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        (sys.executable, "-X", "importtime", "-m", "checker", "guard"), cwd=repo.path,
        input=json.dumps(payload("Write", str(path), repo.path)),
        capture_output=True, text=True, check=False,
    )


def test_a_warm_guard_neither_parses_nor_validates_the_plan(active: Repo) -> None:
    target = active.path / "app/views/awards.py"
    for kind in ("valid", "built"):  # `use` validated and built the plan
        shutil.rmtree(active.path / ".git/planscope/cache" / kind, ignore_errors=True)
    cold = _importtime_guard(active, target)
    assert cold.returncode == 2 and " checker.rules.validators.plan\n" in cold.stderr
    assert "| jsonschema\n" not in cold.stderr  # a valid plan: the generated validator alone
    assert any((active.path / ".git/planscope/cache/guard").iterdir())
    warm = _importtime_guard(active, target)
    assert warm.returncode == 2 and "refused: outside the active slice 'tables'" in warm.stderr
    assert "jsonschema" not in warm.stderr and "validators.plan" not in warm.stderr


def test_a_changed_plan_or_config_is_seen_at_once(active: Repo) -> None:
    target = active.path / "docs/awards.md"
    assert guard(active, "Write", target).code == 2  # fills the cache
    plan = (active.path / "plans/awards.yaml").read_text()
    active.write("plans/awards.yaml", plan.replace("allow: [tests/**/test_awards*.py]",
                                                   "allow: [tests/**/test_awards*.py, docs/**]"))
    assert allowed_silently(guard(active, "Write", target))
    active.write("plans/awards.yaml", plan)
    assert guard(active, "Write", target).code == 2
    active.write(".planscope.yaml", "always_allow: [docs/**]\n")
    assert allowed_silently(guard(active, "Write", target))


def test_a_broken_cache_is_ignored_and_rewritten(active: Repo) -> None:
    cache = active.path / ".git/planscope/cache/guard"
    assert guard(active, "Write", active.path / "app/auth/a.py").code == 2
    entries = list(cache.iterdir())
    assert entries
    for entry in entries:
        sealed.write(entry, {"garbage": True})
    assert guard(active, "Write", active.path / "app/auth/a.py").code == 2
    assert all("garbage" not in sealed.read(e) for e in cache.iterdir())
    for entry in cache.iterdir():
        sealed.write_raw(entry, b"{not json")
    assert guard(active, "Write", active.path / "app/auth/a.py").code == 2
    assert allowed_silently(guard(active, "Write", active.path / "app/models/__init__.py"))


def test_an_unwritable_cache_does_not_stop_the_guard(active: Repo) -> None:
    cache = active.path / ".git/planscope/cache/guard"
    shutil.rmtree(cache, ignore_errors=True)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text("a file where the folder should be")  # nothing can be written under it
    assert guard(active, "Write", active.path / "app/auth/a.py").code == 2
    assert allowed_silently(guard(active, "Write", active.path / "app/models/__init__.py"))
    assert cache.is_file()
    assert not [p for p in cache.parent.iterdir() if p.name.endswith(".tmp")]


def test_refusals_are_logged_for_stats(active: Repo) -> None:
    assert allowed_silently(guard(active, "Write", active.path / "app/models/__init__.py"))
    assert guard(active, "Edit", active.path / "app/views/home.py").code == 2
    assert guard(active, "Write", active.path / "app/auth/session.py", None,
                 "--deny-with", "json").code == 0
    lines = (active.path / ".git/planscope/guard.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert [(r["tool"], r["paths"], r["slice"]) for r in records] == [
        ("Edit", ["app/views/home.py"], TABLES), ("Write", ["app/auth/session.py"], TABLES)]
    assert records[0]["reason"].startswith("planscope: Edit of app/views/home.py refused")
    assert records[1]["reason"].startswith("planscope: Write of app/auth/session.py refused")
    assert all(r["executor"] is None and r["at"] for r in records)
    run = active.planscope("stats", "--by", "slice", "--format", "json")
    groups = {g["key"]: g for g in json.loads(run.out)["groups"]}
    assert groups[TABLES]["guard_refusals"] == 2
    env_run = active.planscope("guard", stdin=json.dumps(payload(
        "Edit", str(active.path / "README.md"), active.path)),
        env={"PLANSCOPE_EXECUTOR": "codex"})
    assert env_run.code == 2
    by_executor = {g["key"]: g for g in json.loads(active.planscope(
        "stats", "--by", "executor", "--format", "json").out)["groups"]}
    assert by_executor["codex"]["guard_refusals"] == 1
