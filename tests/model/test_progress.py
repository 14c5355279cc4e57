"""The progress line (checker/model/progress.py), drawn on a stream that says it is a terminal."""

from __future__ import annotations

import io

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


def test_nothing_without_a_terminal_and_a_broken_one_stops_drawing() -> None:
    plain = io.StringIO()
    progress = Progress("x", 1, plain)
    progress.update()
    progress.clear()
    assert plain.getvalue() == ""
    broken = Progress("x", 1, Broken())
    broken.update()
    assert broken.enabled is False
