"""Whether a plan is ready to build (``planscope plan-review``): blind reviewers each give a
confidence.

First the local lint (``planscope validate PLAN --against HEAD``): a plan that names files
to modify that do not exist, or to create that already exist, is not ready, and no model is
asked. Then every reviewer (``review.plan.reviewers``, or ``--reviewer`` on the command line)
gets the same request, built from the plan and the repository only: the plan as YAML (its
recorded ``reviews:`` left out, so no reviewer sees an earlier answer), the repository's file
list at HEAD and the current content of the files the plan says to modify, both cut to
``verify.max_diff_bytes`` (the list takes at most a quarter). Each reviewer is a separate
request with a provider object of its own; they run at once, under one deadline
(``verify.timeout_s``), through ``checker.model`` (the question is ``checker.model.plan_prompt``'s).

The verdict, with ``ready_at`` and ``disagree_at`` from ``review.plan``: a reviewer finds
the plan ready when its confidence is at least ``ready_at`` and it says ``ready``.

- **ready**: every reviewer finds it ready (exit 0);
- **not ready**: none does (exit 1);
- **disagree**: some do and some do not, and the confidences are at least ``disagree_at``
  apart (highest minus lowest); each reviewer's gaps that no other raised are printed (exit 1);
- otherwise (split, but closer than ``disagree_at``): **not ready** (exit 1).

A reviewer that cannot be asked follows ``verify.on_error``: ``fail`` exits 3; ``pass`` leaves
it out with a warning and judges by the others (no answer at all: not ready).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Sequence
from pathlib import Path

from checker import errors
from checker.errors import BadInput, VerifyUnavailable
from checker.git import blobs, revs
from checker.model.ask import Answer, Question, ask
from checker.model.plan_prompt import (
    PROMPT_VERSION,
    build_prompt,
    command_request,
    file_list,
    focused,
    modify_files,
    parse_reply,
)
from checker.record import field, record, replace
from checker.rules import validation
from checker.rules.config import Config, Reviewer
from checker.rules.plan import Plan

READY, NOT_READY, DISAGREE, UNAVAILABLE = "ready", "not ready", "disagree", "could not run"


@record(frozen=True)
class Opinion:
    reviewer: Reviewer
    confidence: float
    ready: bool
    gaps: tuple[str, ...]
    wrong_assumptions: tuple[str, ...]
    answer: Answer
    blockers: tuple[str, ...] = ()

    def finds_ready(self, ready_at: float) -> bool:
        return self.ready and self.confidence >= ready_at

    @property
    def points(self) -> tuple[str, ...]:
        return (*self.gaps, *self.wrong_assumptions, *self.blockers)


@record
class Result:
    plan: Plan
    reviewers: tuple[Reviewer, ...]
    ready_at: float
    disagree_at: float
    lint: list[str] = field(default_factory=list)
    opinions: dict[str, Opinion] = field(default_factory=dict)  # by reviewer name
    failed: dict[str, str] = field(default_factory=dict)  # reviewer name -> why
    verdict: str = NOT_READY
    spread: float | None = None
    only: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    exit_code: int = errors.DRIFT
    notes: list[str] = field(default_factory=list)
    recorded: bool = False
    recorded_count: int = 0  # how many of the reviews --record appended (the others: kept)

    @property
    def recordable(self) -> bool:
        """Reviews came back and the run is complete (no lint stop, no exit 3)."""
        return bool(self.opinions) and not self.lint and self.verdict != UNAVAILABLE


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def parse_reviewer(text: str, default_command: tuple[str, ...] | None) -> Reviewer:
    """``NAME=PROVIDER:MODEL``: ``sonnet=anthropic:claude-sonnet-5-5``; for the command
    provider MODEL is the command line, split like a shell would but never run by one
    (``local=command:./judge --json``); ``NAME=command`` uses ``verify.command``."""
    name, sep, spec = text.partition("=")
    provider, _, model = spec.partition(":")
    usage = (f"--reviewer {text!r}: use NAME=PROVIDER:MODEL, e.g. "
             f"opus=anthropic:claude-opus-5-5, gpt=openai:gpt-5.5-pro or "
             f"local=command:./my-judge")
    if not sep or not _NAME.fullmatch(name) or provider not in ("anthropic", "openai",
                                                                 "command"):
        raise BadInput(usage)
    if provider in ("anthropic", "openai"):
        if not model.strip():
            raise BadInput(usage)
        return Reviewer(name, provider, model.strip())
    try:
        argv = tuple(shlex.split(model)) or default_command
    except ValueError as exc:
        raise BadInput(f"--reviewer {text!r}: {exc}") from None
    if not argv:
        raise BadInput(f"--reviewer {text!r}: no command given and verify.command is not set")
    return Reviewer(name, "command", model.strip() or shlex.join(argv), argv)


def describe(r: Reviewer) -> str:
    return r.model if r.provider != "command" else shlex.join(r.command or ())[:60]


_WORD = re.compile(r"[a-z0-9_./-]+")


_STOP = frozenset({
    "a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "is", "are", "be", "it",
    "its", "this", "that", "with", "by", "as", "at", "from", "has", "have", "should", "does",
    "not", "no", "there", "plan",
})


def _words(text: str) -> set[str]:
    return {w.strip("./-") for w in _WORD.findall(text.lower())} - _STOP - {""}


def same_point(a: str, b: str) -> bool:
    """Two reviewers raised the same point when most of their words are shared (Jaccard
    similarity of the normalised words, stop words left out, at least 0.5)."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return " ".join(a.lower().split()) == " ".join(b.lower().split())
    return len(wa & wb) / len(wa | wb) >= 0.5


