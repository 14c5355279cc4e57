"""Providers under one hard deadline (checker/model/providers.py)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from checker.errors import VerifyUnavailable
from checker.model import prompt as vprompt
from checker.model import providers, retrying, verify


class _StuckProvider:
    """A provider that never answers (like a server trickling bytes), for the watchdog."""

    name = "anthropic"
    model = "stuck-model"

    def __init__(self) -> None:
        self.last_failure: str | None = None
        self.cancelled = False

    def prepare(self) -> None:
        pass

    def call(self, prompt: vprompt.Prompt, request: Mapping[str, Any],
             deadline: float) -> retrying.Reply:
        self.last_failure = "the API is overloaded (HTTP 529 overloaded_error)"
        time.sleep(30)
        raise AssertionError("not reached")

    def cancel(self) -> None:
        self.cancelled = True


def test_the_deadline_is_hard_even_when_the_provider_hangs() -> None:
    stuck = _StuckProvider()
    built = vprompt.Prompt("system", "user", "0" * 20, verify.TOOL)
    start = time.monotonic()
    (got,) = providers.call_all_within([(stuck, built, {})], start + 0.5, 0.5,
                                       "verifying 1 drifted path with stuck-model")
    assert isinstance(got, VerifyUnavailable)
    assert time.monotonic() - start < 0.5 + 2.0  # the deadline, and wide room for a busy machine
    assert stuck.cancelled
    assert str(got) == ("no verdict from stuck-model within 0.5s (verify.timeout_s); "
                               "last attempt: the API is overloaded (HTTP 529 overloaded_error)")


def test_a_command_that_writes_without_end_is_stopped_at_the_cap(tmp_path: Any) -> None:
    import sys

    from checker.rules.config import VerifyConfig

    endless = ("import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n"
               "    sys.stdout.flush()\n")
    config = VerifyConfig(provider="command", command=(sys.executable, "-c", endless),
                          timeout_s=120)
    command = providers.CommandProvider(config, tmp_path)
    built = vprompt.Prompt("system", "user", "0" * 20, verify.TOOL)
    start = time.monotonic()
    (got,) = providers.call_all_within([(command, built, {})], start + 120, 120, "verifying")
    assert isinstance(got, VerifyUnavailable)
    assert "is larger than 1048576 bytes; not read" in str(got)
    assert time.monotonic() - start < 60  # stopped at the cap, long before the deadline
