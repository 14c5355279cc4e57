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
BEGIN_PATCH = "*** Begin Patch"
# The one shape whose folder is certain: a single leading ``cd DIR && apply_patch``.
_CD_THEN_PATCH = re.compile(r"\A\s*cd\s+([^\s;&|()`<>]+)\s*&&\s*apply_patch\s", re.DOTALL)
# Any other change of folder before the patch: cd, pushd (options skipped), quoted or not.
_CD_ANY = re.compile(r"(?:^|[\s;&|(){}`\"'])(?:cd|pushd)\s+(?:(?:--|-[LPe@]+)\s+)*"
                     r"(\"[^\"]*\"|'[^']*'|[^\s;&|()`<>]+)")


class HookInputError(ValueError):
    """The input is not a PreToolUse hook call."""


@dataclass(frozen=True)
class HookCall:
    tool: str
    names: tuple[str, ...]  # the files the tool edits, from cwd; () for calls not read
    cwd: Path
    unread_patch: bool = False  # an apply_patch whose file names could not be found


def _header_names(line: str, head: str) -> list[str]:
    """The name a header line gives, as Codex reads it (the rest of the line after
    ``HEAD `` as it is) and with its blanks stripped, when those differ."""
    rest = line.lstrip()[len(head):].rstrip("\r")
    verbatim = rest[1:] if rest.startswith(" ") else rest
    return [n for n in dict.fromkeys((rest.strip(), verbatim)) if n.strip()]


def patch_names(patch: str) -> list[str]:
    """Every file a Codex patch names (added, updated, deleted, and the new name of a move),
    in order, each once. A line that starts with ``+`` or ``-`` is a line of a hunk, never a
    file header; any other line is read with its surrounding blanks stripped, as Codex reads
    the first line of each hunk (an indented header after an added file is a header to it).
    A context line that looks like a header is therefore read as one too, and a name with
    blanks around it is judged both as written and stripped: a name too many is safe, one
    too few is not."""
    found: list[str] = []
    for line in patch.splitlines():
        if line[:1] in ("+", "-"):
            continue
        for marker in PATCH_MARKERS:
            head = marker.rstrip()
            if line.strip().startswith(head):
                found += [n for n in _header_names(line, head) if n not in found]
                break
    return found


def _command_text(command: object) -> str | None:
    if isinstance(command, str):
        return command
    if isinstance(command, list) and all(isinstance(w, str) for w in command):
        return "\n".join(command)
    return None


def _first_text(tool_input: dict[str, object], *keys: str) -> str | None:
    """The first of ``keys`` that holds a command or patch (a string, or an argv list)."""
    for key in keys:
        text = _command_text(tool_input.get(key))
        if text:
            return text
    return None


def _unquote(word: str) -> str:
    return word[1:-1] if len(word) > 1 and word[0] == word[-1] and word[0] in "\"'" else word


def _folders(prefix: str) -> list[str]:
    """The folders (relative to where the command starts) a patch applied after ``prefix``
    may be read from: the one ``cd DIR && apply_patch`` names; else each ``cd``/``pushd``
    argument taken one after another, each alone, and where the command starts."""
    simple = _CD_THEN_PATCH.match(prefix + " ")
    if simple is not None and len(_CD_ANY.findall(prefix)) == 1:
        return [os.path.expanduser(_unquote(simple.group(1)))]
    chains, singles, chain = [], [], ""
    for word in _CD_ANY.findall(prefix):
        folder = os.path.expanduser(_unquote(word))
        if folder in ("-", ""):
            continue
        chain = os.path.join(chain, folder)
        chains.append(chain)
        singles.append(folder)
    # the likeliest first (every cd taken in turn), so a refusal names what is really edited
    return list(dict.fromkeys([*reversed(chains), *singles, ""]))


def _shell_names(text: str) -> list[str]:
    """The files a shell command's patch names, from where the command starts; [] when it
    carries no patch. Whatever runs it (``apply_patch``, a path to it, a quoted name, a
    script), a command that holds a patch with file headers is judged by them."""
    lines = text.splitlines()
    begin = next((i for i, line in enumerate(lines) if line.strip().endswith(BEGIN_PATCH)), None)
    if begin is None:
        return []
    names = patch_names("\n".join(lines[begin:]))
    prefix = "\n".join([*lines[:begin], lines[begin].rsplit(BEGIN_PATCH, 1)[0]])
    return list(dict.fromkeys(os.path.join(folder, name) for folder in _folders(prefix)
                              for name in names))


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
        text = _first_text(tool_input, "command", "input", "patch")
        names = patch_names(text) if text is not None else []
        return HookCall(tool, _usable(tool, names), cwd, unread_patch=not names)
    if tool in SHELL_TOOLS:
        text = _first_text(tool_input, "command", "cmd")
        names = _shell_names(text) if text is not None else []
        workdir = tool_input.get("workdir")
        if isinstance(workdir, str) and workdir:  # Codex's shell tools run the command there
            names = [os.path.join(workdir, n) for n in names]
        return HookCall(tool, _usable(tool, names), cwd)
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
