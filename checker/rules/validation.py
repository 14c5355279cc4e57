"""Validating plans: schema, semantic checks, unique ids, and lint against a revision."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from checker import errors
from checker.errors import PlanscopeError
from checker.git import blobs, revs
from checker.rules import plan as plan_mod
from checker.rules.config import Config


@dataclass
class Validation:
    valid: list[plan_mod.Plan] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # invalid plans (exit 2)
    findings: list[str] = field(default_factory=list)  # plan disagrees with the repo (exit 1)
    warnings: list[str] = field(default_factory=list)  # likely not meant (exit unchanged)

    @property
    def exit_code(self) -> int:
        if self.errors:
            return errors.BAD_INPUT
        return errors.DRIFT if self.findings else errors.OK


def validate(root: Path, config: Config, rels: Sequence[str], against: str | None) -> Validation:
    """Validate the named plans (repo-relative), or every plan under ``plans_dir``."""
    out = Validation()
    named = list(rels) or plan_mod.plan_files(root, config.plans_dir)
    if not named:
        out.errors.append(f"{config.plans_dir}/: no plan files (*.yaml) found")
        return out
    for rel in named:
        try:
            out.valid.append(plan_mod.load(root, rel))
        except PlanscopeError as exc:
            out.errors.extend(str(exc).splitlines())
    others = []
    for rel in plan_mod.plan_files(root, config.plans_dir):
        if rel not in named:
            # a plan not named here: its own problems are not this run's to report
            with contextlib.suppress(PlanscopeError):
                others.append(plan_mod.load(root, rel))
    out.errors.extend(plan_mod.duplicate_ids(out.valid, others))
    for p in out.valid:
        out.warnings.extend(plan_mod.glob_warnings(p))
    if against is not None:
        sha = revs.rev_parse(root, against)
        files = blobs.tracked_files(root, sha)
        for p in out.valid:
            out.findings.extend(plan_mod.lint(p, files, against))
    return out
