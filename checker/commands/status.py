"""``planscope status``: per slice, what the commits that claim it have done so far."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker import errors
from checker.errors import Outcome
from checker.git import diffs, repository, revs
from checker.git.formats import Change, Commit
from checker.history import stats
from checker.judge import claims, order
from checker.rules import plan as plan_mod
from checker.rules.config import Config
from checker.rules.plan import Plan, Slice
from checker.rules.scope import ScopeResult, classify, compile_scope


@dataclass(frozen=True)
class SliceStatus:
    slice: Slice
    commits: tuple[Commit, ...]
    scope: ScopeResult  # the union of the commits' changes against the slice
    planned: tuple[str, ...]  # the slice's literal planned paths
    incidental: tuple[tuple[str, str], ...] = ()  # (path, reason) judged incidental

    @property
    def touched(self) -> tuple[str, ...]:
        return tuple(p for p in self.planned if p not in self.scope.untouched)

    @property
    def drift(self) -> list[str]:
        """Drifted paths, less those the verification pass judged incidental."""
        judged = {p for p, _ in self.incidental}
        return sorted({t.path for t in self.scope.drift} - judged)

    @property
    def state(self) -> str:
        """not started, in progress or done (the slice says so, or every planned file is
        touched)."""
        if self.slice.status == "done" or (self.commits and self.planned
                                           and not self.scope.untouched):
            return "done"
        return "in progress" if self.commits else "not started"


def claimed_slice(commit: Commit, by_branch: tuple[str, str] | None = None
                  ) -> tuple[str, str | None] | None:
    """(plan path, slice id or None) a commit claims: its trailer, else ``by_branch`` (the
    slice the checked-out branch maps to, as ``check --commit`` resolves it); None for
    ``Plan: none``, two trailers, or nothing."""
    if not commit.plan_trailers:
        return by_branch
    if len(commit.plan_trailers) != 1:
        return None
    return claims.parse_ref(commit.plan_trailers[0])


def plan_status(
    root: Path, plan: Plan, commits: Sequence[Commit], always_allow: Sequence[str],
    by_branch: tuple[str, str] | None = None,
) -> list[SliceStatus]:
    """Each slice of ``plan`` with the commits (of ``commits``) that claim it."""
    only = plan.slices[0].id if len(plan.slices) == 1 else None
    judged = stats.incidental_verdicts(root)
    out = []
    for s in order.sorted_slices(plan):
        mine = [
            c
            for c in commits
            if (ref := claimed_slice(c, by_branch)) is not None
            and ref[0] == plan.path
            and (ref[1] or only) == s.id
        ]
        changes: dict[tuple[str, str | None], Change] = {}
        for c in mine:
            for ch in diffs.diff(root, revs.commit_base(root, c), c.sha):
                changes.setdefault((ch.path, ch.old_path), ch)
        scope = compile_scope(plan, [s], always_allow)
        result = classify(list(changes.values()), scope)
        drifted = {t.path for t in result.drift}
        incidental = {p: why for (sha, p), why in judged.items()
                      if p in drifted and any(c.sha == sha for c in mine)}
        out.append(SliceStatus(s, tuple(mine), result, scope.planned,
                               tuple(sorted(incidental.items()))))
    return out


def to_json(plan: Plan, statuses: Sequence[SliceStatus]) -> dict[str, Any]:
    return {
        "plan": plan.path,
        "id": plan.id,
        "title": plan.title,
        "status": plan.status,
        "slices": [
            {
                "id": st.slice.id,
                "title": st.slice.title,
                "status": st.slice.status,
                "state": st.state,
                "depends_on": list(st.slice.depends_on),
                "commits": [{"sha": c.sha, "subject": c.subject} for c in st.commits],
                "touched": list(st.touched),
                "untouched": list(st.scope.untouched),
                "drift": st.drift,
                "incidental": [{"path": p, "reason": why} for p, why in st.incidental],
                "forbidden": sorted({t.path for t in st.scope.forbidden}),
            }
            for st in statuses
        ],
    }


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def summary_line(plan: Plan, statuses: Sequence[SliceStatus]) -> str:
    planned = sum(len(st.planned) for st in statuses)
    touched = sum(len(st.touched) for st in statuses)
    commits = sum(len(st.commits) for st in statuses)
    drift = sum(len(st.drift) + len(st.scope.forbidden) for st in statuses)
    return (
        f"{plan.path}  {plan.id}  {plan.status}  {_n(len(plan.slices), 'slice')}  "
        f"{_n(commits, 'commit')}  {touched}/{planned} planned files touched  {drift} drift"
    )


def detail_lines(plan: Plan, statuses: Sequence[SliceStatus]) -> list[str]:
    lines = [f"{plan.path} ({plan.id}): {plan.title} [{plan.status}]"]
    width = max(len(st.slice.id) for st in statuses)
    for st in statuses:
        after = f"  after {', '.join(st.slice.depends_on)}" if st.slice.depends_on else ""
        lines.append(
            f"  {st.slice.id:<{width}}  {st.slice.status:<11}  {st.state:<11}  "
            f"{_n(len(st.commits), 'commit')}  "
            f"{len(st.touched)}/{len(st.planned)} planned files touched{after}"
        )
        lines += [f"      done       {p}" for p in st.touched]
        lines += [f"      untouched  {p}" for p in st.scope.untouched]
        lines += [f"      drift      {p}" for p in st.drift]
        lines += [f"      incidental {p}: {why}" for p, why in st.incidental]
        lines += [f"      forbidden  {p}" for p in sorted({t.path for t in st.scope.forbidden})]
        lines += [f"      commit     {c.short} {c.subject}" for c in st.commits]
    return lines


def status(root: Path, config: Config, plan_path: str | None, rev_range: str | None,
           fmt: str) -> Outcome:
    """Per slice of one plan (or a line per plan): planned files touched and untouched,
    drift, and the commits that claim it."""
    plans = claims.Plans(root, config)
    rels = ([claims.repo_relative(root, plan_path)] if plan_path
            else plan_mod.plan_files(root, config.plans_dir))
    commits = revs.log(root, rev_range or "HEAD") if repository.has_commits(root) or rev_range \
        else []
    branch = claims.from_branch(repository.current_branch(root), plans)
    by_branch = (branch.plan.path, branch.slices[0].id) if branch and branch.plan else None
    report = []
    for rel in rels:
        p = plans.get(rel, "the command line" if plan_path else config.plans_dir)
        report.append((p, plan_status(root, p, commits, config.always_allow, by_branch)))
    if fmt == "json":
        doc = {"plans": [to_json(p, st) for p, st in report]}
        return Outcome(errors.OK, json.dumps(doc, indent=2) + "\n")
    if plan_path:
        return Outcome.of(errors.OK, detail_lines(*report[0]))
    return Outcome.of(errors.OK, [summary_line(p, st) for p, st in report]
                      or [f"no plans in {config.plans_dir}/"])
