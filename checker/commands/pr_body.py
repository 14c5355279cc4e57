"""``planscope pr-body PLAN#SLICE... [--base REF]``: the slices as a pull request description
(``checker.render.pr_body``); with ``--base``, what the change did against them, from the same
judgement as ``check --base REF``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from checker import errors
from checker.errors import Outcome
from checker.judge import claims
from checker.render import pr_body as show
from checker.rules.book import Rulebook
from checker.rules.config import Config


def pr_body(root: Path, config: Config, refs: Sequence[str], base: str | None = None) -> Outcome:
    """Markdown for a pull request description (pipe to ``gh pr create --body-file -``)."""
    book = Rulebook(root, config=config)
    named = list(dict.fromkeys((plan, s) for ref in refs
                               for plan, slices in [claims.named_slices(root, book, ref)]
                               for s in slices))
    state = _landed(root, config, named, base)
    if base is None:
        return Outcome(errors.OK, show.render(named, landed=state))
    from checker import event
    from checker.judge import pull_request
    from checker.judge.changes import Target
    from checker.judge.pipeline import Options

    out = pull_request.judge(root, Target("base", base), Options(), event.Event())
    return Outcome(errors.OK, show.render(named, show.did(out, base, named), state))


def _landed(root: Path, config: Config, named: Sequence[show.Named],
            base: str | None) -> show.Done:
    """Which slices are done: said so, or landed on ``base`` (default: the default branch);
    history is read only when a named slice depends on one that does not say so."""
    waiting = [d for plan, s in named for d in plan.slices
               if d.id in s.depends_on and d.status != "done"]
    if not waiting:
        return lambda plan, s: s.status == "done"
    from checker.history import landed

    return landed.landed(root, config, base).done
