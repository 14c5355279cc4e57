"""Exit codes, the one exception base, the one ``Outcome`` every command returns, and the one
way an error is printed.

A command decides and returns an ``Outcome`` (exit code, stdout text, stderr text); the CLI
prints it in one place. An error the user can act on is a ``PlanscopeError``: its message is
one line per problem, with an optional fix; ``error_text`` prints it the same way everywhere::

    planscope: error: plans/x.yaml:4:9: slices[0].id: 'Tables' does not match ...
    planscope: hint: run 'planscope validate' for every problem
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from checker.record import record

OK = 0
DRIFT = 1
BAD_INPUT = 2
VERIFY_UNAVAILABLE = 3

PREFIX = "planscope: "


class PlanscopeError(Exception):
    """An error the user can act on. ``str(err)`` is the message, one line per problem;
    ``hint`` says what to do about it, when the message does not already."""

    exit_code = BAD_INPUT

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


class BadInput(PlanscopeError):
    """Usage, config, plan or git state is wrong (exit 2)."""

    exit_code = BAD_INPUT


class VerifyUnavailable(PlanscopeError):
    """The verification pass could not run (exit 3 when ``verify.on_error: fail``)."""

    exit_code = VERIFY_UNAVAILABLE


SHOWN_PROBLEMS = 20  # a file with more problems says how many more: its first lines suffice


def problems(lines: Sequence[str]) -> BadInput:
    """One error for a file's problems, the first ``SHOWN_PROBLEMS`` of them listed."""
    more = len(lines) - SHOWN_PROBLEMS
    shown = list(lines[:SHOWN_PROBLEMS]) + ([f"... and {more} more problems"] if more > 0
                                            else [])
    return BadInput("\n".join(shown))


def error_text(message: str, hint: str | None = None) -> str:
    """The one error format: ``planscope: error: LINE`` per line, then the hint, if any."""
    lines = [line for line in message.splitlines() if line.strip()] or ["unknown error"]
    out = [f"{PREFIX}error: {line}" for line in lines]
    if hint:
        out.append(f"{PREFIX}hint: {hint}")
    return "\n".join(out) + "\n"


def text(lines: Iterable[str]) -> str:
    """Lines as output text: each ends with a newline; nothing at all for no lines."""
    return "".join(f"{line}\n" for line in lines)


@record(frozen=True)
class Outcome:
    """What a command prints on stdout and stderr, and its exit code."""

    code: int = OK
    stdout: str = ""
    stderr: str = ""

    @classmethod
    def of(cls, code: int, out: Iterable[str] = (), err: Iterable[str] = ()) -> Outcome:
        """From lines: ``Outcome.of(0, ["planscope: ok"])``."""
        return cls(code, text(out), text(err))

    @classmethod
    def failed(cls, exc: PlanscopeError) -> Outcome:
        return cls(exc.exit_code, "", error_text(str(exc), exc.hint))

    def __add__(self, other: Outcome) -> Outcome:
        """Both outputs, in order; the worse exit code."""
        return Outcome(max(self.code, other.code), self.stdout + other.stdout,
                       self.stderr + other.stderr)
