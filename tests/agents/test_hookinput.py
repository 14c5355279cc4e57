"""What an agent's PreToolUse hook receives (checker/hookinput.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from checker.agents.hookinput import HookCall, HookInputError, parse_input, patch_names, repo_paths


def test_the_path_an_edit_names(tmp_path: Path) -> None:
    raw = json.dumps({"tool_name": "Edit", "cwd": "/w", "tool_input": {"file_path": "a.py"}})
    assert parse_input(raw.encode(), tmp_path) == HookCall("Edit", ("a.py",), Path("/w"))
    raw = json.dumps({"tool_name": "NotebookEdit", "tool_input": {"notebook_path": "n.ipynb"}})
    assert parse_input(raw.encode(), tmp_path) == HookCall("NotebookEdit", ("n.ipynb",),
                                                                 tmp_path)
    raw = json.dumps({"tool_name": "Bash", "cwd": "relative/cwd", "tool_input": {}})
    assert parse_input(raw.encode(), tmp_path) == HookCall("Bash", (), tmp_path)


NUL_PATH = b'{"tool_name": "Write", "tool_input": {"file_path": "a\\u0000b"}}'


@pytest.mark.parametrize("raw", [b"{", b"[]", b'{"tool_name": 3}', NUL_PATH,
                                 b'{"hook_event_name": "Stop", "tool_name": "Write"}'])
def test_what_is_not_a_pre_tool_use_call(raw: bytes, tmp_path: Path) -> None:
    with pytest.raises(HookInputError):
        parse_input(raw, tmp_path)


def test_repo_paths_of_entries_and_link_targets(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "app").mkdir(parents=True)
    (root / "app/real.py").write_text("x")
    os.symlink(root / "app/real.py", root / "link.py")
    os.symlink(tmp_path, root / "out")
    assert repo_paths(root, root, "app/real.py") == ("app/real.py",)
    assert repo_paths(root, root / "app", "../link.py") == ("link.py", "app/real.py")
    assert repo_paths(root, root, "out/elsewhere.py") == ()  # the link leads out of the repo
    assert repo_paths(root, root, str(tmp_path / "other.py")) == ()
    assert repo_paths(root, root, ".") == ()


def test_patch_names_in_order_once_with_both_names_of_a_move() -> None:
    text = ("*** Begin Patch\n"
            "*** Add File: a new.py\n+x\n"
            "*** Update File: b.py\n*** Move to: c/b.py\n@@\n-x\n+y\n"
            "  *** Delete File: d.py  \n"   # blanks around a header line are Codex's too
            "*** Update File: a new.py\n@@\n-x\n+y\n"
            "*** End of File\n"
            "*** End Patch\n")
    assert patch_names(text) == ["a new.py", "b.py", "c/b.py", "d.py"]
    assert patch_names("*** Begin Patch\r\n*** Add File: w.py\r\n+x\r\n*** End Patch") == \
        ["w.py"]


def test_added_and_removed_lines_are_never_headers() -> None:
    text = ("*** Update File: a.py\n@@\n-*** Delete File: old.py\n+*** Move to: new.py\n"
            " *** Add File: ctx.py\n")  # a context line that looks like a header: read
    assert patch_names(text) == ["a.py", "ctx.py"]


def test_a_patch_name_with_a_nul_byte_is_refused(tmp_path: Path) -> None:
    raw = json.dumps({"tool_name": "apply_patch",
                      "tool_input": {"command": "*** Add File: a\u0000b\n+x"}})
    call = parse_input(raw.encode(), tmp_path)
    assert call.names == () and "NUL" in call.refusal


@pytest.mark.parametrize("tool_input", [
    {"tool_name": "Write", "tool_input": {"file_path": "app/x\udc80.py"}},
    {"tool_name": "apply_patch", "tool_input": {"command": "*** Add File: x\udcff\n+x"}},
    {"tool_name": "Edit", "tool_input": {"file_path": "a.py"}, "cwd": "/tmp/\ud800"},
])
def test_a_path_that_is_no_text_is_refused_not_an_error(tool_input: dict[str, object],
                                                        tmp_path: Path) -> None:
    raw = json.dumps(tool_input).encode()  # JSON carries a lone surrogate as \udc80
    call = parse_input(raw, tmp_path)
    assert call.names == () and "not valid Unicode text" in call.refusal
