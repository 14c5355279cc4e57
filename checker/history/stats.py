"""Scope discipline over history (``planscope stats``): per plan, slice, executor, author or
week, how many paths the commits changed, how many stayed in their slice, drifted, hit a
forbidden path or were judged incidental; commits with no claim; plan edits after the plan's
first claimed commit (plans widened during execution); planned files of finished slices no
commit touched.

Recomputed from git, never kept: two ``git log`` passes over the range (changes, then
authors and trailers), and every commit judged as ``check --commit`` judges it
(``checker.history.judged``: the rules of its parent, one rulebook per distinct set of rule
files, the one claim order, fixups and reverts, the baseline); incidental verdicts come from
``.git/planscope/verdicts.jsonl`` (no model is asked). A commit claiming several slices (a
squash merge) counts once in the total and once in each slice's row, each path under the
slice that allows it. The guard's refusals are counted within the range's dates.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from checker import state
from checker.agents import executors
from checker.errors import BadInput
from checker.git import revs
from checker.git.formats import Authored, Commit
from checker.history import judged
from checker.history.judged import Key, SliceWork, by_slice
from checker.judge import claims
from checker.judge.pipeline import UnitResult
from checker.record import asdict, field, record
from checker.rules import plan as plan_mod
from checker.rules.config import Config
from checker.rules.globlint import literal
from checker.rules.plan import Plan
from checker.rules.scope import untouched_of

GROUPS = ("plan", "slice", "executor", "author", "week")
NO_CLAIM, NONE, RULES = "(no claim)", "(Plan: none)", "(rules change)"


@record
class Row:
    """The counts of one group."""

    key: str
    commits: int = 0
    changed: int = 0  # paths the commits touched (a rename: both names)
    in_scope: int = 0
    drift: int = 0  # less the paths judged incidental
    forbidden: int = 0
    incidental: int = 0
    unclaimed: int = 0  # commits refused because nothing claims them and they need a plan
    plan_edits_after_claim: int = 0
    untouched_done: int = 0  # planned files of done slices no commit of the range touched
    unreadable: int = 0  # commits whose claimed plan could not be read at their parent
    guard_refusals: int = 0  # edits the guard refused before they happened (guard.jsonl)

    def add(self, other: Row) -> None:
        for name, value in asdict(other).items():
            if name != "key":
                setattr(self, name, getattr(self, name) + value)

    @property
    def claimed(self) -> int:
        """The changed paths of commits that claimed a slice (what a rate is a share of)."""
        return self.in_scope + self.drift + self.forbidden + self.incidental

    def rates(self) -> dict[str, float]:
        """Shares of the claimed paths (0 when none was claimed)."""
        n = self.claimed or 1
        return {"in_scope": round(self.in_scope / n, 4), "drift": round(self.drift / n, 4),
                "forbidden": round(self.forbidden / n, 4),
                "incidental": round(self.incidental / n, 4)}


@record
class Fact:
    """What one commit did."""

    commit: Commit
    authored: Authored
    executor: str
    result: UnitResult
    works: dict[Key, SliceWork]  # by claimed slice
    paths: set[str]  # every path it changed (a rename: both names)
    drifted: set[str] = field(default_factory=set)  # drift (not judged incidental)
    row: Row = field(default_factory=lambda: Row(""))

    @property
    def plans(self) -> list[str]:
        return list(dict.fromkeys(plan for plan, _ in self.works))

    @property
    def plan(self) -> str | None:
        """The claimed plan when it claims one (the first of several)."""
        return next(iter(self.plans), None)


def week(date: str) -> str:
    """``2026-11-25T10:00:00+01:00`` → ``2026-W48``."""
    try:
        year, number, _ = datetime.date.fromisoformat(date[:10]).isocalendar()
    except ValueError:
        return "(no date)"
    return f"{year}-W{number:02d}"


def _counts(row: Row, works: Iterable[SliceWork]) -> None:
    for w in works:
        row.in_scope += len(set(w.in_scope))
        row.drift += len(set(w.drift))
        row.forbidden += len(set(w.forbidden))
        row.incidental += len({p for p, _ in w.incidental})


def _groups(by: str, fact: Fact) -> list[tuple[str, Row]]:
    """The groups a commit counts in, with its counts there: one row for executor, author
    and week; for plan and slice, one per claimed plan or slice, each with its own paths."""
    if by in ("plan", "slice") and not fact.works:
        claim = fact.result.claim
        if fact.result.rules_change is not None:
            return [(RULES, fact.row)]
        return [(NONE if claim is not None and claim.none else NO_CLAIM, fact.row)]
    if by == "plan":
        out = []
        for plan in fact.plans:
            row = Row(plan, commits=1, unreadable=fact.row.unreadable)
            _counts(row, [w for (p, _), w in fact.works.items() if p == plan])
            row.changed = len({x for (p, _), w in fact.works.items() if p == plan
                               for x in w.touched})
            out.append((plan, row))
        return out
    if by == "slice":
        out = []
        for (plan, slice_id), w in fact.works.items():
            row = Row(f"{plan}#{slice_id}", commits=1, changed=len(set(w.touched)))
            _counts(row, [w])
            out.append((row.key, row))
        return out
    if by == "executor":
        return [(fact.executor, fact.row)]
    if by == "author":
        return [(fact.authored.author.partition(" <")[0], fact.row)]
    return [(week(fact.authored.date), fact.row)]


def facts(root: Path, config: Config, rev_args: Sequence[str]) -> list[Fact]:
    """What every commit of the range did, oldest first."""
    history, authored = revs.history(root, rev_args)
    known = {c.sha: changes for c, changes in history if len(c.parents) <= 1}
    commits = [c for c, _ in history]
    nobody = Authored("", "", (), ())
    out = []
    for c, result in zip(commits, judged.judged(root, commits, known), strict=True):
        a = authored.get(c.sha, nobody)
        works = by_slice(result)
        f = Fact(c, a, executors.executor(a.executors, a.co_authors, config.stats_executors,
                                          a.author),
                 result, works, set(result.unit.paths))
        f.row.commits, f.row.changed = 1, len(f.paths)
        f.row.unclaimed = 1 if result.unclaimed else 0
        f.row.unreadable = 1 if result.unreadable else 0
        _counts(f.row, works.values())
        f.drifted = {p for w in works.values() for p in w.drift}
        out.append(f)
    return out


def widened(all_facts: Sequence[Fact]) -> list[tuple[Fact, str]]:
    """(commit, plan) for each edit of a plan after the plan's first claimed commit."""
    first: set[str] = set()
    out = []
    for f in all_facts:
        out += [(f, p) for p in sorted(f.paths & first)]
        first.update(f.plans)
    return out


