"""A change's whole diff judged against the slice it claims (``planscope review``).

What is a fact is computed here, not asked: the changed paths in and out of the slice's
scope, forbidden paths, planned files the change left untouched, planned test files that do
not exist. The model is asked what only reading the diff can tell: does the change do what
the slice describes (``matches_plan``), what is wrong with it (findings by severity), which
behaviour it adds without a test, and what it changes that the plan does not describe. Both
are merged into one report.

The question is ``checker.model.review_prompt``'s, asked through ``checker.model.ask``: the
configured provider and model, one hard deadline (``verify.timeout_s``), ``verify.on_error``, the
cache, and data blocks the model is told never to obey. Forbidden paths are never sent, not
even by name.

Exit codes: 1 when a blocker is found (a forbidden path is always one) or the model says the
change does not match the plan (or says it does with less than ``verify.min_confidence``);
drift, untouched planned files and missing test files are reported as major findings but do
not fail the review on their own (``planscope check`` is the gate for scope). 3 when the
model could not be asked and ``verify.on_error`` is ``fail``; with ``pass``, a warning, and
the exit code comes from the local facts alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from checker import errors, event
from checker.errors import BadInput, VerifyUnavailable
from checker.git import blobs, diffs, repository, revs
from checker.git.revs import Span
from checker.judge import claims
from checker.judge.claims import Claim
from checker.model import hunks
from checker.model.ask import Answer, Question, ask
from checker.model.review_prompt import (
    BLOCKER,
    MAJOR,
    PROMPT_VERSION,
    SEVERITIES,
    Finding,
    ModelReview,
    build_prompt,
    command_request,
    model_review,
    parse_reply,
)
from checker.record import field, record
from checker.rules.book import Rulebook
from checker.rules.config import Config
from checker.rules.globlint import literal
from checker.rules.plan import Plan, Slice
from checker.rules.scope import ScopeResult, Touched, classify


@record
class Result:
    span: Span
    claim: Claim
    scope: ScopeResult
    missing_test_files: tuple[str, ...]
    local: tuple[Finding, ...]
    model: ModelReview | None = None
    answer: Answer | None = None
    exit_code: int = errors.OK
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def plan(self) -> Plan:
        assert self.claim.plan is not None
        return self.claim.plan

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Local and model findings together, most severe first (stable otherwise)."""
        both = (*self.local, *(self.model.findings if self.model else ()))
        return tuple(sorted(both, key=lambda f: SEVERITIES.index(f.severity)))


def claim(book: Rulebook, span_: Span, plan_ref: str | None) -> Claim:
    """The slice to review against: ``--plan``, else the one slice the commits' ``Plan:``
    trailers name (commits with ``Plan: none`` or none at all are left out), else the branch."""
    if plan_ref is not None:
        found: Claim | None = claims.from_ref(plan_ref, book, "--plan")
    else:
        named: dict[str, Claim] = {}
        for c in (c for c in span_.commits if len(c.parents) <= 1):
            got = claims.from_trailers(c.plan_trailers, book, f"commit {c.short}")
            if got is not None and not got.none:
                named.setdefault(got.ref, got)
        if len(named) > 1:
            raise BadInput(f"{span_.label}: its commits claim {len(named)} slices "
                           f"({', '.join(named)}); review one at a time with --plan PLAN#SLICE")
        found = next(iter(named.values()), None)
        if found is not None:
            many = len(span_.commits) > 1
            found = Claim(found.parts,
                          "'Plan:' trailers of its commits" if many else found.source)
        else:
            found = claims.from_branch(repository.current_branch(book.root), book)
    if found is None or found.none:
        raise BadInput(f"{span_.label}: no slice to review against (no 'Plan:' trailer names "
                       f"one, nor does the branch); pass --plan PLAN#SLICE")
    if found.plan is None:
        raise BadInput(f"{span_.label}: it claims slices of several plans ({found.ref}); "
                       f"review one at a time with --plan PLAN#SLICE")
    return found


def missing_test_files(slices: Sequence[Slice], files: set[str]) -> tuple[str, ...]:
    """Literal test paths the slices plan that do not exist in ``files`` (the head's tree)."""
    out: list[str] = []
    for s in slices:
        for t in s.tests:
            p = literal(t.path)
            if p is None or p in out or p in files:
                continue
            if not any(f.startswith(p + "/") for f in files):
                out.append(p)
    return tuple(out)


def local_findings(plan: Plan, slices: Sequence[Slice], scope: ScopeResult,
                   missing: Sequence[str]) -> tuple[Finding, ...]:
    ids = "+".join(s.id for s in slices)
    out = [Finding(BLOCKER, f"forbidden by {plan.path}: forbidden paths never pass", t.path,
                   source="local") for t in scope.forbidden]
    out += [Finding(MAJOR, f"planned test file of slice '{ids}' does not exist", p,
                    source="local") for p in missing]
    out += [Finding(MAJOR, f"outside slice '{ids}' (drift: see planscope check)", t.path,
                    source="local") for t in scope.drift]
    out += [Finding(MAJOR, f"planned in slice '{ids}' but not touched by this change", p,
                    source="local") for p in scope.untouched if p not in missing]
    return tuple(out)


