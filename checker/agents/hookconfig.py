"""Coding agents' hook settings: where planscope's edit-time guard is registered.

Claude Code reads ``PreToolUse`` hooks from ``.claude/settings.json``, Codex from
``.codex/hooks.json``: in both, a ``hooks`` object whose ``PreToolUse`` list holds
``{"matcher": ..., "hooks": [{"type": "command", "command": ...}]}`` entries.
``merge_hook`` adds the guard there, keeping every other setting, and does nothing when
commands that run ``planscope guard`` (also ones added by hand) are already registered for
every tool the guard must see. A matcher is read the way Claude Code reads it: ``*``, empty
or absent matches every tool; letters, digits, ``_``, ``-``, blanks and commas name tools
exactly; anything else is an unanchored regular expression. A guard entry whose matcher
leaves a tool out is widened (an entry of its own) or joined by a new one. A file it cannot
merge (not JSON, not an object) is left alone with a message.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import sys
from pathlib import Path
from typing import Any

from checker import files, state
from checker.errors import BadInput

GUARD_COMMAND = "planscope guard"
CLAUDE_SETTINGS = ".claude/settings.json"
CLAUDE_MATCHER = "Edit|Write|MultiEdit|NotebookEdit|Bash"  # Bash: writes to the gate
CODEX_HOOKS = ".codex/hooks.json"
CODEX_MATCHER = "apply_patch|Edit|Write|Bash"  # Bash: a shell call may run apply_patch
CODEX_TRUST = ("Codex runs a new or changed hook only after you trust it, and skips it "
               "without a word until then: open Codex in this repository and approve it "
               "with /hooks (older releases also need [features] codex_hooks = true in "
               "~/.codex/config.toml)")
AGENT_HOOKS = {"Claude Code": CLAUDE_SETTINGS, "Codex": CODEX_HOOKS}


def is_guard_command(command: Any) -> bool:
    """Whether a hook command runs ``planscope guard`` (by any path to planscope)."""
    if not isinstance(command, str):
        return False
    try:
        words = shlex.split(command)
    except ValueError:
        return False
    return any(Path(w).name.removesuffix(".exe") == "planscope" and words[i + 1] == "guard"
               for i, w in enumerate(words[:-1]))


def _load(path: Path, name: str) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        text = files.read(path, name).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{name}: cannot read: {exc}") from None
    try:
        loaded = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as exc:
        raise BadInput(f"{name}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); fix it "
                       f"and run this again (nothing was changed)") from None
    if not isinstance(loaded, dict):
        raise BadInput(f"{name}: the top level is not a JSON object (nothing was changed)")
    return loaded


def _entries(settings: dict[str, Any], name: str) -> list[Any]:
    hooks = settings.setdefault("hooks", {})
    if not isinstance(hooks, dict):
        raise BadInput(f"{name}: \"hooks\" is not an object (nothing was changed)")
    entries = hooks.setdefault("PreToolUse", [])
    if not isinstance(entries, list):
        raise BadInput(f"{name}: \"hooks.PreToolUse\" is not a list (nothing was changed)")
    return entries


def matches(matcher: Any, tool: str) -> bool:
    """Whether a hook entry's ``matcher`` selects ``tool``, as Claude Code reads it."""
    if matcher is None or matcher in ("", "*"):
        return True
    if not isinstance(matcher, str):
        return False
    if re.fullmatch(r"[A-Za-z0-9_\- ,]*", matcher):
        return tool in (m.strip() for m in matcher.split(","))
    try:
        return re.search(matcher, tool) is not None
    except re.error:  # a matcher that does not compile selects nothing
        return False


def _guard_entries(entries: list[Any]) -> list[dict[str, Any]]:
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("hooks"), list)
            and any(isinstance(h, dict) and is_guard_command(h.get("command"))
                    for h in e["hooks"])]


def unguarded(entries: list[Any], matcher: str) -> list[str]:
    """The tools of ``matcher`` (``A|B|C``) no guard entry selects."""
    guards = _guard_entries(entries)
    return [t for t in matcher.split("|") if not any(matches(e.get("matcher"), t)
                                                     for e in guards)]


