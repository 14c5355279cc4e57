"""``planscope trace``: which plan, slice, plan section and assumption a change came from.

Answered from git's own history and the commits' ``Plan:`` trailers, not a database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from checker import errors, gitio, resolve
from checker.config import Config
from checker.errors import BadInput, Outcome, PlanscopeError
from checker.gitformats import Commit
from checker.globs import Matcher
from checker.plan import Plan, Slice
from checker.resolve import Plans


@dataclass
class PathTrace:
    """One path as one commit touched it."""

    path: str
    sections: list[str] = field(default_factory=list)  # e.g. "files.modify", "allow"
    assumptions: list[str] = field(default_factory=list)


@dataclass
class CommitTrace:
    commit: Commit
    claim: str  # "plans/x.yaml#slice", "Plan: none", "no plan" or the error
    paths: list[PathTrace] = field(default_factory=list)


def sections(plan: Plan, s: Slice, path: str) -> list[str]:
    """The lists of the slice (and the plan's forbid) whose patterns match ``path``."""
    lists = {
        "files.create": s.create,
        "files.modify": s.modify,
        "files.delete": s.delete,
        "tests": tuple(t.path for t in s.tests),
        "allow": s.allow,
        "forbid": s.forbid,
        "plan forbid": plan.forbid,
    }
    return [
        name
        for name, patterns in lists.items()
        if patterns and Matcher(patterns).match(path)
    ]


def mentions(plan: Plan, path: str) -> list[str]:
    """Assumptions of the plan that name the path or one of its folders."""
    names = [path, *(p.as_posix() for p in PurePosixPath(path).parents if p.as_posix() != ".")]
    return [a for a in plan.assumptions if any(n in a for n in names)]


def _trace_commit(plans: Plans, commit: Commit, paths: Sequence[str]) -> CommitTrace:
    try:
        claim = resolve.from_trailers(commit.plan_trailers, plans, f"commit {commit.short}") \
            or resolve.from_branch(gitio.current_branch(plans.root), plans)
    except PlanscopeError as exc:
        return CommitTrace(commit, f"unresolved ({exc})", [PathTrace(p) for p in paths])
    if claim is None:
        return CommitTrace(commit, "no plan", [PathTrace(p) for p in paths])
    if claim.plan is None:
        return CommitTrace(commit, "Plan: none", [PathTrace(p) for p in paths])
    out = CommitTrace(commit, claim.ref)
    for p in paths:
        found = [sec for s in claim.slices for sec in sections(claim.plan, s, p)]
        out.paths.append(PathTrace(p, found or ["drift"], mentions(claim.plan, p)))
    return out


def trace_path(plans: Plans, path: str) -> list[CommitTrace]:
    """Every commit on HEAD that touched ``path`` (newest first) and what it claimed."""
    commits = gitio.log(plans.root, "HEAD", paths=[path])
    return [_trace_commit(plans, c, [path]) for c in reversed(commits)]


def trace_commit(plans: Plans, rev: str) -> CommitTrace:
    root = plans.root
    commit = gitio.log(root, "-1", gitio.rev_parse(root, rev))[0]
    changes = gitio.diff(root, gitio.commit_base(root, commit), commit.sha)
    return _trace_commit(plans, commit, [p for c in changes for p in c.paths])


def lines(traces: Sequence[CommitTrace]) -> list[str]:
    out = []
    for t in traces:
        out.append(f"{t.commit.short} {t.commit.subject}  [{t.claim}]")
        for p in t.paths:
            where = f" ({', '.join(p.sections)})" if p.sections else ""
            out.append(f"    {p.path}{where}")
            out += [f"        assumption: {a}" for a in p.assumptions]
    return out


def trace(root: Path, config: Config, path: str | None, rev: str | None) -> Outcome:
    """Which commits touched PATH (or what commit REV did), under which plan, slice, section
    and assumption."""
    if (path is None) == (rev is None):
        raise BadInput("trace takes a PATH or --commit REV")
    plans = Plans(root, config)
    if rev is not None:
        traces = [trace_commit(plans, rev)]
    else:
        assert path is not None
        traces = trace_path(plans, resolve.repo_relative(root, path))
    return Outcome.of(errors.OK, lines(traces) or [f"{path}: no commit touched it"])
