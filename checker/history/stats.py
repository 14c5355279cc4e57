"""Scope discipline over history (``planscope stats``): per plan, slice, executor, author or
week, how many paths the commits changed, how many stayed in their slice, drifted, hit a
forbidden path or were judged incidental; commits with no claim; plan edits after the plan's
first claimed commit (plans widened during execution); planned files of finished slices no
commit touched.

Recomputed from git, never kept: two ``git log`` passes over the range (changes, then
authors and trailers), one ``git cat-file --batch`` for the claimed plans as each commit's
parent had them (a plan the commit itself adds is read from the commit), each plan text
built once. The same classification as ``check`` against the slice, the config's
``always_allow`` and ``forbid`` (the config of the working tree) and the plan's own forbid;
incidental verdicts come from ``.git/planscope/verdicts.jsonl`` (no model is asked).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from checker import state
from checker.agents import executors
from checker.errors import BadInput
from checker.git import blobs, revs
from checker.git.formats import Authored, Commit
from checker.judge import claims
from checker.rules import plan as plan_mod
from checker.rules.config import Config
from checker.rules.globlint import literal
from checker.rules.plan import Plan
from checker.rules.scope import Scope, classify, compile_scope, untouched_of

GROUPS = ("plan", "slice", "executor", "author", "week")
NO_CLAIM, NONE = "(no claim)", "(Plan: none)"


@dataclass
class Row:
    """The counts of one group."""

    key: str
    commits: int = 0
    changed: int = 0  # paths the commits touched (a rename: both names)
    in_scope: int = 0
    drift: int = 0  # less the paths judged incidental
    forbidden: int = 0
    incidental: int = 0
    unclaimed: int = 0  # commits that claim no slice
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


@dataclass
class Fact:
    """What one commit did."""

    commit: Commit
    authored: Authored
    executor: str
    paths: set[str]  # every path it changed (a rename: both names)
    drifted: set[str] = field(default_factory=set)  # drift (not judged incidental)
    plan: str | None = None  # the claimed plan's path
    slice: str | None = None
    row: Row = field(default_factory=lambda: Row(""))


def week(date: str) -> str:
    """``2026-11-25T10:00:00+01:00`` → ``2026-W48``."""
    try:
        year, number, _ = datetime.date.fromisoformat(date[:10]).isocalendar()
    except ValueError:
        return "(no date)"
    return f"{year}-W{number:02d}"


def _key(by: str, fact: Fact) -> str:
    if by in ("plan", "slice") and fact.plan is None:
        return NONE if fact.commit.plan_trailers else NO_CLAIM
    if by == "plan":
        return str(fact.plan)
    if by == "slice":
        return f"{fact.plan}#{fact.slice or '?'}"
    if by == "executor":
        return fact.executor
    if by == "author":
        return fact.authored.author.partition(" <")[0]
    return week(fact.authored.date)


class _Plans:
    """Claimed plans as the commits' parents had them, each text built once."""

    def __init__(self, root: Path, config: Config) -> None:
        self.root, self.config = root, config
        self.valid = state.Cache.of(root, "valid")
        self.built: dict[tuple[str, bytes], Plan | None] = {}
        self.scopes: dict[tuple[int, str], Scope] = {}

    def plans_at(self, asks: Sequence[tuple[Commit, str]]) -> list[Plan | None]:
        """Each plan as the commit's parent has it, else (the commit adds it) the commit."""
        got = blobs.read_at(self.root, [f"{c.parents[0] if c.parents else c.sha}:{p}"
                                        for c, p in asks])
        missing = [i for i, raw in enumerate(got) if raw is None]
        again = blobs.read_at(self.root, [f"{asks[i][0].sha}:{asks[i][1]}" for i in missing])
        for i, raw in zip(missing, again, strict=True):
            got[i] = raw
        return [self._build(p, raw) for (_, p), raw in zip(asks, got, strict=True)]

    def _build(self, path: str, raw: bytes | None) -> Plan | None:
        if raw is None:
            return None
        if (path, raw) not in self.built:
            try:
                self.built[(path, raw)] = plan_mod.load_text(raw.decode("utf-8"), path,
                                                             self.valid)
            except (UnicodeDecodeError, BadInput):
                self.built[(path, raw)] = None
        return self.built[(path, raw)]

    def scope(self, plan: Plan, slice_id: str) -> Scope | None:
        found = plan.slice(slice_id)
        if found is None:
            return None
        key = (id(plan), slice_id)
        if key not in self.scopes:
            self.scopes[key] = compile_scope(
                plan, [found], self.config.always_allow,
                [(f"forbid in {self.config.source}", self.config.forbid)])
        return self.scopes[key]


def incidental_verdicts(root: Path) -> dict[tuple[str, str], str]:
    """(commit, path) -> reason, for each path of a commit the verification pass judged
    incidental, the last verdict winning (``.git/planscope/verdicts.jsonl``; a staged check
    is not there by commit)."""
    out: dict[tuple[str, str], str] = {}
    for record in state.read_log(root, state.VERDICT_LOG):
        diff = str(record.get("diff", ""))
        if ".." not in diff:
            continue
        sha = diff.rpartition("..")[2]
        for v in record.get("verdicts") or ():
            if isinstance(v, dict):
                pair = (sha, str(v.get("path")))
                if v.get("verdict") == "incidental":
                    out[pair] = str(v.get("reason", ""))
                else:
                    out.pop(pair, None)
    return out


