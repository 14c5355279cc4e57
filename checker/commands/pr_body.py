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
    if base is None:
        return Outcome(errors.OK, show.render(named))
    from checker import event
    from checker.judge import pull_request
    from checker.judge.changes import Target
    from checker.judge.pipeline import Options

    out = pull_request.judge(root, Target("base", base), Options(), event.Event())
    return Outcome(errors.OK, show.render(named, show.did(out, base, named)))
