"""Reading a provider's answer: ``{"verdicts": [{path, verdict, reason, confidence}]}``.

Policy for bad answers:

- A reply that is not an object with a ``verdicts`` list is unusable as a whole: the pass
  could not run (VerifyUnavailable, so ``verify.on_error`` decides).
- A single entry with a missing or wrong field (unknown verdict, confidence that is not a
  number in [0, 1], empty path) is dropped; its path then has no verdict and counts as drift.
- When one path gets several verdicts, any ``drift`` wins, otherwise the lowest confidence.
"""

from __future__ import annotations

import math
import re
from typing import Any

from checker.errors import VerifyUnavailable
from checker.verify.result import DRIFT, VERDICTS, Verdict

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


def _entry(item: Any) -> Verdict | None:
    if not isinstance(item, dict):
        return None
    path, verdict, reason = item.get("path"), item.get("verdict"), item.get("reason")
    sure = confidence(item.get("confidence"))
    if not isinstance(path, str) or not path or verdict not in VERDICTS or sure is None:
        return None
    text = clean_reason(reason) if isinstance(reason, str) and reason.strip() else ""
    return Verdict(path, verdict, text or "(no reason given)", sure)


def _better(old: Verdict, new: Verdict) -> Verdict:
    if (old.verdict == DRIFT) != (new.verdict == DRIFT):
        return old if old.verdict == DRIFT else new
    return old if old.confidence <= new.confidence else new


def parse(data: Any, source: str) -> tuple[Verdict, ...]:
    """The usable verdicts of ``data``; VerifyUnavailable when the reply has no verdict list."""
    if not isinstance(data, dict):
        raise VerifyUnavailable(f"malformed reply from {source}: expected an object with "
                                f"'verdicts', got {type(data).__name__}")
    items = data.get("verdicts")
    if not isinstance(items, list):
        raise VerifyUnavailable(f"malformed reply from {source}: 'verdicts' is not a list")
    out: dict[str, Verdict] = {}
    for item in items:
        v = _entry(item)
        if v is not None:
            out[v.path] = _better(out[v.path], v) if v.path in out else v
    return tuple(out.values())


def to_json(verdicts: tuple[Verdict, ...]) -> list[dict[str, Any]]:
    return [{"path": v.path, "verdict": v.verdict, "reason": v.reason,
             "confidence": v.confidence} for v in verdicts]
