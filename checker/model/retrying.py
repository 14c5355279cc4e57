"""What every HTTP provider shares: the reply it gives back, how much of a reply is read,
and when a failed attempt is tried again inside the pass's one deadline (``retry-after``
obeyed only when it fits)."""

from __future__ import annotations

import contextlib
import email.utils
import random
import time
from collections.abc import Iterable, Mapping
from typing import Any

from checker.errors import VerifyUnavailable
from checker.model.reply import clean_reason
from checker.record import record

MAX_ATTEMPTS = 3  # one call and at most two retries, all inside the deadline
RETRY_STATUS = frozenset({408, 409, 429})
MAX_REPLY_BYTES = 1 << 20  # a verdict is a few KB: reading stops here, the pass fails


@record(frozen=True)
class Reply:
    data: Any  # the answer object, ``{"verdicts": [...]}`` when well formed
    input_tokens: int = 0
    output_tokens: int = 0


def one_line(text: object, limit: int = 200) -> str:
    return clean_reason(str(text))[:limit] or "no details"


def usage_tokens(message: Any, keys: tuple[str, str]) -> tuple[int, int]:
    """(input, output) tokens from a reply's ``usage`` object under ``keys``; 0 for what is
    missing or not a count."""
    usage = message.get("usage") if isinstance(message, dict) else None
    usage = usage if isinstance(usage, dict) else {}
    found = [usage.get(k, 0) for k in keys]
    tokens = [t if isinstance(t, int) and not isinstance(t, bool) else 0 for t in found]
    return tokens[0], tokens[1]


def capped(chunks: Iterable[bytes], source: str) -> bytes:
    """A reply read up to ``MAX_REPLY_BYTES``; VerifyUnavailable past it (reading stops)."""
    body = bytearray()
    for chunk in chunks:
        body += chunk
        if len(body) > MAX_REPLY_BYTES:
            raise VerifyUnavailable(f"the reply from {source} is larger than "
                                    f"{MAX_REPLY_BYTES} bytes; not read further")
    return bytes(body)


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds the server asks to wait (``retry-after-ms``, ``retry-after``), if it says."""
    with contextlib.suppress(TypeError, ValueError):
        ms = headers.get("retry-after-ms")
        if ms is not None:
            return float(ms) / 1000
    value = headers.get("retry-after")
    if value is None:
        return None
    with contextlib.suppress(ValueError):
        return float(value)
    date = email.utils.parsedate_tz(value)
    return None if date is None else float(email.utils.mktime_tz(date)) - time.time()


def backoff(attempt: int) -> float:
    return min(0.5 * 2.0**attempt, 4.0) * random.uniform(0.75, 1.0)


def status_wait(code: int, headers: Mapping[str, str], reason: str, attempt: int,
                deadline: float, timeout_s: float) -> float:
    """How long to wait before trying again after HTTP ``code``; VerifyUnavailable (with
    ``reason``) when the status is not worth a retry or the server's wait would pass the
    deadline. ``x-should-retry`` from the server decides when it says."""
    should = headers.get("x-should-retry")
    if should == "false" or (should != "true" and code not in RETRY_STATUS and code < 500):
        raise VerifyUnavailable(reason)
    asked = retry_after(headers)
    if asked is not None and asked > 0 and time.monotonic() + asked > deadline:
        raise VerifyUnavailable(f"{reason}; the server asks to retry after {asked:g}s, past "
                                f"verify.timeout_s ({timeout_s:g}s)")
    return asked if asked is not None and asked > 0 else backoff(attempt)
