"""``planscope init``: the config, an example plan and the plan schema; the hook snippets."""

from __future__ import annotations

from pathlib import Path

from checker import agents, errors, templates
from checker.config import Config
from checker.errors import Outcome


def init(root: Path, force: bool, claude_code: bool) -> Outcome:
    if claude_code:
        path, changed = agents.install_claude_hook(root)
        rel = path.relative_to(root).as_posix()
        return Outcome.of(errors.OK, [
            f"added the PreToolUse hook '{agents.GUARD_COMMAND}' to {rel}" if changed
            else f"{rel} already runs '{agents.GUARD_COMMAND}'; nothing changed"])
    written = [f"wrote {rel}" for rel in templates.init(root, Config(), force)]
    return Outcome(errors.OK, errors.text(written)
                   + "\nAdd the hooks to .pre-commit-config.yaml:\n\n"
                   + templates.PRE_COMMIT_SNIPPET
                   + "\nAnd check pull requests with the GitHub Action:\n\n"
                   + templates.WORKFLOW_SNIPPET)
