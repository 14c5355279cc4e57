"""The one Outcome and the one error format (checker/errors.py)."""

from __future__ import annotations

from checker import errors
from checker.errors import BadInput, Outcome, VerifyUnavailable


def test_error_text_is_one_line_per_problem_and_a_hint() -> None:
    text = errors.error_text("plans/a.yaml:1:1: bad\n\nplans/a.yaml:2:1: worse", "run validate")
    assert text == ("planscope: error: plans/a.yaml:1:1: bad\n"
                    "planscope: error: plans/a.yaml:2:1: worse\n"
                    "planscope: hint: run validate\n")
    assert errors.error_text("") == "planscope: error: unknown error\n"


def test_outcome_of_lines_failed_and_joined() -> None:
    assert Outcome.of(0, ["a", "b"], ["c"]) == Outcome(0, "a\nb\n", "c\n")
    assert Outcome.of(1) == Outcome(1, "", "")
    failed = Outcome.failed(VerifyUnavailable("no key", hint="set ANTHROPIC_API_KEY"))
    assert failed.code == errors.VERIFY_UNAVAILABLE
    assert failed.stdout == ""
    assert failed.stderr.endswith("planscope: hint: set ANTHROPIC_API_KEY\n")
    both = Outcome(0, "x\n") + Outcome(2, "", "planscope: error: y\n")
    assert both == Outcome(2, "x\n", "planscope: error: y\n")


def test_exit_codes_of_the_error_types() -> None:
    assert BadInput("x").exit_code == errors.BAD_INPUT == 2
    assert VerifyUnavailable("x").exit_code == errors.VERIFY_UNAVAILABLE == 3
    assert (errors.OK, errors.DRIFT) == (0, 1)
