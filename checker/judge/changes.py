"""What is judged: a target (the staged changes, one commit, a range, the changes since a
base) becomes units, each one change set with the trailers it is claimed by.

One history semantics for every entry point: a commit is judged by what it changes against
its first parent (a root commit against the empty tree), a merge by what it adds that none
of its parents had (``checker.git.merges``), and its trailers are its own or, for a
``fixup!``/``squash!``/``amend!`` commit or a revert without any, those of the commit it
names (``checker.judge.claims.inherited``). Commits reachable from the baseline are never
judged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from checker.git import amend, blobs, diffs, merges, messages, repository, revs
from checker.git.formats import Change, Commit
from checker.git.messagetext import near_misses, reverted, split_message
from checker.judge import adoption, claims
from checker.record import record, replace
from checker.rules.config import Config


@record(frozen=True)
class Target:
    """What to check: ``staged``, ``commit`` (rev), ``range`` (A..B) or ``base`` (ref)."""

    kind: str
    rev: str = ""


@record(frozen=True)
class Unit:
    """One change set and the trailers that claim it: the staged diff, one commit, or a
    whole range (``--plan``)."""

    label: str
    sha: str | None
    changes: tuple[Change, ...]
    diff_revs: tuple[str, ...] = ()
    cached: bool = False
    trailers: tuple[str, ...] = ()
    trailer_source: str = ""
    before_baseline: str = ""  # the baseline, for a commit from before planscope: not checked
    merge: bool = False  # a merge: its changes are what it adds that no parent had
    note: str = ""  # why the claim of a commit it names could not be taken
    near_misses: tuple[str, ...] = ()  # what in its message looks meant as a Plan: trailer

    @property
    def paths(self) -> list[str]:
        return [p for c in self.changes for p in c.paths]


def claimed_by(root: Path, unit: Unit, subject: str, reverts: str | None,
               before: str | None) -> Unit:
    """``unit`` with the trailers it is claimed by: its own, else those of the commit a
    fixup! or a revert names (``claims.inherited``)."""
    got = claims.inherited(root, subject, reverts, unit.trailers, unit.trailer_source, before)
    return replace(unit, trailers=got.values, trailer_source=got.source, note=got.note)


def commit_unit(root: Path, commit: Commit,
                known: Mapping[str, list[Change]] | None = None) -> Unit:
    """One commit against its first parent (the empty tree for a root commit); a merge by
    what it adds that none of its parents had. ``known``: changes already read for commits
    (``revs.log_changes``), so no git process is run for them."""
    if len(commit.parents) > 1:
        base, changes = merges.own_changes(root, commit.parents, commit.sha)
        label = f"merge {commit.short} {commit.subject!r}"
    else:
        base = revs.commit_base(root, commit)
        found = known.get(commit.sha) if known is not None else None
        changes = found if found is not None else diffs.diff(root, base, commit.sha)
        label = f"commit {commit.short} {commit.subject!r}"
    unit = Unit(label=label, sha=commit.sha, changes=tuple(changes),
                diff_revs=(base, commit.sha), merge=len(commit.parents) > 1,
                trailers=commit.plan_trailers, trailer_source=f"commit {commit.short}",
                near_misses=commit.near_misses)
    return claimed_by(root, unit, commit.subject, commit.reverts,
                      commit.parents[0] if commit.parents else None)


def _merge_unit(root: Path, parents: Sequence[str]) -> Unit:
    """The merge being committed: what the index holds that none of ``parents`` had."""
    tree = diffs.write_tree(root)
    base, changes = merges.own_changes(root, parents, tree)
    return Unit("merge being committed", None, tuple(changes), diff_revs=(base, tree),
                trailer_source="the commit message", merge=True)


def staged_unit(root: Path, message: str | None = None, amending: bool | None = None) -> Unit:
    """The change the commit being made will record: the index against HEAD (against HEAD's
    first parent under ``git commit --amend``; a merge by what it adds of its own). With
    ``message``, claimed by its trailers (or the commit its fixup! or revert names)."""
    unit = _staged(root, amend.amending(root) if amending is None else amending)
    if message is None:
        return unit
    values = messages.trailer_values(root, message, claims.TRAILER)
    unit = replace(unit, trailers=values, near_misses=() if values else near_misses(message))
    head = "HEAD" if repository.has_commits(root) else None
    return claimed_by(root, unit, split_message(message)[0], reverted(message), head)


def _staged(root: Path, amending: bool) -> Unit:
    if repository.merge_heads(root):  # the parents git will record, not MERGE_HEAD as written
        parents = repository.commit_parents(root)
        if len(parents) > 1:
            return _merge_unit(root, parents)
        return Unit("staged changes", None, tuple(diffs.diff(root, parents[0], cached=True)),
                    diff_revs=(parents[0],), cached=True, trailer_source="the commit message")
    head = revs.head_commit(root) if amending else None
    if head is None:
        return Unit("staged changes", None, tuple(diffs.staged(root)), cached=True,
                    trailer_source="the commit message")
    if len(head.parents) > 1:
        return _merge_unit(root, head.parents)
    base = revs.commit_base(root, head)
    return Unit(f"staged changes (amending {head.short})", None,
                tuple(diffs.diff(root, base, cached=True)), diff_revs=(base,), cached=True,
                trailer_source="the commit message")


def units(root: Path, target: Target, rules: Config, whole: bool = False) -> list[Unit]:
    """The units of a target: each commit on its own (a merge by what it adds), or with
    ``whole`` (``--plan``) the whole diff as one. Commits from before the baseline are left
    out (``--commit`` of one says so)."""
    if target.kind == "staged":
        return [staged_unit(root)]
    exclude = adoption.commits_after(root, rules)
    span = revs.span(root, target.kind, target.rev, exclude)
    if target.kind == "commit":
        unit = commit_unit(root, span.commits[0])
        early = adoption.before_baseline(root, rules, unit.sha or "")
        return [replace(unit, before_baseline=rules.baseline or "" if early else "")]
    if whole:
        return [Unit(span.label, None, tuple(diffs.diff(root, span.base, span.head)),
                     (span.base, span.head))]
    known = revs.log_changes(root, [c.sha for c in span.commits])
    return [commit_unit(root, c, known) for c in span.commits]


def before_of(root: Path, unit: Unit) -> str | None:
    """The revision a unit's change starts from (None: no history yet)."""
    if unit.diff_revs:
        before = unit.diff_revs[0]
        return None if before == repository.empty_tree(root) else before
    return "HEAD" if repository.has_commits(root) else None


def after_of(unit: Unit) -> str:
    """The revision a unit's change ends at (``blobs.INDEX`` for staged changes)."""
    return blobs.INDEX if unit.cached else unit.diff_revs[-1]
