"""``planscope install`` / ``uninstall``: the plain git hooks (``checker.setup.githooks``)."""

from __future__ import annotations

from pathlib import Path

from checker import errors
from checker.errors import Outcome
from checker.setup import githooks


def install(root: Path, hooks_path: bool = False) -> Outcome:
    return Outcome.of(errors.OK, [f"planscope: {githooks.install(root, hooks_path)}"])


def uninstall(root: Path) -> Outcome:
    removed = githooks.uninstall(root)
    if not removed:
        return Outcome.of(errors.OK, ["planscope: no planscope hooks installed; nothing removed"])
    return Outcome.of(errors.OK, [f"planscope: removed {', '.join(removed)}"])
