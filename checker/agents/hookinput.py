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
from pathlib import Path

from checker.record import record, replace

FILE_TOOLS: dict[str, str] = {
    "Edit": "file_path",
    "Write": "file_path",
    "MultiEdit": "file_path",
    "NotebookEdit": "notebook_path",
}
PATCH_TOOLS = frozenset({"apply_patch"})
SHELL_TOOLS = frozenset({"Bash", "shell", "local_shell", "shell_command", "exec_command",
                         "write_stdin", "container.exec"})
PATCH_MARKERS = ("*** Add File: ", "*** Update File: ", "*** Delete File: ", "*** Move to: ")
BEGIN_PATCH = "*** Begin Patch"
# The one shape whose folder is certain: a single leading ``cd DIR && apply_patch`` (DIR a
# word, or quoted as Codex takes it: '...' as is, "..." without expansions).
_CD_THEN_PATCH = re.compile(r"""\A\s*cd\s+(?:'([^']*)'|"([^"$`\\]*)"|([^\s;&|()`<>'"$\\]+))"""
                            r"\s*&&\s*(?:apply_patch|applypatch)\s", re.DOTALL)
# What Codex (Rust's str::trim) counts as white space around a header: Python's strip()
# also takes \x1c-\x1f, so both readings are judged.
RUST_WS = ("\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
           "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
# A shell that runs a script given after a flag, as Codex's shell tools wrap commands.
_WRAPPER = re.compile(r"\A\s*(?:\S*[/\\])?(?:bash|zsh|sh|dash|ksh|pwsh|powershell|cmd)"
                      r"(?:\.exe)?\s", re.IGNORECASE)
_SNAPSHOT = '. "$0" && exec "$@"'  # Codex's shell-snapshot wrapper: source $0, run the rest
_HEADER = re.compile(r"\*\*\*\s*(?:Add File|Update File|Delete File|Move to)\s*:")
# Anything that may change the folder a command runs in, or hide which it is (read with
# quotes and backslashes taken out, so c''d and \cd are cd too).
_MOVES = re.compile(r"(?<![\w.-])(?:cd|pushd|popd|chdir|CDPATH)(?![\w-])|--chdir|"
                    r"(?<![\w-])env(?![\w-])[^\n;&|]*\s-\w*C|\$|`|os\.chdir|process\.chdir")
_SCRIPT_FLAGS = ("-c", "-lc", "-ic", "-ec", "-xc", "-Command", "/c")
MAX_NAMES = 1000  # more files in one call than the guard judges: refused


class HookInputError(ValueError):
    """The input is not a PreToolUse hook call."""


@record(frozen=True)
class HookCall:
    tool: str
    names: tuple[str, ...]  # the files the tool edits, from cwd; () for calls not read
    cwd: Path
    refusal: str = ""  # why the call is refused unread (a patch the guard cannot follow)
    shell: str = ""  # a shell call's script, read for writes to the gate's own files
    shell_cwd: Path | None = None  # where that script runs (Codex's workdir), else cwd


_BLANKS = RUST_WS + "\x1c\x1d\x1e\x1f"  # Rust's and Python's white space together


def _header_names(line: str, marker: str) -> list[str]:
    """The name a header line gives as Codex reads it (the rest of the trimmed line after
    ``MARKER``, the space included; for a move, the rest of the untrimmed line), and with
    every blank around it stripped, when that differs."""
    found = []
    if marker == "*** Move to: ":
        raw = line.rstrip("\r")
        if raw.startswith(marker):
            found.append(raw[len(marker):])
    else:
        trimmed = line.strip(RUST_WS)
        if trimmed.startswith(marker):
            found.append(trimmed[len(marker):])
    loose = line.strip(_BLANKS)[len(marker.rstrip()):].strip(_BLANKS)
    return [n for n in dict.fromkeys([*found, *([loose] if loose else [])]) if n]


def patch_names(patch: str) -> list[str]:
    """Every file a Codex patch names (added, updated, deleted, and the new name of a move),
    in order, each once. Lines end at ``\n`` only, as Codex splits them (a ``\x85`` or a
    lone ``\r`` inside a name is part of it). A line that starts with ``+`` or ``-`` is a line
    of a hunk, never a file header; any other line is read with its surrounding blanks
    stripped, as Codex reads the first line of each hunk (an indented header after an added
    file is a header to it). A context line that looks like a header is therefore read as one
    too, and a name with blanks around it is judged both as written and stripped: a name too
    many is safe, one too few is not."""
    found: list[str] = []
    for line in patch.split("\n"):
        if line[:1] in ("+", "-"):
            continue
        stripped = line.strip(_BLANKS)
        for marker in PATCH_MARKERS:
            if stripped.startswith(marker.rstrip()):
                found += [n for n in _header_names(line, marker) if n not in found]
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


def _script(command: object) -> str | None:
    """The shell text of a call: the script of ``[shell, -c, SCRIPT]``, else every word."""
    if isinstance(command, list) and len(command) >= 3 and command[-2] in _SCRIPT_FLAGS \
            and all(isinstance(w, str) for w in command):
        return str(command[-1])
    return _command_text(command)


def unwrapped(script: str, depth: int = 0) -> str:
    """The script a shell wrapper runs: ``bash -lc 'S'``, ``sh -c 'S'``, ``pwsh [-NoProfile]
    -Command S``, ``cmd /c S`` (as Codex joins an argv into the hook's command string), and
    Codex's shell-snapshot wrappers; the script itself when it is none of those."""
    if depth > 4 or not _WRAPPER.match(script):
        return script
    try:
        import shlex  # shell calls only: an Edit never needs it

        words = shlex.split(script)
    except ValueError:
        return script
    inner = _wrapped(words)
    return script if inner is None else unwrapped(inner, depth + 1)


def _wrapped(words: list[str]) -> str | None:
    """The script ``[shell, flag, script, ...]`` runs, or None."""
    shell = Path(words[0].replace("\\", "/")).stem.lower()
    flags = [w.lower() for w in words[1:3]]
    if shell in ("pwsh", "powershell"):
        at = 3 if flags[:2] == ["-noprofile", "-command"] else 2 if flags[:1] == ["-command"] \
            else None
    elif shell == "cmd":
        at = 2 if flags[:1] == ["/c"] else None
    else:
        at = 2 if words[1:2] and words[1] in _SCRIPT_FLAGS else None
    if at is None or len(words) <= at:
        return None
    script, rest = words[at], words[at + 1:]
    if script.strip() == _SNAPSHOT and len(rest) > 1:  # sh -c '. "$0" && exec "$@"' SNAP CMD..
        import shlex

        return shlex.join(rest[1:])
    if script.lstrip().startswith("if . ") and "\nexec " in script:  # the newer snapshot form
        return script[script.rindex("\nexec ") + len("\nexec "):]
    return script


def _outside_patches(text: str) -> str:
    """The command without the text of its patches (from a ``*** Begin Patch`` line to its
    ``*** End Patch``): what is left says how the patch is run, and where."""
    kept, inside = [], False
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped == BEGIN_PATCH:
            inside = True
        elif inside and stripped == "*** End Patch":
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


def _shell(command: object) -> tuple[list[str], str]:
    """(the files a shell call's patch names, from where the call runs; why the call is
    refused unread, or ""). A call with no patch header names nothing. Whatever runs the
    patch, its names are judged; the folder must be certain: none changed, or one leading
    ``cd DIR &&``. Anything else that may move (cd after cd, pushd, env -C, a variable, a
    command substitution) is refused when a name is relative: a guess could let a forbidden
    file through."""
    script = _script(command)
    if script is None or not _HEADER.search(script):
        return [], ""
    script = unwrapped(script)
    for line in script.split("\n"):
        found = _HEADER.search(line)
        if found and line[:1] not in ("+", "-") and line[:found.start()].strip():
            return [], ("it carries a patch the guard cannot read (a file header inside a "
                        "line: a quoted or generated patch); apply it with the apply_patch tool")
    names = patch_names(script)
    if not names:
        return [], ""
    rest = _outside_patches(script)
    moves = _MOVES.findall(re.sub(r"[\"'\\]", "", rest))
    leading = _CD_THEN_PATCH.match(rest + " ")
    if leading is not None and len(moves) == 1:
        named = next(g for g in leading.groups() if g is not None)
        from checker.agents.shellwords import tilde  # shell calls only

        moved = tilde(named, ".", os.path.expanduser("~"))  # "~+" is where the call runs
        if moved is None:
            return [], (f"it applies a patch after 'cd {named[:100]}', a folder of the folder "
                        f"stack the guard cannot follow; use the apply_patch tool")
        folder = os.path.normpath(moved)
        return [os.path.join(folder, n) for n in names], ""
    if moves and not all(os.path.isabs(n) for n in names):
        return [], ("it applies a patch after changing folder in a way the guard cannot "
                    f"follow ({', '.join(dict.fromkeys(moves))}); use the apply_patch tool, "
                    "one leading 'cd DIR &&', or absolute paths")
    return names, ""


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
        why = "" if names else ("the guard could not read which files this patch edits (no "
                                "'*** Add/Update/Delete File:' line)")
        return _made(tool, names, cwd, why)
    if tool in SHELL_TOOLS:
        key = next((k for k in ("command", "cmd", "chars") if tool_input.get(k)), "command")
        names, why = _shell(tool_input.get(key))
        workdir = tool_input.get("workdir")
        if isinstance(workdir, str) and workdir:  # Codex's shell tools run the command there
            names = [os.path.join(workdir, n) for n in names]
        made = _made(tool, names, cwd, why)
        script = _script(tool_input.get(key))
        runs_in = cwd / workdir if isinstance(workdir, str) and workdir else cwd
        return replace(made, shell=script, shell_cwd=runs_in) if script and not made.refusal \
            else made
    field = FILE_TOOLS.get(tool)
    if field is None:
        return HookCall(tool, (), cwd)
    path = tool_input.get(field)
    if not isinstance(path, str) or not path or "\0" in path:
        raise HookInputError(f"{tool} hook input has no usable tool_input.{field}")
    return _made(tool, [path], cwd)


def _why_not(names: list[str], cwd: Path) -> str:
    """Why names cannot be judged one by one (the call is then refused), or ""."""
    if len(names) > MAX_NAMES:
        return f"it names {len(names)} files, more than the {MAX_NAMES} the guard judges at once"
    if any("\0" in n for n in names):
        return "it names a path with a NUL byte"
    if not _text(str(cwd)) or not all(_text(n) for n in names):
        return "it names a path that is not valid Unicode text (a lone surrogate)"
    return ""


def _text(name: str) -> bool:
    """Whether ``name`` is text a file system can hold (no lone surrogate)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _made(tool: str, names: list[str], cwd: Path, refusal: str = "") -> HookCall:
    refusal = refusal or _why_not(names, cwd)
    return HookCall(tool, () if refusal else tuple(names), cwd, refusal=refusal)


def entry_and_target(cwd: Path, name: str) -> tuple[str, str]:
    """The absolute paths an edit of ``name`` touches: the directory entry it names (the
    links among its folders resolved) and the file that entry leads to (itself unless it
    is a symbolic link)."""
    joined = os.path.join(cwd, name)  # an absolute name replaces cwd
    head, tail = os.path.split(joined)
    target = os.path.realpath(joined)
    entry = target if tail in ("", ".", "..") else os.path.join(os.path.realpath(head), tail)
    return entry, target


def repo_paths(root: Path, cwd: Path, name: str) -> tuple[str, ...]:
    """The repo-relative paths an edit of ``name`` touches: the directory entry it names and,
    when that entry is a symbolic link, the file it leads to; those outside the work tree are
    left out (so an empty result means "not in this repository")."""
    top = Path(os.path.realpath(root))
    found: list[str] = []
    for candidate in map(Path, entry_and_target(cwd, name)):
        if candidate == top or not candidate.is_relative_to(top):
            continue
        rel = candidate.relative_to(top).as_posix()
        if rel not in found:
            found.append(rel)
    return tuple(found)
