"""``planscope doctor``'s findings as text: one line each, the fix under it."""

from __future__ import annotations

from checker.render.text import display
from checker.setup.health import Line


def line(found: Line) -> str:
    said = f"{found.level:<4}  {display(found.what)}"
    return said + (f"\n      fix: {display(found.fix)}" if found.fix else "")
