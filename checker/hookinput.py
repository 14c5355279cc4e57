"""What a coding agent's ``PreToolUse`` hook receives: the tool, and the paths it would edit.

Claude Code runs the hook before each Edit, Write, MultiEdit and NotebookEdit call, with a
JSON object on stdin (``tool_name``; ``tool_input`` holding ``file_path``, or
``notebook_path`` for NotebookEdit; ``cwd``; ...). Other tools (Bash and the rest) carry no
path the guard reads.

Which paths: a relative path is taken from the hook's ``cwd``. An edit touches the directory
entry it names (with the links among its folders resolved) and, when that entry is a
symbolic link, the file the link leads to. Each of the two that lies inside the work tree
must be in scope, the way a rename needs both names in scope.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

FILE_TOOLS: dict[str, str] = {
    "Edit": "file_path",
    "Write": "file_path",
    "MultiEdit": "file_path",
    "NotebookEdit": "notebook_path",
}
class HookInputError(ValueError):
    """The input is not a PreToolUse hook call."""


@dataclass(frozen=True)
class HookCall:
    tool: str
    path: str | None  # the file the tool edits; None for tools the guard does not read
    cwd: Path


def parse_input(raw: bytes, fallback_cwd: Path) -> HookCall:
    """The tool and the path it edits, from the hook's stdin."""
    try:
        data = json.loads(raw)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError both are
        raise HookInputError(f"hook input is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise HookInputError("hook input is not a JSON object")
    event = data.get("hook_event_name", "PreToolUse")
    if event != "PreToolUse":
        raise HookInputError(f"hook_event_name is {event!r}: planscope guard is a PreToolUse hook")
    tool = data.get("tool_name")
    if not isinstance(tool, str) or not tool:
        raise HookInputError("hook input has no tool_name")
    cwd_value = data.get("cwd")
    cwd = fallback_cwd
    if isinstance(cwd_value, str) and os.path.isabs(cwd_value):
        cwd = Path(cwd_value)
    field = FILE_TOOLS.get(tool)
    if field is None:
        return HookCall(tool, None, cwd)
    tool_input = data.get("tool_input")
    path = tool_input.get(field) if isinstance(tool_input, dict) else None
    if not isinstance(path, str) or not path or "\0" in path:
        raise HookInputError(f"{tool} hook input has no usable tool_input.{field}")
    return HookCall(tool, path, cwd)


def repo_paths(root: Path, cwd: Path, name: str) -> tuple[str, ...]:
    """The repo-relative paths an edit of ``name`` touches: the directory entry it names and,
    when that entry is a symbolic link, the file it leads to; those outside the work tree are
    left out (so an empty result means "not in this repository")."""
    joined = os.path.join(cwd, name)  # an absolute name replaces cwd
    head, tail = os.path.split(joined)
    target = os.path.realpath(joined)
    entry = target if tail in ("", ".", "..") else os.path.join(os.path.realpath(head), tail)
    top = Path(os.path.realpath(root))
    found: list[str] = []
    for candidate in (Path(entry), Path(target)):
        if candidate == top or not candidate.is_relative_to(top):
            continue
        rel = candidate.relative_to(top).as_posix()
        if rel not in found:
            found.append(rel)
    return tuple(found)
