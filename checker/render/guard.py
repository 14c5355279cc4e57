"""The guard's decision in the PreToolUse hook protocol (Claude Code, Codex).

- **A refusal.** Exit 2 with the reason on stderr: Claude Code's documented way for a
  PreToolUse hook to block a call, the stderr text going back to the model as the reason.
  The same decision is printed on stdout in its JSON form (``hookSpecificOutput``,
  ``permissionDecision: "deny"``). Claude Code reads that JSON only on exit 0 and ignores
  stdout on exit 2, so there it changes nothing; it is there for other hosts and for logs.
  Some Claude Code builds have let Edit/Write through despite exit 2
  (anthropics/claude-code#13744, and later reports on Windows): for those,
  ``planscope guard --deny-with json`` refuses with exit 0 and the JSON decision, which is the
  other documented way.
- **A warning.** Exit 0, the message for the user (``systemMessage``) and the model
  (``additionalContext``).
- **Allowed.** Exit 0; a note, if any, on stderr. The guard never answers ``allow``: that
  would skip the user's own permission prompts.
"""

from __future__ import annotations

import json

from checker.agents.guard import DENY, WARN, Decision
from checker.errors import Outcome

EXIT_ALLOW = 0
EXIT_ERROR = 1  # a non-blocking hook error: Claude Code shows it and the edit goes ahead
EXIT_DENY = 2
DENY_WITH = ("exit-code", "json")


def outcome(decision: Decision, deny_with: str) -> Outcome:
    if decision.kind == DENY:
        denied = {"hookSpecificOutput": {"hookEventName": "PreToolUse",
                                         "permissionDecision": "deny",
                                         "permissionDecisionReason": decision.reason}}
        code = EXIT_ALLOW if deny_with == "json" else EXIT_DENY
        return Outcome(code, json.dumps(denied) + "\n", decision.reason + "\n")
    note = decision.note + "\n" if decision.note else ""
    if decision.kind == WARN:
        said = {"systemMessage": decision.reason,
                "hookSpecificOutput": {"hookEventName": "PreToolUse",
                                       "additionalContext": decision.reason}}
        return Outcome(EXIT_ALLOW, json.dumps(said) + "\n", decision.reason + "\n" + note)
    return Outcome(EXIT_ALLOW, "", note)
