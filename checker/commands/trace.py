"""``planscope trace``: from a line, a file or a commit back to the plan, the slice, the
section of the slice and the assumptions the work rests on.

Answered from git's own history (``git blame`` for a line, ``git log --follow`` for a file)
and each commit's claim: its ``Plan:`` trailer, else the ``Plan:`` line of a pull request
body given with ``--pr-body`` (a squash-merged pull request), else the checked-out branch,
as ``status`` counts it. The plan is read as the commit
has it, so a slice renamed or a plan deleted later still answers. The assumptions shown are
the ones the slice ``relies_on`` and the ones whose ``paths`` cover the file, never a guess
from the text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from checker import errors, event
from checker.errors import BadInput, Outcome, PlanscopeError
from checker.git import diffs, repository, revs
from checker.git.formats import Commit
from checker.judge import adoption, claims
from checker.judge.claims import Plans
from checker.rules.config import Config
from checker.rules.globs import Matcher
from checker.rules.plan import Plan, Slice


@dataclass
class Assumed:
    id: str | None
    text: str
    why: str  # "relied on" (by the slice) or "about this path"
    reviews: list[str] = field(default_factory=list)  # reviews that found it wrong


@dataclass
class PathTrace:
    """One path as one commit touched it."""

    path: str
    line: int | None = None  # the line's number in that commit, for FILE:LINE
    sections: list[str] = field(default_factory=list)  # e.g. "files.modify", "allow"
    assumptions: list[Assumed] = field(default_factory=list)
    now: str | None = None  # FILE:LINE as asked, when the commit had the line elsewhere


@dataclass
class CommitTrace:
    commit: str
    subject: str
    claim: str  # "plans/x.yaml#slice", "Plan: none", "no plan", or why it cannot be said
    source: str = ""  # where the claim came from
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
    return [name for name, patterns in lists.items() if patterns and Matcher(patterns).match(path)]


def assumed(plan: Plan, slices: Sequence[Slice], path: str) -> list[Assumed]:
    """The assumptions the slices rely on, then those whose paths cover ``path``."""
    relied = [a for s in slices for a in plan.relied_on(s)]
    out = [Assumed(a.id, a.text, "relied on") for a in dict.fromkeys(relied)]
    out += [Assumed(a.id, a.text, "about this path") for a in plan.assumed
            if a not in relied and a.paths and Matcher(a.paths).match(path)]
    for a in out:
        a.reviews = [f"{r.reviewer} ({r.confidence:.2f}{', ' + r.at if r.at else ''}): "
                     f"{' '.join(r.notes.split())}"
                     for r in plan.reviews if a.id is not None and a.id in r.assumptions]
    return out


class Tracer:
    """Claims of commits, plans read as each commit has them."""

    def __init__(self, root: Path, config: Config, pr_ref: str | None) -> None:
        self.root, self.config, self.pr_ref = root, config, pr_ref

    def trace(self, commit: Commit, paths: Sequence[tuple[str, int | None]]) -> CommitTrace:
        out = CommitTrace(commit.sha, commit.subject, "no plan")
        bare = [PathTrace(p, line) for p, line in paths]
        if adoption.before_baseline(self.root, self.config, commit.sha):
            out.claim, out.paths = "before planscope's baseline: not checked", bare
            return out
        plans = Plans(self.root, self.config, rev=commit.sha)
        try:
            claim = claims.from_trailers(commit.plan_trailers, plans, f"commit {commit.short}")
            if claim is None and self.pr_ref is not None:
                claim = claims.from_ref(self.pr_ref, plans, "the pull request body")
            if claim is None:  # like status: the checked-out branch claims what it holds
                claim = claims.from_branch(repository.current_branch(self.root), plans)
        except PlanscopeError as exc:
            out.claim, out.paths = f"unresolved: {exc}", bare
            return out
        if claim is None or claim.plan is None:
            out.claim = "no plan" if claim is None else "Plan: none"
            out.paths = bare
            return out
        out.claim, out.source = claim.ref, claim.source
        for p, line in paths:
            found = [sec for s in claim.slices for sec in sections(claim.plan, s, p)]
            out.paths.append(PathTrace(p, line, found or ["drift"],
                                       assumed(claim.plan, claim.slices, p)))
        return out


def _commit(root: Path, sha: str) -> Commit:
    return revs.log(root, "-1", sha)[0]


def trace_line(tracer: Tracer, path: str, line: int) -> list[CommitTrace]:
    blamed = revs.blame_line(tracer.root, path, line)
    if blamed is None:
        raise BadInput(f"{path}:{line}: git blame gave no answer")
    if set(blamed.sha) == {"0"}:
        return [CommitTrace("", "", "not committed yet", paths=[PathTrace(path, line)])]
    out = tracer.trace(_commit(tracer.root, blamed.sha), [(blamed.path, blamed.line)])
    if (blamed.path, blamed.line) != (path, line):
        for p in out.paths:
            p.now = f"{path}:{line}"
    return [out]


def trace_file(tracer: Tracer, path: str, limit: int, follow: bool) -> list[CommitTrace]:
    """The newest ``limit`` commits that touched ``path``, each with the file's name there."""
    args = ["-n", str(limit), *(["--follow"] if follow else []), "HEAD"]
    commits = revs.log(tracer.root, *args, paths=[path])
    changes = revs.log_changes(tracer.root, [c.sha for c in commits])
    name, out = path, []
    for commit in reversed(commits):  # newest first: a rename hands the old name on
        mine = next((c for c in changes.get(commit.sha, ()) if c.path == name), None)
        out.append(tracer.trace(commit, [(name, None)]))
        if mine is not None and mine.status == "R" and mine.old_path and follow:
            name = mine.old_path
    return out


