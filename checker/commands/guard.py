"""``planscope guard``: the edit-time guard as a PreToolUse hook. The hook's JSON is read by
``checker.agents.hookinput``, judged by ``checker.agents.guard`` and answered in the hook
protocol by ``checker.render.guard``. Fails closed: input that is no hook call, rules that
cannot be read, an internal error refuse the call (exit 2, the reason to the agent and the
user), never a traceback and never an error the agent would take for "go ahead"."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from checker.agents import guard
from checker.agents.guard import DENY, Decision
from checker.agents.hookinput import HookInputError, parse_input
from checker.errors import Outcome, PlanscopeError, error_text
from checker.render.guard import DENY_WITH, EXIT_ERROR, outcome


def run(raw: bytes, *, env: Mapping[str, str] | None = None, cwd: Path | None = None,
        deny_with: str = "exit-code") -> Outcome:
    """The whole hook: stdin bytes in, what to print and the exit code out."""
    if deny_with not in DENY_WITH:
        raise ValueError(deny_with)
    try:
        call = parse_input(raw, cwd or Path(os.getcwd()))
        return outcome(guard.evaluate(call, os.environ if env is None else env), deny_with)
    except HookInputError as exc:
        why = f"{exc}; it reads the JSON a Claude Code or Codex PreToolUse hook gets on stdin"
    except PlanscopeError as exc:
        why = _one_line(str(exc)) + (f" ({exc.hint})" if exc.hint else "")
    except Exception as exc:
        why = f"internal error: {type(exc).__name__}: {exc}"
    reason = f"planscope: refused, the guard could not judge this call: {why}"
    return outcome(Decision(DENY, reason), deny_with)


def _one_line(text: str) -> str:
    return "; ".join(line.strip() for line in text.splitlines() if line.strip())


def from_stdin(stdin: TextIO, deny_with: str) -> Outcome:
    """The hook run on what the agent wrote to stdin (never a terminal: nothing types it)."""
    if stdin.isatty():
        return Outcome(EXIT_ERROR, "", error_text(
            "guard reads a Claude Code or Codex PreToolUse hook's JSON on stdin",
            "install it with `planscope init --claude-code` or `planscope init --codex`"))
    return run(stdin.buffer.read(), deny_with=deny_with)
