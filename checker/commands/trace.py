"""``planscope trace FILE[:LINE] | --commit REV``: which commits wrote a line or a file, or
what one commit did, under which plan, slice, section and assumption
(``checker.history.trace``)."""

from __future__ import annotations

import json
from pathlib import Path

from checker import errors, event
from checker.errors import BadInput, Outcome
from checker.history.trace import Tracer, trace_commit, trace_file, trace_line
from checker.judge import claims
from checker.record import asdict
from checker.render.trace import lines
from checker.rules.config import Config


def _target(root: Path, target: str) -> tuple[str, int | None]:
    """``FILE`` or ``FILE:LINE`` (a file whose name ends in ``:N`` is a file)."""
    name, colon, number = target.rpartition(":")
    if colon and number.isdigit() and not (root / target).exists():
        if int(number) < 1:
            raise BadInput(f"{target}: lines are numbered from 1")
        return claims.repo_relative(root, name), int(number)
    rel = claims.repo_relative(root, target)
    if (root / rel).is_dir():
        raise BadInput(f"{target}: a folder; trace takes a file, FILE:LINE or --commit REV")
    return rel, None


def trace(root: Path, config: Config, target: str | None, rev: str | None, *,
          limit: int = 10, follow: bool = True, pr_body: str | None = None,
          fmt: str = "text") -> Outcome:
    """Which commits wrote TARGET (a line, or a file's history), or what commit REV did:
    under which plan, slice, section and assumption."""
    if (target is None) == (rev is None):
        raise BadInput("trace takes FILE, FILE:LINE or --commit REV")
    tracer = Tracer(root, event.body_plan_refs(pr_body))
    if rev is not None:
        traces = [trace_commit(tracer, rev)]
    else:
        assert target is not None
        path, line = _target(root, target)
        traces = trace_line(tracer, path, line) if line is not None else trace_file(
            tracer, path, limit, follow)
        if not traces:
            return Outcome.of(errors.OK, [f"{path}: no commit touched it"])
    if fmt == "json":
        return Outcome(errors.OK, json.dumps([asdict(t) for t in traces], indent=2) + "\n")
    return Outcome.of(errors.OK, lines(traces))
