"""Who executed a commit: its ``Executor:`` trailer, else a coding agent named by a
``Co-authored-by:`` trailer, else ``unknown``. The agents are a small table; config
``stats.executors`` adds to it (a name or e-mail fragment, lower case, → the executor)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

TRAILER = "Executor"
UNKNOWN = "unknown"
ENV = "PLANSCOPE_EXECUTOR"  # set by planscope run: the commit-msg hook writes the trailer
AGENTS: dict[str, str] = {
    "claude": "claude-code",
    "noreply@anthropic.com": "claude-code",
    "codex": "codex",
    "copilot": "copilot",
    "cursor": "cursor",
    "aider": "aider",
}


def executor(named: Sequence[str], co_authors: Sequence[str],
             extra: Iterable[tuple[str, str]] = (), author: str = "") -> str:
    """The executor of a commit: its ``Executor:`` value, else the first agent whose name or
    e-mail fragment a ``Co-authored-by:`` line (then the author, ``Name <email>``) holds;
    ``extra``: config ``stats.executors`` pairs, tried before the built-in table."""
    for value in named:
        if value.strip():
            return value.strip()
    table = [*((k.lower(), v) for k, v in extra), *AGENTS.items()]
    for line in (*co_authors, author):
        low = line.lower()
        for fragment, name in table:
            if fragment and fragment in low:
                return name
    return UNKNOWN


_COMMANDS = {"claude": "claude-code", "codex": "codex", "aider": "aider", "cursor": "cursor",
             "cursor-agent": "cursor", "copilot": "copilot", "gemini": "gemini"}


def named_by(argv: Sequence[str]) -> str:
    """The executor ``planscope run`` starts, by its command's name (``claude`` →
    ``claude-code``; any other command by its own name)."""
    name = os.path.basename(argv[0]) if argv else UNKNOWN
    return _COMMANDS.get(name, name) or UNKNOWN