def trace_commit(tracer: Tracer, rev: str) -> CommitTrace:
    commit = _commit(tracer.root, revs.rev_parse(tracer.root, rev))
    changes = diffs.diff(tracer.root, revs.commit_base(tracer.root, commit), commit.sha)
    return tracer.trace(commit, [(p, None) for c in changes for p in c.paths])


def lines(traces: Sequence[CommitTrace]) -> list[str]:
    out = []
    for t in traces:
        said = f" ({t.source})" if t.source else ""
        out.append(f"{t.commit[:9]} {t.subject}  [{t.claim}{said}]" if t.commit
                   else f"[{t.claim}]")
        for p in t.paths:
            where = f" ({', '.join(p.sections)})" if p.sections else ""
            at = f":{p.line}" if p.line is not None else ""
            moved = f", now {p.now}" if p.now else ""
            out.append(f"    {p.path}{at}{where}{moved}")
            for a in p.assumptions:
                out.append(f"        assumption {a.id or '(no id)'}: {a.text}  [{a.why}]")
                out += [f"          found wrong by {r}" for r in a.reviews]
    return out


def _target(root: Path, target: str) -> tuple[str, int | None]:
    """``FILE`` or ``FILE:LINE`` (a file whose name ends in ``:N`` is a file)."""
    name, colon, number = target.rpartition(":")
    if colon and number.isdigit() and not (root / target).exists():
        if int(number) < 1:
            raise BadInput(f"{target}: lines are numbered from 1")
        return claims.repo_relative(root, name), int(number)
    rel = claims.repo_relative(root, target)
    if (root / rel).is_dir():
        raise BadInput(f"{target}: a folder; trace takes a file, FILE:LINE or --commit REV")
    return rel, None


def trace(root: Path, config: Config, target: str | None, rev: str | None, *,
          limit: int = 10, follow: bool = True, pr_body: str | None = None,
          fmt: str = "text") -> Outcome:
    """Which commits wrote TARGET (a line, or a file's history), or what commit REV did:
    under which plan, slice, section and assumption."""
    if (target is None) == (rev is None):
        raise BadInput("trace takes FILE, FILE:LINE or --commit REV")
    pr_ref = event.body_plan_ref(pr_body) if pr_body is not None else None
    tracer = Tracer(root, config, pr_ref)
    if rev is not None:
        traces = [trace_commit(tracer, rev)]
    else:
        assert target is not None
        path, line = _target(root, target)
        traces = trace_line(tracer, path, line) if line is not None else trace_file(
            tracer, path, limit, follow)
        if not traces:
            return Outcome.of(errors.OK, [f"{path}: no commit touched it"])
    if fmt == "json":
        return Outcome(errors.OK, json.dumps([asdict(t) for t in traces], indent=2) + "\n")
    return Outcome.of(errors.OK, lines(traces))
