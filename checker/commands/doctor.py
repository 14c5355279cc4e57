"""``planscope doctor``: is everything in place? One line per check (``checker.setup.health``),
with its fix; exit 2 when one failed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from checker import errors
from checker.errors import Outcome
from checker.render.doctor import line
from checker.setup.health import checks


def doctor(cwd: Path | None, offline: bool, say: Callable[[str], None]) -> Outcome:
    """Every check, one line each with its fix; exit 2 when one failed. ``say`` prints what
    it waits on while it waits."""
    found = list(checks(cwd, offline, say))
    failed = any(f.level == "FAIL" for f in found)
    return Outcome.of(errors.BAD_INPUT if failed else errors.OK, [line(f) for f in found])