def _claim(commit: Commit) -> tuple[str, str | None] | None:
    if len(commit.plan_trailers) != 1:
        return None
    return claims.parse_ref(commit.plan_trailers[0])


def facts(root: Path, config: Config, rev_args: Sequence[str]) -> list[Fact]:
    """What every commit of the range did, oldest first (a merge: counted, nothing changed)."""
    history, authored = revs.history(root, rev_args)
    nobody = Authored("", "", (), ())
    out = []
    for c, changes in history:
        a = authored.get(c.sha, nobody)
        f = Fact(c, a, executors.executor(a.executors, a.co_authors, config.stats_executors,
                                          a.author),
                 {p for ch in changes for p in ch.paths})
        f.row.commits, f.row.changed = 1, len(f.paths)
        f.row.unclaimed = 0 if c.plan_trailers else 1
        out.append(f)
    changes_of = {c.sha: changes for c, changes in history}
    asks = [(f, ref) for f in out if (ref := _claim(f.commit)) is not None]
    plans = _Plans(root, config)
    judged = incidental_verdicts(root)
    built = plans.plans_at([(f.commit, ref[0]) for f, ref in asks])
    for (f, (path, slice_id)), plan in zip(asks, built, strict=True):
        f.plan = path
        if plan is not None and slice_id is None and len(plan.slices) == 1:
            slice_id = plan.slices[0].id
        f.slice = slice_id
        scope = plans.scope(plan, slice_id) if plan is not None and slice_id else None
        if scope is None:
            f.row.unreadable = 1
            continue
        result = classify(changes_of[f.commit.sha], scope)
        drifted = {t.path for t in result.drift}
        incidental = {p for p in drifted if (f.commit.sha, p) in judged}
        f.row.in_scope = len({t.path for t in result.in_scope})
        f.row.forbidden = len({t.path for t in result.forbidden})
        f.row.incidental = len(incidental)
        f.drifted = drifted - incidental
        f.row.drift = len(f.drifted)
    return out


def widened(all_facts: Sequence[Fact]) -> list[tuple[Fact, str]]:
    """(commit, plan) for each edit of a plan after the plan's first claimed commit."""
    first: set[str] = set()
    out = []
    for f in all_facts:
        out += [(f, p) for p in sorted(f.paths & first)]
        if f.plan is not None:
            first.add(f.plan)
    return out


def table(root: Path, config: Config, rev_args: Sequence[str], by: str,
          plan_filter: str | None = None, all_facts: Sequence[Fact] | None = None
          ) -> tuple[list[Row], Row]:
    """The rows of ``by`` (one of GROUPS), and their total (``all_facts``: the range's facts
    when already read)."""
    if all_facts is None:
        all_facts = facts(root, config, rev_args)
    rows: dict[str, Row] = {}

    def row(key: str) -> Row:
        return rows.setdefault(key, Row(key))

    for f in all_facts:
        if plan_filter is None or f.plan == plan_filter:
            row(_key(by, f)).add(f.row)
    for f, plan_path in widened(all_facts):  # counted where the plan is, by plan or slice
        if plan_filter is None or plan_path == plan_filter:
            key = {"plan": plan_path, "slice": f"{plan_path}#(plan file)"}.get(by, _key(by, f))
            row(key).plan_edits_after_claim += 1
    if by in ("plan", "slice"):
        _plan_rows(root, config, all_facts, row, by, plan_filter)
    _refusals(root, all_facts, row, by, plan_filter)
    total = Row("total")
    for r in rows.values():
        total.add(r)
    return sorted(rows.values(), key=lambda r: r.key), total


GUARD_LOG = "guard.jsonl"  # written by checker.commands.guard


def _refusals(root: Path, all_facts: Sequence[Fact], row: Callable[[str], Row], by: str,
              plan_filter: str | None) -> None:
    """The guard's refusals since the range's oldest commit, counted in their groups."""
    since = min((f.authored.date for f in all_facts if f.authored.date), default="")[:10]
    for refused in state.read_log(root, GUARD_LOG):
        ref = claims.parse_ref(str(refused.get("slice") or "none"))
        if str(refused.get("at", "")) < since or (
                plan_filter is not None and (ref is None or ref[0] != plan_filter)):
            continue
        row(_refusal_key(by, refused, ref)).guard_refusals += 1


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
    claimed: dict[tuple[str, str], set[str]] = {}
    for f in all_facts:
        if f.plan is not None and f.slice is not None:
            claimed.setdefault((f.plan, f.slice), set()).update(f.paths)
    for rel, plan in _current_plans(root, config, plan_filter):
        for key in ([rel] if by == "plan" else [f"{rel}#{x.id}" for x in plan.slices]):
            row(key)
        for s in plan.slices:
            if s.status == "done" and (rel, s.id) in claimed:
                planned = tuple(p for p in map(literal, s.planned) if p is not None)
                key = rel if by == "plan" else f"{rel}#{s.id}"
                row(key).untouched_done += len(untouched_of(planned, claimed[(rel, s.id)]))


def top_drifted(all_facts: Sequence[Fact], limit: int = 10) -> list[tuple[str, int]]:
    """The paths that drifted in the most commits."""
    counts: dict[str, int] = {}
    for f in all_facts:
        for p in f.drifted:
            counts[p] = counts.get(p, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