def table(root: Path, config: Config, rev_args: Sequence[str], by: str,
          plan_filter: str | None = None, all_facts: Sequence[Fact] | None = None,
          until_now: bool = True) -> tuple[list[Row], Row]:
    """The rows of ``by`` (one of GROUPS), and their total (``all_facts``: the range's facts
    when already read; ``until_now``: the range reaches HEAD, so guard refusals after its
    newest commit count too)."""
    if all_facts is None:
        all_facts = facts(root, config, rev_args)
    rows: dict[str, Row] = {}
    total = Row("total")

    def row(key: str) -> Row:
        return rows.setdefault(key, Row(key))

    for f in all_facts:
        if plan_filter is None or plan_filter in f.plans:
            for key, counts in _groups(by, f):
                if plan_filter is None or by not in ("plan", "slice") or \
                        key.partition("#")[0] == plan_filter:
                    row(key).add(counts)
            total.add(f.row)
    for f, plan_path in widened(all_facts):  # counted where the plan is, by plan or slice
        if plan_filter is None or plan_path == plan_filter:
            key = {"plan": plan_path, "slice": f"{plan_path}#(plan file)"}.get(
                by, _groups(by, f)[0][0])
            row(key).plan_edits_after_claim += 1
    if by in ("plan", "slice"):
        _plan_rows(root, config, all_facts, row, by, plan_filter)
    total.untouched_done = sum(r.untouched_done for r in rows.values())
    total.plan_edits_after_claim = sum(r.plan_edits_after_claim for r in rows.values())
    total.guard_refusals = _refusals(root, all_facts, row, by, plan_filter, until_now)
    return sorted(rows.values(), key=lambda r: r.key), total


