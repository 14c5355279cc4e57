"""Reading what a model answered: the checks every reply parser shares.

A reply is data from outside: every text is cleaned to one printable line of bounded length,
every confidence must be a finite number in [0, 1], every list a list. A parser raises
VerifyUnavailable for a reply that is unusable as a whole (so ``verify.on_error`` decides).
"""

from __future__ import annotations

import math
import re
from typing import Any

from checker.errors import VerifyUnavailable

MAX_REASON = 300
_SPACE = re.compile(r"\s+")


def clean_reason(text: str) -> str:
    """One printable line, at most MAX_REASON characters."""
    line = "".join(c if c.isprintable() else " " for c in _SPACE.sub(" ", text)).strip()
    return line if len(line) <= MAX_REASON else line[: MAX_REASON - 1] + "…"


def confidence(value: Any) -> float | None:
    """``value`` as a confidence: a finite number in [0, 1] (not a bool); None otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not math.isfinite(value) or not 0.0 <= value <= 1.0:
        return None
    return float(value)


def required_confidence(data: dict[str, Any], source: str) -> float:
    """The reply's ``confidence`` field; a malformed reply when it is not in [0, 1]."""
    sure = confidence(data.get("confidence"))
    if sure is None:
        raise VerifyUnavailable(f"malformed reply from {source}: 'confidence' is not a "
                                f"number in [0, 1]")
    return sure


def lines(value: Any, source: str, name: str, limit: int = 50) -> tuple[str, ...]:
    """A list of strings as clean one-line texts (empty and non-string items dropped,
    duplicates once, at most ``limit``); an absent field is empty, any other type is a
    malformed reply."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise VerifyUnavailable(f"malformed reply from {source}: {name!r} is not a list")
    out = [clean_reason(v) for v in value if isinstance(v, str)]
    return tuple(dict.fromkeys(v for v in out if v))[:limit]
