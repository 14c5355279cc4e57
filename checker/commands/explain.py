"""``planscope explain PATH... [--plan PLAN#SLICE] [--format text|json]``: each path's class
and the pattern that decides it, with the file and line where the pattern is written. Exit 0
when every path may be changed, 1 when one is forbidden, drift or needs a plan, 2 on bad
input."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from checker.errors import BadInput, Outcome
from checker.judge import claims
from checker.judge import explain as explaining
from checker.judge.pipeline import Options
from checker.record import replace
from checker.render.explain import as_json, as_text
from checker.rules.config import Config


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
    result = explaining.explain(root, cleaned, replace(opts, verify=False))
    return Outcome(result.exit_code, as_json(result) if fmt == "json" else as_text(result))
