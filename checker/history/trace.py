"""From a line, a file or a commit back to the plan, the slice, the section of the slice and
the assumptions the work rests on (``planscope trace``).

Answered from git's own history (``git blame`` for a line, ``git log --follow`` for a file)
and each commit judged as ``check --commit`` judges it (``checker.history.judged``): its
claim in the one claim order (its ``Plan:`` trailers, else the ``Plan:`` line of a pull
request body given with ``--pr-body``, else the branch it was made on), by the rules of its
parent. A commit claiming several slices (a squash merge) answers, for each path, with the
slice that allows it. A path outside every claimed slice says what the check said of it:
drift, or the verification pass's incidental verdict with its reason, or forbidden. The
assumptions shown are the ones the slice ``relies_on`` and the ones whose ``paths`` cover
the file, never a guess from the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from checker.errors import BadInput
from checker.git import revs
from checker.git.formats import Commit
from checker.history.judged import recorded_verdicts
from checker.judge import targets
from checker.judge.pipeline import Options, UnitResult
from checker.record import field, record
from checker.rules.globs import Matcher
from checker.rules.plan import Plan, Slice


@record
class Assumed:
    id: str | None
    text: str
    why: str  # "relied on" (by the slice) or "about this path"
    reviews: list[str] = field(default_factory=list)  # reviews that found it wrong


@record
class PathTrace:
    """One path as one commit touched it."""

    path: str
    line: int | None = None  # the line's number in that commit, for FILE:LINE
    sections: list[str] = field(default_factory=list)  # e.g. "files.modify", "allow", "drift"
    assumptions: list[Assumed] = field(default_factory=list)
    now: str | None = None  # FILE:LINE as asked, when the commit had the line elsewhere
    slice: str | None = None  # the claimed slice it is attributed to (plans/x.yaml#id)
    reason: str | None = None  # the verification pass's reason, for an incidental path


@record
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
    """Commits judged as the check judges them, each once."""

    def __init__(self, root: Path, pr_refs: tuple[str, ...] = ()) -> None:
        self.root = root
        self.opts = Options(verify=False, recorded=recorded_verdicts(root), pr_refs=pr_refs,
                            pr_source="the pull request body")
        self._judged: dict[str, UnitResult] = {}

    def judge(self, commits: Sequence[Commit]) -> None:
        todo = [c for c in commits if c.sha not in self._judged]
        for c, r in zip(todo, targets.judge_commits(self.root, todo, self.opts), strict=True):
            self._judged[c.sha] = r

    def result(self, commit: Commit) -> UnitResult:
        self.judge([commit])
        return self._judged[commit.sha]

    def trace(self, commit: Commit, paths: Sequence[tuple[str, int | None]]) -> CommitTrace:
        result = self.result(commit)
        out = CommitTrace(commit.sha, commit.subject, "no plan")
        bare = [PathTrace(p, line) for p, line in paths]
        claim = result.claim
        if result.unreadable:
            out.claim, out.paths = f"unresolved: {result.error}", bare
            return out
        if claim is None or claim.none or result.rules is None:
            said = result.notes[0] if result.notes and claim is None else None
            out.claim = "Plan: none" if claim is not None else (said or "no plan")
            out.paths = bare
            return out
        out.claim, out.source = claim.ref, claim.source
        out.paths = [self._path(result, p, line) for p, line in paths]
        return out

    def _path(self, result: UnitResult, path: str, line: int | None) -> PathTrace:
        claim, rules = result.claim, result.rules
        assert claim is not None and rules is not None
        first = claim.parts[0]
        key = rules.slice_for(path)
        part, s = next(((p, x) for p in claim.parts for x in p.slices
                        if key == (p.plan.path, x.id)), (first, first.slices[0]))
        found = sections(part.plan, s, path)
        verdict, reason = None, None
        if rules.forbidden(path):
            verdict = "forbidden"
        elif key is None and not rules.allows(path):
            v = result.verdicts.get(path)
            verdict, reason = ("incidental", v.reason) if v is not None and \
                v.verdict == "incidental" else ("drift", None)
        if verdict is not None and verdict not in found:
            found.append(verdict)
        # the assumptions of the slice that allows the path; a path no claimed slice allows
        # rests on what every claimed slice of the plan relies on
        relied = (s,) if key is not None else part.slices
        return PathTrace(path, line, found or ["always_allow"], assumed(part.plan, relied, path),
                         slice=f"{part.plan.path}#{s.id}", reason=reason)


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
    tracer.judge(commits)
    name, out = path, []
    for commit in reversed(commits):  # newest first: a rename hands the old name on
        mine = next((c for c in changes.get(commit.sha, ()) if c.path == name), None)
        out.append(tracer.trace(commit, [(name, None)]))
        if mine is not None and mine.status == "R" and mine.old_path and follow:
            name = mine.old_path
    return out


def trace_commit(tracer: Tracer, rev: str) -> CommitTrace:
    commit = _commit(tracer.root, revs.rev_parse(tracer.root, rev))
    return tracer.trace(commit, [(p, None) for p in tracer.result(commit).unit.paths])