def only_raised(opinions: Sequence[Opinion]) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Per reviewer: (gaps, wrong assumptions) that no other reviewer raised, as a gap or as
    a wrong assumption."""
    out = {}
    for o in opinions:
        others = [p for x in opinions if x is not o for p in x.points]
        mine = [tuple(p for p in points if not any(same_point(p, q) for q in others))
                for points in (o.gaps, o.wrong_assumptions)]
        out[o.reviewer.name] = (mine[0], mine[1])
    return out


def verdict(opinions: Sequence[Opinion], ready_at: float, disagree_at: float) -> str:
    """ready / not ready / disagree (see the module doc)."""
    if not opinions:
        return NOT_READY
    ready = [o.finds_ready(ready_at) for o in opinions]
    if all(ready):
        return READY
    if not any(ready):
        return NOT_READY
    confidences = [o.confidence for o in opinions]
    if max(confidences) - min(confidences) >= disagree_at - 1e-9:
        return DISAGREE
    return NOT_READY


def run(root: Path, config: Config, rel: str, reviewers: Sequence[Reviewer] = (), *,
        no_cache: bool = False,
        landed: Callable[[str], validation.Done] | None = None) -> Result:
    """Lint, then ask every reviewer; BadInput for a plan that does not validate.
    ``landed(sha)``: which slices are done at HEAD (their commits landed)."""
    checked = validation.validate(root, config, [rel], "HEAD", landed)
    if checked.errors:
        raise BadInput("\n".join(checked.errors))
    (plan,) = checked.valid
    pr = config.review.plan
    chosen = tuple(reviewers) or pr.reviewers
    names = [r.name for r in chosen]
    if len(chosen) < 2:
        raise BadInput("plan-review needs at least two reviewers (--reviewer NAME=PROVIDER:MODEL, "
                       "twice or more, or review.plan.reviewers)")
    if len(set(names)) < len(names):
        raise BadInput(f"plan-review: two reviewers are named the same ({', '.join(names)})")
    out = Result(plan, chosen, pr.ready_at, pr.disagree_at)
    if checked.findings:  # the plan misread the repository: not ready, no request made
        out.lint = checked.findings
        return out
    v = config.verify
    head = revs.rev_parse(root, "HEAD")
    tracked = blobs.tracked_files(root, head)
    listing, listed = file_list(tracked, max(v.max_diff_bytes // 4, 1))
    used = len(listing.encode("utf-8"))
    files = modify_files(root, plan, head, v.secret_paths, max(v.max_diff_bytes - used, 1))
    built = build_prompt(plan, listing, listed, len(tracked), files, v.max_diff_bytes - used)
    questions = [
        Question(replace(v, provider=r.provider, model=r.model,
                         command=r.command if r.provider == "command" else v.command,
                         base_url=r.base_url, api_key_env=r.api_key_env),
                 focused(built, r), command_request(focused(built, r), plan, r, listing,
                                                    len(tracked)),
                 "plan-review", PROMPT_VERSION, asker=r.name, about=plan.path)
        for r in chosen
    ]
    answers = ask(root, questions, parse_reply, timeout_s=v.timeout_s, no_cache=no_cache,
                  what=f"reviewing {plan.path} with {len(chosen)} reviewers")
    for r, got in zip(chosen, answers, strict=True):
        if isinstance(got, VerifyUnavailable):
            out.failed[r.name] = str(got)
            continue
        d = got.data
        out.opinions[r.name] = Opinion(r, d["confidence"], d["ready"], tuple(d["gaps"]),
                                       tuple(d["wrong_assumptions"]), got,
                                       tuple(d.get("blockers", ())))
    opinions = list(out.opinions.values())
    if out.failed and v.on_error != "pass":
        out.verdict, out.exit_code = UNAVAILABLE, errors.VERIFY_UNAVAILABLE
    else:
        for name, why in out.failed.items():
            out.notes.append(f"WARNING: reviewer {name} could not run ({why}); left out "
                             f"because verify.on_error is pass")
        out.verdict = verdict(opinions, pr.ready_at, pr.disagree_at)
        out.exit_code = errors.OK if out.verdict == READY else errors.DRIFT
    if opinions:
        confidences = [o.confidence for o in opinions]
        out.spread = max(confidences) - min(confidences)
        out.only = only_raised(opinions)
    return out



_ID = re.compile(r"\s*\[([a-z0-9][a-z0-9-]*)\]")


def wrong_ids(plan: Plan, wrong: Sequence[str]) -> list[str]:
    """The ids of the plan's assumptions that the ``[id]`` openings of ``wrong`` name."""
    known = {a.id for a in plan.assumed if a.id is not None}
    found = [m.group(1) for w in wrong if (m := _ID.match(w)) is not None]
    return [i for i in dict.fromkeys(found) if i in known]


def blocked_ids(plan: Plan, blockers: Sequence[str]) -> list[str]:
    """The ids of the slices the ``blockers`` stop: the slice each names in its ``[id]``
    opening; every slice for one that names the plan, names no slice of the plan or none
    at all (a blocker is never dropped for naming its slice wrong)."""
    ids = [s.id for s in plan.slices]
    stopped: list[str] = []
    for b in blockers:
        m = _ID.match(b)
        stopped += [m.group(1)] if m is not None and m.group(1) in ids else ids
    return [i for i in ids if i in stopped]
