"""``planscope status``: per slice, what the commits that claim it have done so far."""

from __future__ import annotations

import json
from pathlib import Path

from checker import errors
from checker.errors import Outcome
from checker.git import repository, revs
from checker.history import judged
from checker.history.status import plan_status
from checker.judge import adoption, claims
from checker.render import status as show
from checker.rules.book import Rulebook
from checker.rules.config import Config


def status(root: Path, config: Config, plan_path: str | None, rev_range: str | None,
           fmt: str) -> Outcome:
    """Per slice of one plan (or a line per plan): planned files touched and untouched,
    drift, and the commits that claim it, each commit judged as ``check --commit`` judges
    it; commits before the baseline are left out."""
    book = Rulebook(root, config=config)
    rels = [claims.repo_relative(root, plan_path)] if plan_path else book.files()
    commits = revs.log(root, *adoption.commits_after(root, config), rev_range or "HEAD") \
        if repository.has_commits(root) or rev_range else []
    pairs = list(zip(commits, judged.judged(root, commits), strict=True))
    report = [(p, plan_status(p, pairs))
              for p in (book.plan(rel, "the command line" if plan_path else config.plans_dir)
                        for rel in rels)]
    if fmt == "json":
        doc = {"plans": [show.to_json(p, st) for p, st in report]}
        return Outcome(errors.OK, json.dumps(doc, indent=2) + "\n")
    if plan_path:
        return Outcome.of(errors.OK, show.detail_lines(*report[0]))
    return Outcome.of(errors.OK, [show.summary_line(p, st) for p, st in report]
                      or [f"no plans in {config.plans_dir}/"])
