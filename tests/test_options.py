"""The shared command-line options (checker/options.py)."""

from __future__ import annotations

import pytest

from checker import options
from checker.errors import BadInput
from checker.judge.changes import Target


def test_one_target_at_most() -> None:
    assert options.target(False, None, None, None) is None
    assert options.target(True, None, None, None) == Target("staged")
    assert options.target(False, "HEAD", None, None) == Target("commit", "HEAD")
    assert options.target(False, None, "a..b", None) == Target("range", "a..b")
    assert options.target(False, None, None, "main") == Target("base", "main")
    with pytest.raises(BadInput, match="use only one of"):
        options.target(True, "HEAD", None, None)
    with pytest.raises(BadInput, match="use only one of"):
        options.target(False, "HEAD", "a..b", None)
