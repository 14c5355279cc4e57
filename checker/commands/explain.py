"""``planscope explain PATH... [--plan PLAN#SLICE] [--format text|json]``: each path's class
and the pattern that decides it, with the file and line where the pattern is written. Exit 0
when every path may be changed, 1 when one is forbidden, drift or needs a plan, 2 on bad
input."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath

from checker.errors import BadInput, Outcome
from checker.judge import claims
from checker.judge import explain as explaining
from checker.judge.explain import Explained, Explanation
from checker.judge.pipeline import Options
from checker.render.text import display
from checker.rules.config import Config

_WORDS = {explaining.FORBIDDEN: "forbidden", explaining.IN_SCOPE: "in scope",
          explaining.DRIFT: "drift", explaining.EXEMPT: "exempt",
          explaining.UNCLAIMED: "unclaimed"}


def _line(e: Explained, against: str) -> str:
    head = f"{_WORDS[e.verdict]:<10} {display(e.path)}"
    if e.rule is not None:
        return f"{head}: '{display(e.rule.pattern)}' at {e.rule.where} ({e.rule.list})"
    if e.verdict == explaining.DRIFT:
        return f"{head}: no pattern of {against} or always_allow matches it"
    return f"{head}: no slice claims it and no exempt.paths pattern matches it"


def _text(result: Explanation) -> str:
    claim = result.claim
    if claim is not None and claim.plan is not None:
        against = f"slice '{'+'.join(s.id for s in claim.slices)}'"
        head = f"planscope: explain against {claim.ref} (from {claim.source})"
    else:
        against = "the slice"
        head = ("planscope: explain with no slice claimed ('Plan: none')" if claim is not None
                else "planscope: explain with no slice claimed: pass --plan PLAN#SLICE")
    return "\n".join([head, *(_line(e, against) for e in result.paths)]) + "\n"


def _json(result: Explanation) -> str:
    claim = result.claim
    doc = {
        "plan": claim.plan.path if claim and claim.plan else None,
        "slice": "+".join(s.id for s in claim.slices) if claim and claim.slices else None,
        "claimed_by": claim.source if claim else None,
        "exit_code": result.exit_code,
        "paths": [{"path": e.path, "verdict": e.verdict,
                   "pattern": e.rule.pattern if e.rule else None,
                   "where": e.rule.where if e.rule else None,
                   "list": e.rule.list if e.rule else None} for e in result.paths],
    }
    return json.dumps(doc, indent=2) + "\n"


def _repo_path(root: Path, name: str) -> str:
    """A path as the plan names it: repo-relative; one from the current folder (or absolute)
    is taken when it exists there and not at the top. It need not exist."""
    absolute = Path(os.path.abspath(name))
    if Path(name).is_absolute() or (not (root / name).exists() and absolute.exists()):
        try:
            return absolute.relative_to(root).as_posix()
        except ValueError:
            raise BadInput(f"{name}: not inside the repository {root}") from None
    parts = PurePosixPath(name).parts
    if ".." in parts or not parts:
        raise BadInput(f"{name!r}: name a path inside the repository, relative to its top")
    return PurePosixPath(*parts).as_posix()


def explain(root: Path, cfg: Config, paths: Sequence[str], plan_ref: str | None,
            fmt: str) -> Outcome:
    opts = Options(plan_ref=claims.command_line_ref(root, plan_ref))
    cleaned = [_repo_path(root, p) for p in paths]
    result = explaining.explain(root, cfg, cleaned, replace(opts, verify=False))
    return Outcome(result.exit_code, _json(result) if fmt == "json" else _text(result))