@record(frozen=True)
class Setup:
    """What the command line asks to review: the change, and the rules to review it by."""

    span: Span
    book: Rulebook


def setup(root: Path, base: str | None, rev_range: str | None,
          github_env: Mapping[str, str] | None) -> Setup:
    """Without --base or --range: the last commit. The rules are read as ``check`` reads
    them for the same change (``checker.judge.targets``): the last commit's parent, the
    range's start, the base; ``--format github`` without a target takes the base from the
    pull_request or merge_group event, so a pull request cannot rewrite the slice it is
    judged by, and reads new plans from the head only with ``plans_in_pr: allow-new``."""
    if base and rev_range:
        raise BadInput("use only one of --base, --range")
    if not base and not rev_range and github_env is not None:
        base = event.read_event(github_env).base
    if base:
        span_ = revs.span(root, "base", base)
        book = Rulebook(root, revs.rev_parse(root, base))
        if github_env is None or book.config.plans_in_pr == "allow-new":
            book = book.view(new_from=span_.head)
        return Setup(span_, book)
    span_ = revs.span(root, "range" if rev_range else "commit", rev_range or "HEAD")
    return Setup(span_, Rulebook(root, span_.base).view(new_from=span_.head))


def run(root: Path, book: Rulebook, span_: Span, plan_ref: str | None, *,
        no_cache: bool = False) -> Result:
    """Review the change ``span_`` by the rules of ``book``; bad input raises BadInput."""
    config = book.config
    claimed = claim(book, span_, plan_ref)
    assert claimed.plan is not None
    plan, slices = claimed.plan, claimed.slices
    changes = diffs.diff(root, span_.base, span_.head)
    scope = classify(changes, book.rules(claimed.parts))  # every forbid: config's, all plans'

    missing = missing_test_files(slices, blobs.tracked_files(root, span_.head))
    result = Result(span_, claimed, scope, missing, local_findings(plan, slices, scope, missing))
    if any(f.severity == BLOCKER for f in result.local):
        result.exit_code = errors.DRIFT
    if not changes:
        result.notes.append("no changes to review")
        return result
    sent = [*scope.in_scope, *scope.drift]  # never the forbidden paths, not even by name
    if not sent:
        result.notes.append("every changed path is forbidden: nothing to send to a model")
        return result
    _ask(root, config, result, sent, no_cache)
    return result


def _ask(root: Path, config: Config, result: Result, sent: Sequence[Touched],
         no_cache: bool) -> None:
    v = config.verify
    plan, slices, scope = result.plan, result.claim.slices, result.scope
    files = hunks.collect(root, (result.span.base, result.span.head), False, sent,
                          v.secret_paths, v.max_diff_bytes,
                          forbidden={t.path for t in scope.forbidden})
    built = build_prompt(plan, slices, scope, files, result.missing_test_files,
                         v.max_diff_bytes)
    request = command_request(built, plan, slices, scope, result.missing_test_files, v.model)
    what = (f"reviewing {len(sent)} changed path{'s' * (len(sent) != 1)} with "
            f"{v.model if v.provider == 'anthropic' else 'verify.command'}")
    about = f"{plan.path}#{'+'.join(s.id for s in slices)}"
    (got,) = ask(root, [Question(v, built, request, "review", PROMPT_VERSION, about=about)],
                 parse_reply,
                 timeout_s=v.timeout_s, what=what, no_cache=no_cache)
    if isinstance(got, VerifyUnavailable):
        if v.on_error == "pass":
            result.notes.append(f"WARNING: the review could not run ({got}); only the local "
                                f"facts are reported, because verify.on_error is pass")
        else:
            result.error = f"the review could not run: {got}"
            result.exit_code = errors.VERIFY_UNAVAILABLE
        return
    result.answer = got
    result.model = model_review(got.data)
    _judge(result, v.min_confidence)


def _judge(result: Result, min_confidence: float) -> None:
    m = result.model
    assert m is not None
    if not m.matches_plan:
        result.exit_code = max(result.exit_code, errors.DRIFT)
    elif m.confidence < min_confidence:
        result.exit_code = max(result.exit_code, errors.DRIFT)
        result.notes.append(f"the model says the change matches the plan, but with confidence "
                            f"{m.confidence:.2f}, below verify.min_confidence "
                            f"{min_confidence:.2f}: counted as not matching")
    if any(f.severity == BLOCKER for f in m.findings):
        result.exit_code = max(result.exit_code, errors.DRIFT)
