"""One progress line on a terminal while the pass waits; nothing at all otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def _isatty(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


class Progress:
    """``verifying 3 drifted paths with claude-sonnet-5-5… 4s/60s``, rewritten in place."""

    def __init__(self, what: str, timeout_s: float, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _isatty(self.stream)
        self.what = what
        self.timeout_s = timeout_s
        self.detail = ""  # what it is still waiting on, when several calls run at once
        self.start = time.monotonic()
        self._width = 0

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed or broken terminal: stop drawing
            self.enabled = False

    def update(self) -> None:
        if not self.enabled:
            return
        elapsed = int(time.monotonic() - self.start)
        what = f"{self.what}; {self.detail}" if self.detail else self.what
        line = f"{what}… {elapsed}s/{self.timeout_s:g}s"
        pad = " " * max(self._width - len(line), 0)
        self._width = max(self._width, len(line))
        self._write(f"\r{line}{pad}")

    def clear(self) -> None:
        if self.enabled and self._width:
            self._write("\r" + " " * self._width + "\r")
            self._width = 0