GUARD_LOG = "guard.jsonl"  # written by checker.agents.guard


def parse_when(text: object) -> datetime.datetime | None:
    try:
        found = datetime.datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return found if found.tzinfo is not None else found.replace(tzinfo=datetime.timezone.utc)


def _refusals(root: Path, all_facts: Sequence[Fact], row: Callable[[str], Row], by: str,
              plan_filter: str | None, until_now: bool) -> int:
    """The guard's refusals within the range's dates (from its oldest commit to its newest,
    or to now when the range reaches HEAD), counted in their groups; how many."""
    dates = [d for f in all_facts if (d := parse_when(f.authored.date)) is not None]
    if not dates:
        return 0
    since, until = min(dates), None if until_now else max(dates)
    counted = 0
    for refused in state.read_log(root, GUARD_LOG):
        ref = claims.parse_ref(str(refused.get("slice") or "none"))
        at = parse_when(refused.get("at", ""))
        if at is None or at < since or (until is not None and at > until) or (
                plan_filter is not None and (ref is None or ref[0] != plan_filter)):
            continue
        row(_refusal_key(by, refused, ref)).guard_refusals += 1
        counted += 1
    return counted


def _refusal_key(by: str, refused: dict[str, object],
                 ref: tuple[str, str | None] | None) -> str:
    """The group of a refused edit: its active slice, the executor, or its week."""
    if by == "plan":
        return ref[0] if ref else NO_CLAIM
    if by == "slice":
        return f"{ref[0]}#{ref[1] or '?'}" if ref else NO_CLAIM
    if by == "executor":
        return str(refused.get("executor") or executors.UNKNOWN)
    if by == "week":
        return week(str(refused.get("at", "")))
    return "(the guard)"


def _current_plans(root: Path, config: Config, plan_filter: str | None
                   ) -> list[tuple[str, Plan]]:
    """The working tree's plans that load (one that does not is left out)."""
    out = []
    for rel in plan_mod.plan_files(root, config.plans_dir):
        if plan_filter is not None and rel != plan_filter:
            continue
        try:
            out.append((rel, plan_mod.load(root, rel, state.Cache.of(root, "valid"))))
        except BadInput:
            continue
    return out


def _plan_rows(root: Path, config: Config, all_facts: Sequence[Fact],
               row: Callable[[str], Row], by: str, plan_filter: str | None) -> None:
    """From the working tree's plans: a row (of zeros, maybe) for every plan or slice, so
    that "no work yet" shows; and the planned files of the slices marked done that no
    commit of the range claiming the slice touched."""
    claimed: dict[Key, set[str]] = {}
    for f in all_facts:
        for pair, w in f.works.items():
            claimed.setdefault(pair, set()).update(w.touched)
    for rel, plan in _current_plans(root, config, plan_filter):
        for name in ([rel] if by == "plan" else [f"{rel}#{x.id}" for x in plan.slices]):
            row(name)
        for s in plan.slices:
            if s.status == "done" and (rel, s.id) in claimed:
                planned = tuple(p for p in map(literal, s.planned) if p is not None)
                name = rel if by == "plan" else f"{rel}#{s.id}"
                row(name).untouched_done += len(untouched_of(planned, claimed[(rel, s.id)]))


def top_drifted(all_facts: Sequence[Fact], limit: int = 10) -> list[tuple[str, int]]:
    """The paths that drifted in the most commits."""
    counts: dict[str, int] = {}
    for f in all_facts:
        for p in f.drifted:
            counts[p] = counts.get(p, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
