"""What an agent's PreToolUse hook receives (checker/hookinput.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from checker.hookinput import HookCall, HookInputError, parse_input, repo_paths


def test_the_path_an_edit_names(tmp_path: Path) -> None:
    raw = json.dumps({"tool_name": "Edit", "cwd": "/w", "tool_input": {"file_path": "a.py"}})
    assert parse_input(raw.encode(), tmp_path) == HookCall("Edit", "a.py", Path("/w"))
    raw = json.dumps({"tool_name": "NotebookEdit", "tool_input": {"notebook_path": "n.ipynb"}})
    assert parse_input(raw.encode(), tmp_path) == HookCall("NotebookEdit", "n.ipynb", tmp_path)
    raw = json.dumps({"tool_name": "Bash", "cwd": "relative/cwd", "tool_input": {}})
    assert parse_input(raw.encode(), tmp_path) == HookCall("Bash", None, tmp_path)


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