def has_guard(entries: list[Any], matcher: str = CLAUDE_MATCHER) -> bool:
    """Whether guard entries select every tool of ``matcher``."""
    return not unguarded(entries, matcher)


def _project_script(root: Path) -> str | None:
    """The path of this planscope's script from the top of the project, when it is
    installed inside the project (a ``.venv`` the agent's PATH does not hold), else None."""
    name = "planscope.exe" if os.name == "nt" else "planscope"
    script = Path(os.path.realpath(Path(sys.executable).parent)) / name
    top = os.path.realpath(root)
    if not script.exists() or not script.is_relative_to(top):
        return None
    return shlex.quote(script.relative_to(top).as_posix())


def claude_command(root: Path) -> str:
    """The guard command for Claude Code: through ``$CLAUDE_PROJECT_DIR`` when planscope is
    installed inside the project (a bare ``planscope`` would not start there, exit 127, and
    the agent would take that as allow; ``|| exit 2``: if it still cannot start, every edit
    is refused rather than let through); else ``planscope guard``, found on PATH
    (``planscope doctor`` runs it to be sure)."""
    rel = _project_script(root)
    return f'"$CLAUDE_PROJECT_DIR"/{rel} guard || exit 2' if rel else GUARD_COMMAND


def codex_command(root: Path) -> str:
    """The guard command for Codex, which runs a hook's command through the shell from the
    session's folder and names no project folder: from the top of the work tree git finds
    there when planscope is installed inside the project; else ``planscope guard``."""
    rel = _project_script(root)
    return f'"$(git rev-parse --show-toplevel)"/{rel} guard || exit 2' if rel else GUARD_COMMAND


def merge_hook(root: Path, name: str, matcher: str,
               command: str = GUARD_COMMAND) -> tuple[Path, bool]:
    """Add the guard to the JSON settings file ``name`` (repo-relative) as a PreToolUse hook
    for every tool of ``matcher``, keeping every other setting; returns the file and whether
    it changed."""
    path = root / name
    settings = _load(path, name)
    entries = _entries(settings, name)
    if has_guard(entries, matcher):
        return path, False
    own = next((e for e in _guard_entries(entries) if len(e["hooks"]) == 1), None)
    if own is not None:  # planscope's own entry: its matcher widened to every tool
        own["matcher"] = matcher
    else:
        entries.append({"matcher": matcher, "hooks": [{"type": "command",
                                                       "command": command}]})
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    state.atomic_write(path, json.dumps(settings, indent=2, ensure_ascii=False) + "\n",
                       mode=mode)
    return path, True


def install_claude_hook(root: Path) -> tuple[Path, bool]:
    return merge_hook(root, CLAUDE_SETTINGS, CLAUDE_MATCHER, claude_command(root))


def install_codex_hook(root: Path) -> tuple[Path, bool]:
    return merge_hook(root, CODEX_HOOKS, CODEX_MATCHER, codex_command(root))


def guard_commands(root: Path, name: str) -> list[str]:
    """The commands naming planscope that the settings file ``name`` runs (none when
    unreadable)."""
    try:
        entries = _entries(_load(root / name, name), name)
    except BadInput:
        return []
    return list(dict.fromkeys(h["command"] for e in entries if isinstance(e, dict)
                              for h in e.get("hooks", ()) if isinstance(h, dict)
                              and _runs_planscope(h.get("command"))))


def _runs_planscope(command: Any) -> bool:
    """Whether a hook command names planscope at all (``planscope guard``, a misspelt
    ``planscope gaurd``, ``echo planscope guard``): doctor runs each to see what it does."""
    return isinstance(command, str) and "planscope" in command


def guard_installed(root: Path, name: str) -> bool:
    """Whether the settings file ``name`` registers the guard for every tool it must see
    (False when unreadable)."""
    matcher = CODEX_MATCHER if name == CODEX_HOOKS else CLAUDE_MATCHER
    try:
        return has_guard(_entries(_load(root / name, name), name), matcher)
    except BadInput:
        return False
