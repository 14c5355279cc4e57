"""What the verification pass (and the reviews) are waiting on, while they wait.

- On a terminal (stderr is one): one line, rewritten in place and cleared at the end:
  ``verifying 3 drifted paths with claude-sonnet-5-5… 4s/60s``.
- Not on a terminal, but with a controlling terminal (the pre-commit framework captures a
  hook's output until it ends; so do many wrappers): the same line, drawn on ``/dev/tty``,
  so the person who ran ``git commit`` sees it live. Only when this process is in the
  terminal's foreground group (a background job never writes to the terminal), and never
  blocking (a terminal paused with Ctrl-S stops the drawing, not the check).
- No terminal at all (a GUI git client, CI): a line on stderr every ``LOG_EVERY_S`` seconds,
  ``planscope: verifying 3 drifted paths with claude-sonnet-5-5: still waiting, 20s of 60s``,
  so a log shows that it is waiting and on what.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable
from typing import TextIO

TTY = "/dev/tty"
LOG_EVERY_S = 10.0


def _isatty(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def open_terminal(path: str = TTY) -> TextIO | None:
    """The controlling terminal for writing, when this process is in its foreground group;
    None otherwise (no terminal, a background job, a platform without one)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK)
    except (OSError, AttributeError):
        return None
    try:
        if os.tcgetpgrp(fd) != os.getpgrp():
            os.close(fd)
            return None
        return os.fdopen(fd, "w", encoding="utf-8", errors="replace")
    except OSError:
        os.close(fd)
        return None


class Progress:
    """The wait, said where a person or a log will see it (see the module notes)."""

    def __init__(self, what: str, timeout_s: float, stream: TextIO | None = None, *,
                 terminal: Callable[[], TextIO | None] = open_terminal,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.what = what
        self.timeout_s = timeout_s
        self.detail = ""  # what it is still waiting on, when several calls run at once
        self.clock = clock
        self.start = clock()
        self._width = 0
        self._own: TextIO | None = None  # the terminal opened here, closed by clear()
        self.draw_on: TextIO | None = self.stream if _isatty(self.stream) else None
        if self.draw_on is None:
            self._own = self.draw_on = terminal()
        self.enabled = True
        self._next_log = self.start + LOG_EVERY_S

    def _write(self, stream: TextIO, text: str) -> None:
        try:
            stream.write(text)
            stream.flush()
        except (OSError, ValueError):  # a closed, broken or paused terminal: stop saying it
            self.enabled = False

    def _what(self) -> str:
        return f"{self.what}; {self.detail}" if self.detail else self.what

    def update(self) -> None:
        if not self.enabled:
            return
        now = self.clock()
        elapsed = int(now - self.start)
        if self.draw_on is None:
            if now >= self._next_log:
                while self._next_log <= now:  # one line, however long since the last one
                    self._next_log += LOG_EVERY_S
                self._write(self.stream, f"planscope: {self._what()}: still waiting, "
                                         f"{elapsed}s of {self.timeout_s:g}s\n")
            return
        line = f"{self._what()}… {elapsed}s/{self.timeout_s:g}s"
        pad = " " * max(self._width - len(line), 0)
        self._width = max(self._width, len(line))
        self._write(self.draw_on, f"\r{line}{pad}")

    def clear(self) -> None:
        if self.draw_on is not None and self.enabled and self._width:
            self._write(self.draw_on, "\r" + " " * self._width + "\r")
            self._width = 0
        if self._own is not None:
            with contextlib.suppress(OSError):
                self._own.close()
            self._own = None
