"""A plan's slices as work lands (``planscope status``): per slice, the commits that claim
it, the planned files they touched and those still untouched, drift, paths judged
incidental and forbidden paths, each commit judged as ``check --commit`` judges it
(``checker.history.judged``)."""

from __future__ import annotations

from collections.abc import Sequence

from checker.git.formats import Commit
from checker.history.judged import SliceWork, by_slice
from checker.history.landed import NOTHING, Landed
from checker.judge import order
from checker.judge.pipeline import UnitResult
from checker.record import record
from checker.rules.globlint import literal
from checker.rules.plan import Plan, Slice
from checker.rules.scope import untouched_of


@record(frozen=True)
class SliceStatus:
    slice: Slice
    commits: tuple[Commit, ...]
    planned: tuple[str, ...]  # the slice's literal planned paths
    untouched: tuple[str, ...]  # of those, the ones no commit claiming the slice touched
    drift: tuple[str, ...]  # drifted paths, less those judged incidental
    incidental: tuple[tuple[str, str], ...] = ()  # (path, reason) judged incidental
    forbidden: tuple[str, ...] = ()
    landed: tuple[str, ...] = ()  # the commits on the default branch that claim it

    @property
    def touched(self) -> tuple[str, ...]:
        return tuple(p for p in self.planned if p not in self.untouched)

    @property
    def state(self) -> str:
        """not started, in progress, done (the slice says so, or every planned file is
        touched) or landed (commits on the default branch claim it)."""
        if self.landed:
            return "landed"
        if self.slice.status == "done" or (self.commits and self.planned
                                           and not self.untouched):
            return "done"
        return "in progress" if self.commits else "not started"


def plan_status(plan: Plan, judged: Sequence[tuple[Commit, UnitResult]],
                landed: Landed = NOTHING) -> list[SliceStatus]:
    """Each slice of ``plan`` with the commits of ``judged`` that claim it, and those of
    ``landed`` (on the default branch)."""
    works = [(c, by_slice(r)) for c, r in judged]
    out = []
    for s in order.sorted_slices(plan):
        mine = [(c, w[(plan.path, s.id)]) for c, w in works if (plan.path, s.id) in w]
        every = SliceWork()
        for _, w in mine:
            every.touched += w.touched
            every.drift += w.drift
            every.incidental += w.incidental
            every.forbidden += w.forbidden
        planned = tuple(dict.fromkeys(p for p in map(literal, s.planned) if p is not None))
        judged_incidental = dict(every.incidental)
        out.append(SliceStatus(
            s, tuple(c for c, _ in mine), planned, untouched_of(planned, every.touched),
            tuple(sorted(set(every.drift) - set(judged_incidental))),
            tuple(sorted(judged_incidental.items())), tuple(sorted(set(every.forbidden))),
            landed.of(plan, s)))
    return out
