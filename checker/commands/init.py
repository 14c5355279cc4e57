"""``planscope init``: the config, an example plan and the plan schema; the hook snippets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from checker import errors
from checker.agents import hookconfig
from checker.errors import Outcome
from checker.git import revs
from checker.rules.config import Config
from checker.setup import templates


def _agent_hook(root: Path, install: Callable[[Path], tuple[Path, bool]]) -> str:
    path, changed = install(root)
    rel = path.relative_to(root).as_posix()
    return (f"added the PreToolUse hook '{hookconfig.GUARD_COMMAND}' to {rel}" if changed
            else f"{rel} already runs '{hookconfig.GUARD_COMMAND}'; nothing changed")


def init(root: Path, force: bool, claude_code: bool, codex: bool = False) -> Outcome:
    if claude_code or codex:  # only the agents' hooks: the rest was written before
        lines = [_agent_hook(root, hookconfig.install_claude_hook)] if claude_code else []
        if codex:
            lines += [_agent_hook(root, hookconfig.install_codex_hook), hookconfig.CODEX_TRUST]
        return Outcome.of(errors.OK, lines)
    head = revs.head_commit(root)
    baseline = head.sha if head is not None else None
    written = [f"wrote {rel}" for rel in templates.init(root, Config(), force, baseline)]
    if baseline is not None:
        written.append(f"baseline: {baseline[:12]} (HEAD): it and every commit before it are "
                       f"never checked")
    return Outcome(errors.OK, errors.text(written)
                   + "\nAdd the hooks to .pre-commit-config.yaml:\n\n"
                   + templates.PRE_COMMIT_SNIPPET
                   + "\nAnd check pull requests with the GitHub Action:\n\n"
                   + templates.WORKFLOW_SNIPPET
                   + "\nThen commit these files in one commit of their own: it adopts "
                     "planscope and passes its own checks.\n")
