"""``planscope gap PLAN#SLICE TEXT``: the executor (or anyone) records where the plan is
wrong or silent, under the slice, instead of guessing. The plan is edited in place
(``gaps:``); status, pr-body, the brief and every check that claims the slice show the open
gap, and ``planscope run --stop-on gap`` stops the executor when it records one. Committed,
it is a rules change: the plan's author answers it (``status: answered``, or a changed plan).
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from checker import errors
from checker.agents import executors
from checker.errors import Outcome
from checker.git import repository
from checker.history import planrecord
from checker.judge import claims
from checker.render.text import display
from checker.rules.book import Rulebook
from checker.rules.config import Config

MAX_GAP = 1000


def gap(root: Path, config: Config, ref: str, text: str) -> Outcome:
    said = " ".join(text.split())
    if not said:
        raise errors.BadInput("planscope gap: say what the plan is wrong or silent about")
    if len(said) > MAX_GAP or not said.isprintable():
        raise errors.BadInput(f"planscope gap: one printable line of at most {MAX_GAP} "
                              f"characters, please")
    book = Rulebook(root, config=config)
    plan, slices = claims.named_slices(root, book, ref)
    if len(slices) != 1:
        raise errors.BadInput(f"{ref}: name the one slice the gap is about (PLAN#SLICE)")
    s = slices[0]
    who = repository.identity(root)
    executor = " ".join(os.environ.get(executors.ENV, "").split())[:80]
    executor = executor if executor.isprintable() else ""
    entry = {"text": said, "by": f"{who} ({executor})" if executor else who,
             "time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
             "status": "open"}
    planrecord.add_gap(root, plan.path, s.id, entry)
    return Outcome.of(errors.OK, [
        f"planscope: recorded an open gap under {plan.path}#{s.id}: {display(said)}",
        "planscope: stop here and tell the user: the plan's author answers it. The plan file "
        "changed: commit it on its own (a rules change, for review)"])
