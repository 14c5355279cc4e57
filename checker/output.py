"""The one place output is printed and errors become exit codes, for the click commands and
for the commit hooks that ``checker.main`` runs without click."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from typing import NoReturn

from checker.errors import BAD_INPUT, Outcome, PlanscopeError, error_text


def _echo(text: str, err: bool) -> None:
    """Print what a terminal cannot act on (``checker.render.terminal``), unless the reader
    is gone (``| head``, a closed pipe, a full disk): the exit code still says what
    happened."""
    from checker.render.terminal import safe

    stream = sys.stderr if err else sys.stdout
    try:
        stream.write(safe(text))
        stream.flush()
    except OSError:  # BrokenPipeError, ENOSPC: nothing more can be said there
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())


def emit(outcome: Outcome) -> NoReturn:
    """stdout, stderr, then exit with the code."""
    if outcome.stdout:
        _echo(outcome.stdout, err=False)
    if outcome.stderr:
        _echo(outcome.stderr, err=True)
    sys.exit(outcome.code)


def internal_error(exc: Exception) -> Outcome:
    """A bug, said in one line (``PLANSCOPE_DEBUG=1`` lets the traceback through)."""
    if os.environ.get("PLANSCOPE_DEBUG") == "1":
        raise exc
    return Outcome(BAD_INPUT, "", error_text(
        f"internal error: {type(exc).__name__}: {exc}",
        "this is a bug in planscope; PLANSCOPE_DEBUG=1 shows where it happened"))


def failure(exc: Exception) -> Outcome:
    """The one error handler: a planscope error as its exit code and message, anything else
    as an internal error."""
    if isinstance(exc, PlanscopeError):
        return Outcome.failed(exc)
    return internal_error(exc)


def guarded(call: Callable[[], Outcome]) -> Outcome:
    """``call()``, with every error through ``failure``."""
    try:
        return call()
    except Exception as exc:
        return failure(exc)
