"""One exception base carrying an exit code; the CLI prints it as one line."""

from __future__ import annotations

OK = 0
DRIFT = 1
BAD_INPUT = 2
VERIFY_UNAVAILABLE = 3


class PlanscopeError(Exception):
    """An error the user can act on. ``str(err)`` is the whole message, one line."""

    exit_code = BAD_INPUT


class BadInput(PlanscopeError):
    """Usage, config, plan or git state is wrong (exit 2)."""

    exit_code = BAD_INPUT


class VerifyUnavailable(PlanscopeError):
    """The verification pass could not run (exit 3 when ``verify.on_error: fail``)."""

    exit_code = VERIFY_UNAVAILABLE
