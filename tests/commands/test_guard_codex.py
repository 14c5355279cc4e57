"""The guard under Codex: apply_patch read file by file, shell calls that run apply_patch,
init --codex and doctor (checker/hookinput.py, checker/commands/guard.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Repo, Run

TABLES = "plans/awards.yaml#tables"


def patch(*ops: str) -> str:
    return "\n".join(["*** Begin Patch", *ops, "*** End Patch"]) + "\n"


ADD_MIGRATION = ("*** Add File: db/migrations/0042_awards.sql\n"
                 "+CREATE TABLE awards (id integer);")
UPDATE_MODELS = ("*** Update File: app/models/__init__.py\n@@\n-# models\n+# models\n"
                 "+from .awards import Award")
UPDATE_SESSION = "*** Update File: app/auth/session.py\n@@\n-# auth\n+# auth, tidied"


def codex(tool: str, cwd: Path, command: Any) -> dict[str, Any]:
    """A PreToolUse input shaped like the one Codex sends."""
    return {
        "session_id": "0199a3f2-5c1e-7d30-b1a4-3e2f6c8d9a10",
        "transcript_path": None,
        "cwd": str(cwd),
        "hook_event_name": "PreToolUse",
        "model": "gpt-5-codex",
        "permission_mode": "default",
        "tool_name": tool,
        "tool_input": {"command": command},
        "tool_use_id": "call_4dPq8s1Hk2",
    }


def guard(repo: Repo, tool: str, command: Any, cwd: Path | None = None,
          env: dict[str, str] | None = None) -> Run:
    return repo.planscope("guard", stdin=json.dumps(codex(tool, cwd or repo.path, command)),
                          env=env)


@pytest.fixture
def active(awards: Repo) -> Repo:
    assert awards.planscope("use", TABLES).code == 0
    return awards


def test_a_patch_inside_the_slice_is_allowed(active: Repo) -> None:
    r = guard(active, "apply_patch", patch(ADD_MIGRATION, UPDATE_MODELS))
    assert (r.code, r.out, r.err) == (0, "", "")


def test_one_forbidden_file_refuses_the_whole_patch_naming_it(active: Repo) -> None:
    r = guard(active, "apply_patch", patch(ADD_MIGRATION, UPDATE_SESSION, UPDATE_MODELS))
    assert r.code == 2
    assert "apply_patch of app/auth/session.py refused: forbidden by rule 'app/auth/**'" in r.err


def test_a_file_outside_the_slice_refuses_the_patch(active: Repo) -> None:
    r = guard(active, "apply_patch", patch(UPDATE_MODELS, "*** Add File: app/views/new.py\n+x"))
    assert r.code == 2
    assert "apply_patch of app/views/new.py refused: outside the active slice 'tables'" in r.err


@pytest.mark.parametrize("op", [
    "*** Delete File: app/auth/session.py",
    "*** Update File: app/models/__init__.py\n*** Move to: app/auth/models.py\n@@\n-a\n+b",
    "*** Update File: app/auth/session.py\n*** Move to: app/models/session.py\n@@\n-a\n+b",
])
def test_deletes_and_both_names_of_a_move_are_judged(active: Repo, op: str) -> None:
    r = guard(active, "apply_patch", patch(op))
    assert r.code == 2 and "refused: forbidden by rule 'app/auth/**'" in r.err


def test_absolute_and_relative_names(active: Repo) -> None:
    absolute = f"*** Update File: {active.path / 'app/auth/session.py'}\n@@\n-a\n+b"
    assert guard(active, "apply_patch", patch(absolute)).code == 2
    r = guard(active, "apply_patch", patch("*** Update File: session.py\n@@\n-a\n+b"),
              cwd=active.path / "app/auth")  # relative to the payload's cwd
    assert r.code == 2 and "app/auth/session.py refused: forbidden" in r.err
    r = guard(active, "apply_patch", patch("*** Update File: __init__.py\n@@\n-a\n+b"),
              cwd=active.path / "app/models")
    assert r.code == 0, r.err


def test_a_nested_repository_cwd_does_not_hide_the_project(active: Repo) -> None:
    inner = active.path / "vendor" / "lib"
    inner.mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=inner, check=True)
    r = guard(active, "apply_patch", patch(
        "*** Update File: ../../app/auth/session.py\n@@\n-a\n+b"), cwd=inner)
    assert r.code == 2 and "forbidden" in r.err
    r = guard(active, "apply_patch", patch("*** Add File: vendored.py\n+x"), cwd=inner)
    assert r.code == 2 and "vendor/lib/vendored.py refused: outside the active slice" in r.err


def test_a_cwd_outside_any_repository(active: Repo, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    absolute = f"*** Update File: {active.path / 'app/auth/session.py'}\n@@\n-a\n+b"
    r = guard(active, "apply_patch", patch(absolute), cwd=elsewhere)
    assert r.code == 2 and "forbidden" in r.err
    r = guard(active, "apply_patch", patch("*** Add File: notes.txt\n+x"), cwd=elsewhere)
    assert r.code == 0 and "not in a git work tree" in r.err  # the file is not the project's


@pytest.mark.parametrize("command", [
    "apply_patch <<'EOF'\n" + patch(UPDATE_SESSION) + "EOF\n",
    ["apply_patch", patch(UPDATE_SESSION)],
    ["bash", "-lc", "apply_patch <<'EOF'\n" + patch(UPDATE_SESSION) + "EOF"],
    "cd app && apply_patch <<'EOF'\n" + patch(
        "*** Update File: auth/session.py\n@@\n-a\n+b") + "EOF\n",
])
def test_a_shell_call_that_runs_apply_patch(active: Repo, command: Any) -> None:
    r = guard(active, "Bash", command)
    assert r.code == 2 and "app/auth/session.py refused: forbidden" in r.err


@pytest.mark.parametrize("command", [
    "grep -rn apply_patch docs/",  # names the tool, carries no patch
    "cat app/auth/session.py",
    ["git", "status"],
])
def test_other_shell_calls_are_not_read(active: Repo, command: Any) -> None:
    r = guard(active, "Bash", command)
    assert (r.code, r.out, r.err) == (0, "", "")


def test_added_lines_that_look_like_headers_are_content(active: Repo) -> None:
    op = ("*** Update File: app/models/__init__.py\n@@\n"
          "-*** Update File: app/auth/session.py\n+*** Delete File: app/auth/session.py")
    r = guard(active, "apply_patch", patch(op))
    assert r.code == 0, r.err


def test_an_indented_header_after_an_added_file_is_a_header(active: Repo) -> None:
    r = guard(active, "apply_patch",
              patch(ADD_MIGRATION, "   *** Delete File: app/auth/session.py"))
    assert r.code == 2 and "app/auth/session.py refused: forbidden" in r.err


def test_a_patch_whose_files_cannot_be_read_is_refused(active: Repo) -> None:
    r = guard(active, "apply_patch", "*** Begin Patch\n*** End Patch\n")
    assert r.code == 2 and "could not read which files this patch edits" in r.err
    r = guard(active, "apply_patch", 42)
    assert r.code == 2


def test_init_codex_twice_gives_one_entry_and_keeps_other_hooks(awards: Repo) -> None:
    awards.write(".codex/hooks.json", json.dumps({"hooks": {"Stop": [
        {"hooks": [{"type": "command", "command": "notify-send done"}]}]}}))
    first = awards.planscope("init", "--codex")
    assert first.code == 0, first.err
    assert "added the PreToolUse hook 'planscope guard' to .codex/hooks.json" in first.out
    assert "/hooks" in first.out  # says that Codex must trust it
    second = awards.planscope("init", "--codex")
    assert "already runs 'planscope guard'; nothing changed" in second.out
    doc = json.loads((awards.path / ".codex/hooks.json").read_text())
    assert doc["hooks"]["Stop"][0]["hooks"][0]["command"] == "notify-send done"
    entries = doc["hooks"]["PreToolUse"]
    assert entries == [{"matcher": "apply_patch|Edit|Write|Bash",
                        "hooks": [{"type": "command", "command": "planscope guard"}]}]
    assert not (awards.path / ".claude").exists()


def test_doctor_reports_the_agent_hooks(awards: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    # the agents find planscope on their PATH (doctor runs the command as they would)
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    r = awards.planscope("doctor", "--offline")
    assert "Codex guard: not installed (.codex/hooks.json does not exist; planscope init " \
           "--codex adds it)" in r.out
    awards.write(".codex/hooks.json", "{}")
    r = awards.planscope("doctor", "--offline")
    assert "WARN  Codex guard: .codex/hooks.json does not run 'planscope guard'" in r.out
    assert awards.planscope("init", "--codex", "--claude-code").code == 0
    r = awards.planscope("doctor", "--offline")
    assert "OK    Codex guard: installed in .codex/hooks.json, and its command starts; Codex " \
           "runs it only once trusted (/hooks)" in r.out, r.out
    assert "OK    Claude Code guard: installed in .claude/settings.json, and its command " \
           "starts" in r.out


def heredoc(command: str, body: str) -> str:
    return f"{command} <<'EOF'\n{body}EOF\n"


UP_SESSION_FROM_AUTH = patch("*** Update File: ../auth/session.py\n@@\n-a\n+b")


@pytest.mark.parametrize("prefix", [
    "cd app/models; ",
    "cd app && cd models && ",
    "(cd app/models && ",
    "pushd app/models && ",
    "cd -- app/models && ",
    "git -C app status && cd app/models && ",
    "cd app/models\n",
    "env -C app/models ",
    "D=app/models; cd $D && ",
    "cd $(echo app/models) && ",
    "\\cd app/models && ",
    "c''d app/models && ",
])
def test_a_folder_the_guard_cannot_be_sure_of_refuses_relative_names(active: Repo,
                                                                     prefix: str) -> None:
    """Where the patch is applied decides which file it edits: when the command may be
    anywhere else than where it starts or one leading cd puts it, a guess could let a
    forbidden file through."""
    r = guard(active, "Bash", prefix + heredoc("apply_patch", UP_SESSION_FROM_AUTH))
    assert r.code == 2, prefix
    assert "in a way the guard cannot follow" in r.err, r.err


def test_a_cd_after_the_patch_text_is_seen(active: Repo) -> None:
    command = ("P=$(cat <<'EOF'\n" + UP_SESSION_FROM_AUTH + "EOF\n)\n"
               "cd app/models && apply_patch \"$P\"\n")
    r = guard(active, "Bash", command)
    assert r.code == 2 and "cannot follow" in r.err


def test_one_leading_cd_is_followed_through_links_as_the_shell_does(active: Repo,
                                                                    tmp_path: Path) -> None:
    (tmp_path / "outside/a/b").mkdir(parents=True)
    (active.path / "lnk").symlink_to(tmp_path / "outside/a/b")
    r = guard(active, "Bash", "cd lnk/../app/auth && " + heredoc(
        "apply_patch", patch("*** Update File: session.py\n@@\n-a\n+b")))
    assert r.code == 2 and "app/auth/session.py refused: forbidden" in r.err
    r = guard(active, "shell", ["bash", "-lc", "cd app/models && " + heredoc(
        "apply_patch", patch("*** Update File: __init__.py\n@@\n-a\n+b"))])
    assert (r.code, r.err) == (0, "")  # Codex's usual form, inside the slice


@pytest.mark.parametrize("command", [
    "apply_patch $'*** Begin Patch\\n*** Update File: app/auth/session.py\\n*** End Patch'",
    "printf '%s\\n' '*** Begin Patch' '*** Update File: app/auth/session.py' | apply_patch",
    "printf '*** Update File: app/auth/session.py\\n'",
])
def test_a_patch_written_inside_a_line_is_refused_unread(active: Repo, command: str) -> None:
    r = guard(active, "Bash", command)
    assert r.code == 2 and "cannot read (a file header inside a line" in r.err


def test_a_name_the_system_cannot_look_up_is_refused(active: Repo) -> None:
    r = guard(active, "apply_patch", patch("*** Delete File: " + "a" * 300 + "/x",
                                           UPDATE_SESSION))
    assert r.code == 2 and "refused" in r.err and "internal error" not in r.err
    many = patch(*(f"*** Add File: junk/x{i}.txt\n+x" for i in range(1001)))
    r = guard(active, "apply_patch", many)
    assert r.code == 2 and "more than the 1000 the guard judges at once" in r.err


def test_write_stdin_to_a_running_shell(active: Repo) -> None:
    call = codex("write_stdin", active.path, None)
    call["tool_input"] = {"session_id": 3, "chars": heredoc("apply_patch", patch(UPDATE_SESSION))}
    r = active.planscope("guard", stdin=json.dumps(call))
    assert r.code == 2 and "forbidden" in r.err


@pytest.mark.parametrize("runner", ["/usr/local/bin/apply_patch", "\\apply_patch",
                                    "'apply'_patch", "a\\pply_patch", "python3 my_patcher.py"])
def test_any_command_carrying_a_patch_is_judged_by_it(active: Repo, runner: str) -> None:
    r = guard(active, "Bash", heredoc(runner, patch(UPDATE_SESSION)))
    assert r.code == 2 and "refused: forbidden" in r.err
    r = guard(active, "shell", [runner.split()[0], patch(UPDATE_SESSION)])
    assert r.code == 2


def test_codex_shell_tools_workdir_and_cmd(active: Repo, tmp_path: Path) -> None:
    call = codex("shell", active.path, ["apply_patch", UP_SESSION_FROM_AUTH])
    call["tool_input"]["workdir"] = "app/models"
    r = active.planscope("guard", stdin=json.dumps(call))
    assert r.code == 2 and "app/auth/session.py refused: forbidden" in r.err
    call = codex("shell", tmp_path, ["apply_patch", patch("*** Update File: session.py\n@@")])
    call["tool_input"]["workdir"] = str(active.path / "app/auth")
    r = active.planscope("guard", stdin=json.dumps(call))
    assert r.code == 2 and "forbidden" in r.err
    call = codex("exec_command", active.path, None)
    call["tool_input"] = {"cmd": heredoc("apply_patch", patch(UPDATE_SESSION))}
    r = active.planscope("guard", stdin=json.dumps(call))
    assert r.code == 2 and "forbidden" in r.err


def test_names_are_judged_as_codex_reads_them(active: Repo) -> None:
    r = guard(active, "apply_patch", patch("*** Add File:  db/migrations/0042_awards.sql\n+x"))
    assert r.code == 2  # Codex creates ' db/migrations/...': a folder named ' db'
    assert "apply_patch of  db/migrations/0042_awards.sql refused: outside" in r.err
    r = guard(active, "apply_patch", patch(
        "*** Update File: app/models/__init__.py\n*** Move to: app/models/__init__.py \n@@"))
    assert r.code == 2 and "app/models/__init__.py  refused" in r.err


@pytest.mark.parametrize("command", [
    "grep -rn '*** Begin Patch' . | grep apply_patch",
    "which apply_patch && echo '*** Begin Patch'",
    heredoc("cat > notes.md", "how apply_patch works\n*** Begin Patch\n*** End Patch\n"),
])
def test_a_patch_with_no_file_in_a_shell_call_is_no_edit(active: Repo, command: str) -> None:
    r = guard(active, "Bash", command)
    assert (r.code, r.err) == (0, "")


def test_the_patch_in_input_when_command_is_empty(active: Repo) -> None:
    for empty in (None, ""):
        call = codex("apply_patch", active.path, empty)
        call["tool_input"]["input"] = patch(UPDATE_SESSION)
        r = active.planscope("guard", stdin=json.dumps(call))
        assert r.code == 2 and "app/auth/session.py refused: forbidden" in r.err
