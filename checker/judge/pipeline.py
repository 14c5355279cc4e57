"""The core check: each unit (``checker.judge.changes``) against its claim
(``checker.judge.claims``), by the rules of one ``Rulebook`` (``checker.rules.book``).

The result says what is in scope, what drifted, what is forbidden, and the exit code.
Printing is the renderers' job (``checker.render``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from checker import errors
from checker.git import blobs, diffs, repository
from checker.judge import adoption, claims, order
from checker.judge.changes import Unit, after_of, before_of
from checker.judge.claims import Claim, Context
from checker.record import field, record
from checker.rules import ruleschange
from checker.rules.book import Rulebook
from checker.rules.config import Config
from checker.rules.ruleschange import RulesChange
from checker.rules.ruleset import RuleSet
from checker.rules.scope import ScopeResult, classify

if TYPE_CHECKING:  # the pass itself is imported only when drift is to be verified
    from checker.model import verify
    from checker.model.verify import Verdict


@record
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
    rules: RuleSet | None = None  # what it was judged by
    unreadable: bool = False  # its claim or its rules could not be read (``error`` says why)
    skipped: str | None = None  # why it is not judged at all (before the baseline, ...)
    unclaimed: bool = False  # refused because nothing claims it and it needs a plan
    rules_change: RulesChange | None = None  # it changes only the rules: judged by no slice
    drift_needs_plan: bool = True  # False: its drifted paths, on their own, need no plan

    @property
    def ok(self) -> bool:
        return self.exit_code == errors.OK

    @property
    def drifted(self) -> list[str]:
        """Drifted paths not judged incidental."""
        if self.scope is None:
            return []
        return [t.path for t in self.scope.drift
                if t.path not in self.verdicts or self.verdicts[t.path].verdict != "incidental"]


@record(frozen=True)
class Options:
    plan_ref: str | None = None  # --plan
    plan_source: str = "--plan"  # what the claim of plan_ref is said to come from
    verify: bool = True  # False with --no-verify
    no_cache: bool = False  # --no-cache: ask the verification pass even on a cached verdict
    pr_refs: tuple[str, ...] = ()  # the pull request body's Plan: lines
    pr_source: str = ""
    branch: str | None = None  # the branch committed to or pushed; None: the checked-out one
    # Verdicts the verification pass gave before, by (commit, path): status, stats and trace
    # read them instead of asking (None: ask, as check does).
    recorded: Mapping[tuple[str, str], Verdict] | None = None
    env: Mapping[str, str] = field(default_factory=lambda: os.environ, compare=False)


class Judge:
    """Units against their claims, by the rules of ``book``."""

    def __init__(self, root: Path, book: Rulebook, opts: Options) -> None:
        self.root = root
        self.book = book
        self.opts = opts
        self._branch: str | bool | None = False  # False: not read yet

    @property
    def config(self) -> Config:
        return self.book.config

    def context(self) -> Context:
        if self._branch is False:
            given = self.opts.branch  # "": none (a pushed ref that is no branch)
            self._branch = repository.current_branch(self.root) if given is None else given
        branch = self._branch if isinstance(self._branch, str) else None
        return Context(self.opts.plan_ref, self.opts.plan_source, self.opts.pr_refs,
                       self.opts.pr_source, branch or None, self.opts.env)

    def claim(self, unit: Unit) -> Claim | None:
        return claims.claim_of(self.root, self.book, self.context(), unit.trailers,
                               unit.trailer_source, staged=unit.cached and unit.sha is None)

    def rules(self, claim: Claim | None) -> RuleSet:
        return self.book.rules(claim.parts if claim is not None else ())

    def exempt(self, unit: Unit, rules: RuleSet) -> bool:
        if all(rules.exempt(p) for p in unit.paths):
            return True
        limit = self.config.exempt_max_changed_lines
        if limit > 0:
            lines = diffs.changed_lines(self.root, *unit.diff_revs, cached=unit.cached)
            return lines is not None and lines <= limit
        return False

    def adopts(self, unit: Unit) -> bool:
        """Whether this change brings planscope in (see checker.judge.adoption): only when
        its rules are its own (no rules before it), never when a base with rules judges it."""
        paths = unit.paths
        if not any(p in adoption.CONFIG_FILES for p in paths):
            return False  # no config added: not the adoption (and no git call to know it)
        if self.book.rev != after_of(unit):
            return False
        return adoption.adopts(self.root, self.config, paths, before_of(self.root, unit),
                               after_of(unit))

    def _not_judged(self, unit: Unit) -> str | None:
        """Why ``unit`` is not judged at all, or None."""
        if unit.before_baseline:
            return f"before planscope's baseline ({unit.before_baseline[:9]}): not checked"
        if not unit.changes:
            return "a merge that adds nothing of its own" if unit.merge else "no changes"
        if self.adopts(unit):
            return adoption.NOTE
        if not self.config.found and self.opts.plan_ref is None:
            return adoption.NO_RULES
        return None

    def check(self, unit: Unit) -> UnitResult:
        result = UnitResult(unit)
        skipped = result.skipped = self._not_judged(unit)
        if skipped is not None:
            result.notes.append(skipped)
            if self.opts.plan_ref is not None and not unit.before_baseline:
                self._read_claim(result)  # a --plan that names nothing is bad input anyway
            return result
        if unit.note:
            result.notes.append(unit.note)
        if self._rules_change(result):
            return result
        read = self._read_claim(result)
        if read is None:
            return result
        claim, rules = read
        if self._refused(result, rules):
            return _cleared(result)
        result.notes += [f"open gap in {p.plan.path}#{s.id}: {g.text} (planscope gap)"
                         for p in (claim.parts if claim else ()) for s in p.slices
                         for g in s.open_gaps]
        scope = result.scope = classify(unit.changes, rules)
        if scope.forbidden:
            result.exit_code = errors.DRIFT
            result.forbid_rules = {t.path: rules.rule(t.path) for t in scope.forbidden}
        if claim is None or claim.none:
            return _cleared(self._no_plan(result, claim, rules))
        if scope.drift:
            result.drift_needs_plan = self.config.require_plan and not all(
                rules.exempt(t.path) for t in scope.drift)
            self._on_drift(result, claim, scope)
        return _cleared(result)

    def _rules_change(self, result: UnitResult) -> bool:
        """Whether the unit changes only planscope's rules (and touches no forbidden path):
        then it needs no slice, and says what it changes (``checker.rules.ruleschange``)."""
        unit = result.unit
        before = before_of(self.root, unit)
        if unit.merge or before is None or self.opts.plan_ref is not None:
            return False  # a root commit brings rules from nothing: the adoption's question
        try:
            rules = self.rules(None)
            change = ruleschange.find(self.root, unit.paths, before, after_of(unit),
                                      self.config, rules.fold, rules.exempt)
            if change is None or any(rules.forbidden(p) for p in unit.paths):
                return False
        except errors.PlanscopeError:
            return False  # judged as any change, which says what cannot be read
        result.rules_change = change
        result.notes += [ruleschange.NOTE, *change.said]
        return True

    def _read_claim(self, result: UnitResult) -> tuple[Claim | None, RuleSet] | None:
        """The claim of ``result``'s unit and the rules it is judged by; None when either
        cannot be read (``result`` says why)."""
        try:
            claim = result.claim = self.claim(result.unit)
            rules = result.rules = self.rules(claim)
        except errors.PlanscopeError as exc:
            result.error, result.exit_code = str(exc), exc.exit_code
            result.unreadable = True
            return None
        return claim, rules

    def _refused(self, result: UnitResult, rules: RuleSet) -> bool:
        """The plans' gates: handed off, slices in order; True when the claim is refused
        (``result`` says why)."""
        if rules.refusals:
            result.error = f"{result.unit.label}: {'; '.join(rules.refusals)}"
            result.exit_code = errors.DRIFT
            return True
        return self._out_of_order(result, rules)

    def _out_of_order(self, result: UnitResult, rules: RuleSet) -> bool:
        """``order``: a note (warn) or a refusal (block) when the claimed slices depend on
        slices no earlier commit claimed; True when refused."""
        unit = result.unit
        needs = rules.needs()
        if self.config.order == "off" or unit.merge or not needs:
            return False  # no git call when the claim depends on nothing still open
        before = before_of(self.root, unit)
        for part, _ in needs:
            gap = order.missing(self.root, part, before)
            if not gap:
                continue
            names = " and ".join(f"'{d}'" for d in gap)
            said = (f"slice '{'+'.join(s.id for s in part.slices)}' of {part.plan.path} depends "
                    f"on {names}, which no earlier commit claims yet")
            if self.config.order == "block":
                result.error = f"{unit.label}: {said}; land {names} first (order: block)"
                result.exit_code = errors.DRIFT
                return True
            result.notes.append(f"out of order: {said}; land {names} first (order: warn)")
        return False

    def _no_plan(self, result: UnitResult, claim: Claim | None, rules: RuleSet) -> UnitResult:
        exempt = self.exempt(result.unit, rules)
        why = "exempt" if exempt else "require_plan is false"
        if exempt or not self.config.require_plan:
            said = "'Plan: none'" if claim else "no plan claimed"
            result.notes.append(f"{said}: needs no plan ({why})")
            return result
        result.exit_code = max(result.exit_code, errors.BAD_INPUT)
        if claim is None:
            result.unclaimed = True
            result.error = (
                f"{result.unit.label}: no plan claims this change; add the trailer "
                f"'{claims.TRAILER}: {self.config.plans_dir}/<plan>.yaml#<slice>' to the "
                f"commit message, pass --plan, or work on a branch named "
                f"<plan-id>/<slice-id>"
            ) + self._near_misses(result.unit)
        else:
            result.error = (
                f"{result.unit.label}: 'Plan: none' is honoured only for exempt changes "
                f"(exempt.paths: {', '.join(self.config.exempt_paths) or 'none set'}) "
                f"or with require_plan: false; name the slice this change belongs to"
            )
        return result

    def _near_misses(self, unit: Unit) -> str:
        """What was found that looks meant as a claim: a line of the message, a branch
        named after a plan's file rather than its id."""
        found = list(unit.near_misses)
        branch = self.context().branch or ""
        named = claims.named_plan_id(branch)
        if named is not None:
            for rel in self.book.files():
                stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
                try:
                    plan = self.book.plan(rel, f"branch {branch}") if stem == named else None
                except errors.PlanscopeError:
                    continue
                if plan is not None and plan.id != stem:
                    meant = claims.branch_names(plan.id, branch.rsplit("/", 1)[1])[0]
                    found.append(f"the branch {branch}, named after the file {rel}; its plan's "
                                 f"id is '{plan.id}': {meant}")
        return f"; found {'; '.join(found)}" if found else ""

    def _on_drift(self, result: UnitResult, claim: Claim, scope: ScopeResult) -> None:
        mode = self.config.on_drift
        if mode == "warn":
            result.drift_blocks = False
            result.notes.append("on_drift is warn: drift reported, not blocking")
            return
        if self.opts.recorded is not None and mode == "verify":
            self._recorded(result)
            return
        if mode == "block" or not self.opts.verify:
            result.exit_code = errors.DRIFT
            return
        if scope.forbidden:  # it fails whatever the model says: nothing of it is sent
            result.notes.append("drift not verified: the forbidden path fails this change "
                                "anyway")
            return
        self._verify(result, claim, scope)

    def _recorded(self, result: UnitResult) -> None:
        """Drift judged by the verdicts recorded for this commit (no model is asked)."""
        recorded = self.opts.recorded or {}
        sha = result.unit.sha or ""
        result.verdicts = {t.path: v for t in (result.scope.drift if result.scope else ())
                           if (v := recorded.get((sha, t.path))) is not None}
        if result.drifted:
            result.exit_code = max(result.exit_code, errors.DRIFT)

    def _verify(self, result: UnitResult, claim: Claim, scope: ScopeResult) -> None:
        started = time.monotonic()  # verify.timeout_s counts from here: imports included
        from checker.model import verify

        # the judge comes from where the rules come from: a base commit, never the change
        rev = self.book.rev
        request = verify.Request(self.root, claim.parts, scope, result.unit.diff_revs,
                                 result.unit.cached, no_cache=self.opts.no_cache,
                                 sha=result.unit.sha,
                                 judge_from=rev if rev and rev != blobs.INDEX else None,
                                 started=started)
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
        if result.drifted:
            result.exit_code = max(result.exit_code, errors.DRIFT)


def _one_line(exc: errors.PlanscopeError) -> str:
    return "; ".join(line.strip() for line in str(exc).splitlines() if line.strip())


def _cleared(result: UnitResult) -> UnitResult:
    """A refusal of a change the active slice claimed says how to clear it."""
    claim = result.claim
    if result.ok or claim is None or not claim.active:
        return result
    how = (f"unset {claim.source}" if claim.source != "planscope use"
           else "planscope use --clear")
    result.notes.append(f"the active slice {claim.ref} claimed this change ({claim.source}); "
                        f"a '{claims.TRAILER}:' trailer in the commit message claims it "
                        f"instead, and `{how}` forgets the active slice")
    return result


def run(judge: Judge, units: Sequence[Unit]) -> list[UnitResult]:
    return [judge.check(u) for u in units]


def exit_code(results: Sequence[UnitResult]) -> int:
    """The worst code; a forbidden path decides over a pass that could not run (it needs no
    model: the answer is known)."""
    code = max((r.exit_code for r in results), default=errors.OK)
    if code == errors.VERIFY_UNAVAILABLE and any(r.scope and r.scope.forbidden
                                                 for r in results):
        return errors.DRIFT
    return code
