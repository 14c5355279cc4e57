"""Rollout order (config ``order``): a slice whose ``depends_on`` slices no commit has
claimed yet is started out of order. Which slices a history has claimed comes from one
``git log`` of the commits whose message names the plan, read by their ``Plan:`` trailers;
a slice marked ``done`` in the plan counts as landed."""

from __future__ import annotations

from pathlib import Path

from checker.git import revs
from checker.judge import claims
from checker.rules.plan import Plan, Slice
from checker.rules.ruleset import Part


def claimed(root: Path, plan: Plan, rev: str) -> set[str]:
    """Ids of the slices of ``plan`` that commits reachable from ``rev`` claim by trailer."""
    out: set[str] = set()
    for commit in revs.log(root, "--fixed-strings", f"--grep={plan.path}", rev):
        for value in commit.plan_trailers:
            ref = claims.parse_ref(value)
            if ref is not None and ref[0] == plan.path and ref[1]:
                out.update(ref[1].split("+"))
    return out


def missing(root: Path, part: Part, rev: str | None) -> list[str]:
    """Of the slices ``part`` waits on (``Part.open_dependencies``), those no commit before
    ``rev`` claims (None: no history yet)."""
    wanted = part.open_dependencies()
    if not wanted:
        return []
    landed = claimed(root, part.plan, rev) if rev is not None else set()
    return [d for d in wanted if d not in landed]


def sorted_slices(plan: Plan) -> list[Slice]:
    """The plan's slices, each after the slices it depends on (written order otherwise)."""
    placed: dict[str, Slice] = {}

    def place(s: Slice, seen: tuple[str, ...] = ()) -> None:
        if s.id in placed or s.id in seen:  # a cycle is refused by validate; never loop
            return
        for d in s.depends_on:
            dep = plan.slice(d)
            if dep is not None:
                place(dep, (*seen, s.id))
        placed[s.id] = s

    for s in plan.slices:
        place(s)
    return list(placed.values())
