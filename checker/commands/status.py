"""``planscope status``: per slice, what the commits that claim it have done so far, and
which slices have landed on the default branch (``--write`` records them as done)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from checker import errors
from checker.errors import Outcome
from checker.git import repository, revs
from checker.history import judged, landed, planrecord
from checker.history.status import SliceStatus, plan_status
from checker.judge import adoption, claims
from checker.render import status as show
from checker.rules.book import Rulebook
from checker.rules.config import Config
from checker.rules.plan import Plan


def status(root: Path, config: Config, plan_path: str | None, rev_range: str | None,
           fmt: str, base: str | None = None, write: bool = False) -> Outcome:
    """Per slice of one plan (or a line per plan): planned files touched and untouched,
    drift, and the commits that claim it, each commit judged as ``check --commit`` judges
    it; commits before the baseline are left out. A slice is landed when commits on
    ``base`` (default: the default branch) claim it."""
    book = Rulebook(root, config=config)
    rels = [claims.repo_relative(root, plan_path)] if plan_path else book.files()
    commits = revs.log(root, *adoption.commits_after(root, config), rev_range or "HEAD") \
        if repository.has_commits(root) or rev_range else []
    pairs = list(zip(commits, judged.judged(root, commits), strict=True))
    if base is not None and not repository.commit_exists(root, base):
        raise errors.BadInput(f"--base {base}: not a commit in this repository")
    on_base = landed.landed(root, config, base, pairs) if commits else landed.NOTHING
    report = [(p, plan_status(p, pairs, on_base))
              for p in (book.plan(rel, "the command line" if plan_path else config.plans_dir)
                        for rel in rels)]
    notes = _write(root, report, on_base) if write else []
    if fmt == "json":
        doc: dict[str, Any] = {"base": on_base.base,
                               "plans": [show.to_json(p, st) for p, st in report]}
        if write:
            doc["written"] = notes
        return Outcome(errors.OK, json.dumps(doc, indent=2) + "\n")
    if plan_path:
        return Outcome.of(errors.OK, [*show.detail_lines(*report[0], on_base.base), *notes])
    return Outcome.of(errors.OK, [*(show.summary_line(p, st) for p, st in report), *notes]
                      or [f"no plans in {config.plans_dir}/"])


def _write(root: Path, report: list[tuple[Plan, list[SliceStatus]]],
           on_base: landed.Landed) -> list[str]:
    """``--write``: ``status: done`` for each landed slice that does not say so, and for a
    handed-off plan (approved, in progress) whose every slice is then done; a line for
    each. A draft or a plan under review stays as it is."""
    notes = []
    for plan, statuses in report:
        ids = [st.slice.id for st in statuses if st.landed and st.slice.status != "done"]
        if ids:
            planrecord.set_slice_status(root, plan.path, ids, "done")
            untouched = {st.slice.id: len(st.untouched) for st in statuses}
            notes += [f"{plan.path}#{i}: status set to done (landed on {on_base.base})"
                      + (f"; {untouched[i]} of its planned files never touched"
                         if untouched[i] else "") for i in ids]
        if plan.status in ("approved", "in-progress") and all(
                st.landed or st.slice.status == "done" for st in statuses):  # not a draft
            planrecord.set_status(root, plan.path, "done")
            notes.append(f"{plan.path}: status set to done (every slice is)")
    if not notes:
        notes.append("status --write: nothing to record")
    return notes
