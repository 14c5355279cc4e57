"""``planscope new TITLE``: a draft plan from the template, schema modeline included."""

from __future__ import annotations

from pathlib import Path

from checker import errors
from checker.errors import Outcome
from checker.rules.config import Config
from checker.setup import templates


def new(root: Path, config: Config, title: str, plan_id: str | None, slices: int) -> Outcome:
    return Outcome.of(errors.OK, [templates.write_new(root, config, title, plan_id, slices)])
