"""``planscope validate [PLAN...] [--against REV]``: exit 0 valid, 1 valid but disagreeing
with the repository at REV, 2 invalid."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from checker import errors
from checker.errors import Outcome
from checker.history import landed
from checker.judge import claims
from checker.rules import validation
from checker.rules.config import Config


def validate(root: Path, config: Config, plans: Sequence[str], against: str | None) -> Outcome:
    rels = [claims.repo_relative(root, p) for p in plans]
    result = validation.validate(root, config, rels, against, landed.done_at(root, config))
    out = [f"{p.path}: ok ({len(p.slices)} slice{'s' * (len(p.slices) != 1)})"
           for p in result.valid]
    err = errors.error_text("\n".join(result.errors)) if result.errors else ""
    return Outcome(result.exit_code, errors.text([*out, *result.warnings, *result.findings]), err)
