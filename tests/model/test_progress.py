"""The progress line (checker/model/progress.py), drawn on a stream that says it is a terminal."""

from __future__ import annotations

import io
import subprocess
import sys

from checker.model.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Broken(Terminal):
    def write(self, text: str) -> int:
        raise OSError("gone")


def test_drawn_in_place_and_cleared() -> None:
    stream = Terminal()
    progress = Progress("verifying 2 drifted paths with m", 60, stream)
    progress.update()
    progress.detail = "waiting on a, b"
    progress.update()
    progress.clear()
    text = stream.getvalue()
    assert text.startswith("\rverifying 2 drifted paths with m… 0s/60s")
    assert "\rverifying 2 drifted paths with m; waiting on a, b… 0s/60s" in text
    assert text.endswith("\r" + " " * len("verifying 2 drifted paths with m; waiting on a, b… "
                                          "0s/60s") + "\r")


def no_terminal() -> None:
    return None


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_broken_terminal_stops_drawing() -> None:
    broken = Progress("x", 1, Broken())
    broken.update()
    assert broken.enabled is False


def test_drawn_on_the_controlling_terminal_when_stderr_is_not_one() -> None:
    captured, terminal = io.StringIO(), Terminal()
    progress = Progress("verifying 1 drifted path with m", 60, captured,
                        terminal=lambda: terminal)
    progress.update()
    assert terminal.getvalue().startswith("\rverifying 1 drifted path with m… 0s/60s")
    progress.clear()
    assert captured.getvalue() == ""
    assert terminal.closed  # opened for this wait, closed with it


def test_without_any_terminal_a_line_every_ten_seconds() -> None:
    log, clock = io.StringIO(), Clock()
    progress = Progress("verifying 1 drifted path with m", 60, log, terminal=no_terminal,
                        clock=clock)
    for now in (100.0, 105.0, 109.9):
        clock.now = now
        progress.update()
    assert log.getvalue() == ""
    for now in (110.0, 110.25, 115.0, 120.1, 150.0, 151.0):
        clock.now = now
        progress.update()
    progress.clear()
    assert log.getvalue().splitlines() == [
        "planscope: verifying 1 drifted path with m: still waiting, 10s of 60s",
        "planscope: verifying 1 drifted path with m: still waiting, 20s of 60s",
        "planscope: verifying 1 drifted path with m: still waiting, 50s of 60s",
    ]


def test_the_controlling_terminal_of_a_process_without_one() -> None:
    """In a session with no terminal, /dev/tty cannot be opened: no terminal to draw on."""
    probe = ("import os; os.setsid(); from checker.model.progress import open_terminal; "
             "print(open_terminal() is None)")
    proc = subprocess.run((sys.executable, "-c", probe), capture_output=True, text=True,
                          check=True, stdin=subprocess.DEVNULL)
    assert proc.stdout.strip() == "True"
