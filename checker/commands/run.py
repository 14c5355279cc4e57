"""``planscope run PLAN#SLICE -- COMMAND...``: any executor with the slice active and
watched (``checker.agents.runner``), then its changes checked and reported. The exit code is
the executor's when it failed, else the check's (1 when it was stopped)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from checker import errors
from checker.agents.runner import RunOptions, execute
from checker.errors import Outcome
from checker.judge import pipeline
from checker.render import text
from checker.rules.config import Config

__all__ = ["RunOptions", "run"]


def run(root: Path, cfg: Config, opts: RunOptions, env: Mapping[str, str]) -> Outcome:
    ran = execute(root, cfg, opts, env)
    out, err = text.to_text(ran.results)
    verdict = pipeline.exit_code(ran.results)
    err = "".join(f"{n}\n" for n in ran.notes) + err
    if ran.stopped_for is not None:
        return Outcome(max(verdict, errors.DRIFT), out,
                       err + f"planscope: the executor was stopped: {ran.stopped_for}\n")
    if ran.status != 0:
        return Outcome(ran.status, out, err + f"planscope: the executor failed (exit "
                                              f"{ran.status}); its exit code is kept\n")
    return Outcome(verdict, out, err)
