"""The core check: git changes → claimed slice → scope → (verify) → one result per change set.

A target (the staged changes, one commit, a range, the changes since a base) becomes units:
one change set that claims one slice each. Each unit is checked against its claim; the
result says what is in scope, what drifted, what is forbidden, and the exit code. Printing
is the renderers' job (``checker.render``)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from checker import errors
from checker.git import blobs, diffs, merges, messages, repository, revs
from checker.git.formats import Change, Commit
from checker.judge import adoption, claims, handoff, order
from checker.judge.claims import Claim, Plans
from checker.rules import globs
from checker.rules.config import Config
from checker.rules.globs import Matcher
from checker.rules.scope import (
    Forbids,
    Rules,
    Scope,
    ScopeResult,
    classify,
    compile_scope,
    forbidden_only,
)

if TYPE_CHECKING:  # the pass itself is imported only when drift is to be verified
    from checker.model import verify


@dataclass(frozen=True)
class Target:
    """What to check: ``staged``, ``commit`` (rev), ``range`` (A..B) or ``base`` (ref)."""

    kind: str
    rev: str = ""


@dataclass(frozen=True)
class Unit:
    """One change set that claims one slice: the staged diff, one commit, or a whole range."""

    label: str
    sha: str | None
    changes: tuple[Change, ...]
    diff_revs: tuple[str, ...] = ()
    cached: bool = False
    trailers: tuple[str, ...] = ()
    trailer_source: str = ""
    before_baseline: bool = False  # a commit from before planscope: not checked
    merge: bool = False  # a merge: its changes are what it adds that no parent had


@dataclass
class UnitResult:
    unit: Unit
    exit_code: int = errors.OK
    claim: Claim | None = None
    scope: ScopeResult | None = None
    verification: verify.Verification | None = None
    verdicts: dict[str, verify.Verdict] = field(default_factory=dict)  # by drifted path
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    forbid_rules: dict[str, str] = field(default_factory=dict)  # forbidden path → the rule
    drift_blocks: bool = True  # False when on_drift is warn: drift is reported, not refused

    @property
    def ok(self) -> bool:
        return self.exit_code == errors.OK


@dataclass(frozen=True)
class Options:
    plan_ref: str | None = None  # --plan
    plan_source: str = "--plan"  # what the claim of plan_ref is said to come from
    verify: bool = True  # False with --no-verify
    message: str | None = None  # a commit message, for the staged diff (commit-msg hook)
    no_cache: bool = False  # --no-cache: ask the verification pass even on a cached verdict
    # The branch check (checker/branch.py, the GitHub Action): plans read from this
    # revision (the PR base), a claim for commits that carry no Plan: trailer (the PR body's
    # Plan: line), and the branch name when HEAD is detached (the PR head branch).
    plans_rev: str | None = None
    fallback_ref: str | None = None
    fallback_source: str = ""
    branch: str | None = None
    new_plans_from: str | None = None  # plans_in_pr allow-new: plans the base lacks, from here
    env: Mapping[str, str] = field(default_factory=lambda: os.environ, compare=False)


def commit_unit(root: Path, commit: Commit,
                known: Mapping[str, list[Change]] | None = None) -> Unit:
    """One commit against its first parent (the empty tree for a root commit); a merge by
    what it adds that none of its parents had (``checker.merges``). ``known``: changes
    already read for commits (``revs.log_changes``), so no git process is run for them."""
    if len(commit.parents) > 1:
        base, changes = merges.own_changes(root, commit.parents, commit.sha)
        label = f"merge {commit.short} {commit.subject!r}"
    else:
        base = revs.commit_base(root, commit)
        found = known.get(commit.sha) if known is not None else None
        changes = found if found is not None else diffs.diff(root, base, commit.sha)
        label = f"commit {commit.short} {commit.subject!r}"
    return Unit(
        label=label,
        sha=commit.sha,
        changes=tuple(changes),
        diff_revs=(base, commit.sha),
        merge=len(commit.parents) > 1,
        trailers=commit.plan_trailers,
        trailer_source=f"commit {commit.short}",
    )


def staged_unit(root: Path, message: str | None = None) -> Unit:
    """The staged changes; with ``message``, claimed by its ``Plan:`` trailers."""
    trailers = messages.trailer_values(root, message, claims.TRAILER) if message else ()
    return Unit("staged changes", None, tuple(diffs.staged(root)), cached=True,
                trailers=trailers, trailer_source="the commit message")


def units(root: Path, target: Target, opts: Options, rules: Config) -> list[Unit]:
    """The units of a target: each commit against its own trailer (a merge by what it adds
    of its own), or with ``--plan`` the whole diff against that slice.
    Commits from before the baseline are left out (``--commit`` of one says so)."""
    if target.kind == "staged":
        return [staged_unit(root, opts.message)]
    exclude = adoption.commits_after(root, rules)
    span = revs.span(root, target.kind, target.rev, exclude)
    if target.kind == "commit":
        unit = commit_unit(root, span.commits[0])
        early = adoption.before_baseline(root, rules, unit.sha or "")
        return [replace(unit, before_baseline=early)]
    if opts.plan_ref is not None:
        return [Unit(span.label, None, tuple(diffs.diff(root, span.base, span.head)),
                     (span.base, span.head))]
    known = revs.log_changes(root, [c.sha for c in span.commits])
    return [commit_unit(root, c, known) for c in span.commits]


class Checker:
    """Checks units against their claims; plans and compiled scopes are loaded once."""

    def __init__(self, root: Path, config: Config, opts: Options) -> None:
        self.root = root
        self.config = config
        self.opts = opts
        self.plans = Plans(root, config, rev=opts.plans_rev, new_from=opts.new_plans_from)
        self._scopes: dict[str, Scope] = {}
        self.fold = globs.fold_of(root)
        self._exempt = self.fold.matcher([*config.exempt_paths, f"/{config.plans_dir}/**"])
        self._branch: str | bool | None = False  # False: not read yet
        self._forbids: Rules | None = None

    def _current_branch(self) -> str | None:
        if self._branch is False:
            branch = self.opts.branch  # "": none (a pushed ref that is no branch)
            self._branch = repository.current_branch(self.root) if branch is None else branch
        return self._branch if isinstance(self._branch, str) else None

    def claim(self, unit: Unit) -> Claim | None:
        if self.opts.plan_ref is not None:
            return claims.from_ref(self.opts.plan_ref, self.plans, self.opts.plan_source)
        found = claims.from_trailers(unit.trailers, self.plans, unit.trailer_source)
        if found is None and self.opts.fallback_ref is not None:
            found = claims.from_ref(self.opts.fallback_ref, self.plans, self.opts.fallback_source)
        if found is None and unit.cached:
            found = self._active_slice()
        if found is None:
            found = claims.from_branch(self._current_branch(), self.plans)
        return found

    def _active_slice(self) -> Claim | None:
        """The active slice claims the staged changes (not commits already made, which
        carry their own trailers)."""
        return claims.from_active(self.root, self.plans, self.opts.env)

    def exempt(self, unit: Unit) -> bool:
        paths = [p for c in unit.changes for p in c.paths]
        if all(self._exempt.match(p) for p in paths):
            return True
        limit = self.config.exempt_max_changed_lines
        if limit > 0:
            lines = diffs.changed_lines(self.root, *unit.diff_revs, cached=unit.cached)
            return lines is not None and lines <= limit
        return False

    def adopts(self, unit: Unit) -> bool:
        """Whether this change brings planscope in (see checker.adoption)."""
        paths = [p for c in unit.changes for p in c.paths]
        if not any(p in adoption.CONFIG_FILES for p in paths):
            return False  # no config added: not the adoption (and no git call to know it)
        if unit.cached:
            before = unit.diff_revs[0] if unit.diff_revs else (
                "HEAD" if repository.has_commits(self.root) else None)
            after = blobs.INDEX
        else:
            before, after = unit.diff_revs[0], unit.diff_revs[-1]
        return adoption.adopts(self.root, self.config, paths, before, after)

    def check(self, unit: Unit) -> UnitResult:
        result = UnitResult(unit)
        if unit.before_baseline:
            result.notes.append(f"before planscope's baseline "
                                f"({(self.config.baseline or '')[:9]}): not checked")
            return result
        if not unit.changes:
            result.notes.append("a merge that adds nothing of its own" if unit.merge
                                else "no changes")
            return result
        if self.adopts(unit):
            result.notes.append(adoption.NOTE)
            return result
        try:
            claim = result.claim = self.claim(unit)
            scope = self.scope(claim)
        except errors.PlanscopeError as exc:
            result.error, result.exit_code = str(exc), exc.exit_code
            return result
        if claim is not None and self._refused(result, claim):
            return result
        if claim is None or claim.plan is None:
            result.scope = forbidden_only(unit.changes, scope.forbidden)
        else:
            result.scope = classify(unit.changes, scope)
        if result.scope.forbidden:
            result.exit_code = errors.DRIFT
            result.forbid_rules = {t.path: scope.forbidden.rule(t.path)
                                   for t in result.scope.forbidden}
        if claim is None or claim.plan is None:
            return self._no_plan(result, claim)
        if result.scope.drift:
            self._on_drift(result, claim, result.scope)
        return result

    def _refused(self, result: UnitResult, claim: Claim) -> bool:
        """The plan's gates: handed off (``handoff``), slices in order (``order``); True when
        the claim is refused (``result`` says why)."""
        if claim.plan is None:
            return False
        refused = handoff.refusal(claim.plan, self.config.handoff)
        if refused is not None:
            result.error, result.exit_code = f"{result.unit.label}: {refused}", errors.DRIFT
            return True
        return self._out_of_order(result, claim)

    def _out_of_order(self, result: UnitResult, claim: Claim) -> bool:
        """``order``: a note (warn) or a refusal (block) when the claimed slices depend on
        slices no earlier commit claimed; True when refused."""
        unit = result.unit
        if (self.config.order == "off" or unit.merge or claim.plan is None
                or not order.needed(claim.plan, claim.slices)):
            return False  # no git call when the claim depends on nothing still open
        before: str | None = unit.diff_revs[0] if unit.diff_revs else "HEAD"
        if before == repository.empty_tree(self.root) or (
                before == "HEAD" and not repository.has_commits(self.root)):
            before = None
        gap = order.missing(self.root, claim.plan, claim.slices, before)
        if not gap:
            return False
        names = " and ".join(f"'{d}'" for d in gap)
        said = (f"slice '{'+'.join(s.id for s in claim.slices)}' of {claim.plan.path} depends "
                f"on {names}, which no earlier commit claims yet")
        if self.config.order == "block":
            result.error = f"{unit.label}: {said}; land {names} first (order: block)"
            result.exit_code = errors.DRIFT
            return True
        result.notes.append(f"out of order: {said}; land {names} first (order: warn)")
        return False

    def forbids(self) -> Rules:
        """What no change may touch: the config's forbid and the plan-level forbid of every
        plan not done (read once)."""
        if self._forbids is None:
            own = [(f"forbid in {self.config.source}", self.config.forbid)]
            self._forbids = [*own, *((f"forbid of {rel}", patterns)
                                     for rel, patterns in self.plans.forbids())]
        return self._forbids

    def scope(self, claim: Claim | None) -> Scope:
        """The claimed slices' scope (every forbid included); with no slice claimed, a
        scope that allows nothing and forbids what no change may touch."""
        key = claim.ref if claim is not None else ""
        if key not in self._scopes:
            if claim is None or claim.plan is None:
                self._scopes[key] = Scope(Matcher(()), Forbids(self.forbids(), self.fold), ())
            else:
                mine = f"forbid of {claim.plan.path}"
                others = [(origin, p) for origin, p in self.forbids() if origin != mine]
                self._scopes[key] = compile_scope(claim.plan, claim.slices,
                                                  self.config.always_allow, others, self.fold)
        return self._scopes[key]

    def _no_plan(self, result: UnitResult, claim: Claim | None) -> UnitResult:
        exempt = self.exempt(result.unit)
        why = "exempt" if exempt else "require_plan is false"
        if exempt or not self.config.require_plan:
            said = "'Plan: none'" if claim else "no plan claimed"
            result.notes.append(f"{said}: needs no plan ({why})")
            return result
        result.exit_code = max(result.exit_code, errors.BAD_INPUT)
        if claim is None:
            result.error = (
                f"{result.unit.label}: no plan claims this change; add the trailer "
                f"'{claims.TRAILER}: {self.config.plans_dir}/<plan>.yaml#<slice>' to the commit "
                f"message, pass --plan, or work on a branch named plan/<plan-id>/<slice-id>"
            )
        else:
            result.error = (
                f"{result.unit.label}: 'Plan: none' is honoured only for exempt changes "
                f"(exempt.paths: {', '.join(self.config.exempt_paths) or 'none set'}) "
                f"or with require_plan: false; name the slice this change belongs to"
            )
        return result

    def _on_drift(self, result: UnitResult, claim: Claim, scope: ScopeResult) -> None:
        mode = self.config.on_drift
        if mode == "warn":
            result.drift_blocks = False
            result.notes.append("on_drift is warn: drift reported, not blocking")
            return
        if mode == "block" or not self.opts.verify:
            result.exit_code = errors.DRIFT
            return
        if scope.forbidden:  # it fails whatever the model says: nothing of it is sent
            result.notes.append("drift not verified: the forbidden path fails this change "
                                "anyway")
            return
        from checker.model import verify

        assert claim.plan is not None
        request = verify.Request(self.root, claim.plan, claim.slices, scope,
                                 result.unit.diff_revs, result.unit.cached,
                                 no_cache=self.opts.no_cache)
        try:
            result.verification = verify.verify_drift(request, self.config.verify)
        except errors.VerifyUnavailable as exc:
            if self.config.verify.on_error == "pass":
                result.notes.append(
                    f"WARNING: verification could not run ({exc}); drift let through "
                    f"because verify.on_error is pass"
                )
                return
            result.error = f"verification could not run: {exc}"
            result.exit_code = max(result.exit_code, errors.VERIFY_UNAVAILABLE)
            return
        result.verdicts = verify.final_verdicts(
            [t.path for t in scope.drift], result.verification, self.config.verify.min_confidence
        )
        if any(v.verdict != "incidental" for v in result.verdicts.values()):
            result.exit_code = max(result.exit_code, errors.DRIFT)


def run(root: Path, config: Config, target: Target, opts: Options) -> list[UnitResult]:
    checker = Checker(root, config, opts)
    return [checker.check(u) for u in units(root, target, opts, config)]


def exit_code(results: Sequence[UnitResult]) -> int:
    """The worst code; a forbidden path decides over a pass that could not run (it needs no
    model: the answer is known)."""
    code = max((r.exit_code for r in results), default=errors.OK)
    if code == errors.VERIFY_UNAVAILABLE and any(r.scope and r.scope.forbidden
                                                 for r in results):
        return errors.DRIFT
    return code
