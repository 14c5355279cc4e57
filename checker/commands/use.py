"""``planscope use PLAN#SLICE | --clear``: the active slice of this work tree.

The guard checks edits against it, and it claims staged changes that name no slice.
``PLANSCOPE_PLAN``, when set, takes precedence over what this writes."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from checker import errors, state
from checker.errors import BadInput, Outcome
from checker.git import repository
from checker.judge import claims
from checker.rules.book import Rulebook
from checker.rules.config import Config


def _git_dir(root: Path) -> Path:
    located = repository.locate(root)
    if located is None:
        raise BadInput(f"not inside a git work tree: {root}")
    return located[1]


def use(root: Path, config: Config, ref: str | None, clear: bool,
        env: Mapping[str, str]) -> Outcome:
    if clear and ref is not None:
        raise BadInput("use takes PLAN#SLICE or --clear, not both")
    git_dir = _git_dir(root)
    if clear:
        previous = state.clear_active(git_dir)
        return Outcome.of(errors.OK, [f"cleared the active slice ({previous})" if previous
                                      else "no active slice"])
    if ref is None:
        said = state.read_active(git_dir) or "no active slice"
    else:
        plan, slices = claims.named_slices(root, Rulebook(root, config=config), ref)
        named = f"{plan.path}#{'+'.join(s.id for s in slices)}"
        state.write_active(git_dir, named)
        titles = "; ".join(s.title for s in slices)
        said = f"active slice{'s' * (len(slices) > 1)}: {named} ({titles})"
    note = []
    if env.get(state.ENV_PLAN, "").strip():
        note = [f"planscope: note: {state.ENV_PLAN} is set in this environment and takes "
                f"precedence"]
    return Outcome.of(errors.OK, [said], note)
