"""What a coding agent's ``PreToolUse`` hook receives: the tool, and the paths it would edit.

Claude Code runs the hook before each Edit, Write, MultiEdit and NotebookEdit call, with a
JSON object on stdin (``tool_name``; ``tool_input`` holding ``file_path``, or
``notebook_path`` for NotebookEdit; ``cwd``; ...). Codex sends the same shape; its edit tool
is ``apply_patch``, whose ``tool_input.command`` is a patch in Codex's own envelope::

    *** Begin Patch
    *** Add File: PATH        *** Update File: PATH        *** Delete File: PATH
    *** Move to: PATH         (after an Update File: the file's new name)
    *** End Patch

and a shell call (``Bash``, ``shell``, ``exec_command``...; ``tool_input.command`` a string or
an argv list) may run ``apply_patch`` with such a patch, possibly after ``cd DIR &&``. Every
name in a patch is read, both names of a move. Other tools and other shell commands carry no
path the guard reads.

Which paths: a relative path is taken from the hook's ``cwd`` (and the ``cd`` before an
``apply_patch``). An edit touches the directory entry it names (with the links among its
folders resolved) and, when that entry is a symbolic link, the file the link leads to. Each
of the two that lies inside the work tree must be in scope, the way a rename needs both
names in scope.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

FILE_TOOLS: dict[str, str] = {
    "Edit": "file_path",
    "Write": "file_path",
    "MultiEdit": "file_path",
    "NotebookEdit": "notebook_path",
}
PATCH_TOOLS = frozenset({"apply_patch"})
SHELL_TOOLS = frozenset({"Bash", "shell", "local_shell", "shell_command", "exec_command",
                         "container.exec"})
PATCH_MARKERS = ("*** Add File: ", "*** Update File: ", "*** Delete File: ", "*** Move to: ")
_CD_THEN_PATCH = re.compile(r"^\s*cd\s+(.+?)\s*&&\s*(?:apply_patch|applypatch)\b", re.DOTALL)
_RUNS_PATCH = re.compile(r"(?:^|[\s;&|(\"'])(?:apply_patch|applypatch)\b")


class HookInputError(ValueError):
    """The input is not a PreToolUse hook call."""


@dataclass(frozen=True)
class HookCall:
    tool: str
    names: tuple[str, ...]  # the files the tool edits, as named; () for calls not read
    cwd: Path
    unread_patch: bool = False  # an apply_patch whose file names could not be found


def patch_names(patch: str) -> list[str]:
    """Every file a Codex patch names (added, updated, deleted, and the new name of a move),
    in order, each once. A line that starts with ``+`` or ``-`` is a line of a hunk, never a
    file header; any other line is read with its surrounding blanks stripped, as Codex reads
    the first line of each hunk (an indented header after an added file is a header to it).
    A context line that looks like a header is therefore read as one too: a name too many
    is safe, one too few is not."""
    found: list[str] = []
    for line in patch.splitlines():
        if line[:1] in ("+", "-"):
            continue
        line = line.strip()
        for marker in PATCH_MARKERS:
            head = marker.rstrip()
            if line.startswith(head):
                name = line[len(head):].strip()
                if name and name not in found:
                    found.append(name)
                break
    return found


def _command_text(command: object) -> str | None:
    if isinstance(command, str):
        return command
    if isinstance(command, list) and all(isinstance(w, str) for w in command):
        return "\n".join(command)
    return None


def _shell_patch(command: object) -> tuple[str, list[str]] | None:
    """(the folder the patch is applied in, relative to cwd; its names) when a shell call runs
    ``apply_patch``; None otherwise."""
    text = _command_text(command)
    if text is None:
        return None
    if isinstance(command, list):  # ["bash", "-lc", "apply_patch <<'EOF' ..."] or argv
        inner = [w for w in command if _RUNS_PATCH.search(w) or "*** " in w]
        text = "\n".join(inner) if inner else text
    runs = _RUNS_PATCH.search(text) or (isinstance(command, list) and command
                                        and command[0] in PATCH_TOOLS)
    if not runs or "*** Begin Patch" not in text:
        return None
    folder = ""
    cd = _CD_THEN_PATCH.match(text)
    if cd is not None:
        try:
            words = shlex.split(cd.group(1))
        except ValueError:
            words = []
        folder = words[0] if len(words) == 1 else ""
    return folder, patch_names(text)


def _load(raw: bytes) -> dict[str, object]:
    try:
        data = json.loads(raw)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError both are
        raise HookInputError(f"hook input is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise HookInputError("hook input is not a JSON object")
    event = data.get("hook_event_name", "PreToolUse")
    if event != "PreToolUse":
        raise HookInputError(f"hook_event_name is {event!r}: planscope guard is a PreToolUse hook")
    return data


def parse_input(raw: bytes, fallback_cwd: Path) -> HookCall:
    """The tool and the paths it edits, from the hook's stdin."""
    data = _load(raw)
    tool = data.get("tool_name")
    if not isinstance(tool, str) or not tool:
        raise HookInputError("hook input has no tool_name")
    cwd_value = data.get("cwd")
    cwd = fallback_cwd
    if isinstance(cwd_value, str) and os.path.isabs(cwd_value):
        cwd = Path(cwd_value)
    tool_input = data.get("tool_input")
    return _call(tool, tool_input if isinstance(tool_input, dict) else {}, cwd)


def _call(tool: str, tool_input: dict[str, object], cwd: Path) -> HookCall:
    if tool in PATCH_TOOLS:
        text = _command_text(tool_input.get("command", tool_input.get("input")))
        names = patch_names(text) if text is not None else []
        return HookCall(tool, _usable(tool, names), cwd, unread_patch=not names)
    if tool in SHELL_TOOLS:
        found = _shell_patch(tool_input.get("command"))
        if found is None:
            return HookCall(tool, (), cwd)
        folder, names = found
        joined = [os.path.join(folder, n) for n in names]
        return HookCall(tool, _usable(tool, joined), cwd, unread_patch=not names)
    field = FILE_TOOLS.get(tool)
    if field is None:
        return HookCall(tool, (), cwd)
    path = tool_input.get(field)
    if not isinstance(path, str) or not path:
        raise HookInputError(f"{tool} hook input has no usable tool_input.{field}")
    return HookCall(tool, _usable(tool, [path]), cwd)


def _usable(tool: str, names: list[str]) -> tuple[str, ...]:
    if any("\0" in n for n in names):
        raise HookInputError(f"{tool} hook input names a path with a NUL byte")
    return tuple(names)


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
