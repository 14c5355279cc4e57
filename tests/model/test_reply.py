"""The checks every reply parser shares (checker/model/reply.py)."""

from __future__ import annotations

import math

import pytest

from checker.errors import VerifyUnavailable
from checker.model import reply


def test_clean_reason_is_one_bounded_printable_line() -> None:
    assert reply.clean_reason("two\nlines\x1b[31m  here ") == "two lines [31m here"
    long = reply.clean_reason("x" * 1000)
    assert len(long) == reply.MAX_REASON and long.endswith("…")


def test_confidence_is_a_finite_number_in_range() -> None:
    assert reply.confidence(0.5) == 0.5 and reply.confidence(1) == 1.0
    for bad in (True, "0.5", -0.1, 1.1, math.nan, math.inf, None):
        assert reply.confidence(bad) is None


def test_lines() -> None:
    assert reply.lines(None, "m", "gaps") == ()
    assert reply.lines(["a", "", 3, "a", "b\nc"], "m", "gaps") == ("a", "b c")
    assert reply.lines([str(i) for i in range(60)], "m", "gaps", limit=2) == ("0", "1")
    with pytest.raises(VerifyUnavailable, match="'gaps' is not a list"):
        reply.lines("a", "m", "gaps")
