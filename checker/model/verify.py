"""The verification pass: each non-forbidden drifted path judged incidental or drift.

This is the seam the pipeline calls (DESIGN §7), a client of ``checker.model``: one question
per check (none on a cache hit), then ``final_verdicts`` applies the policy that does not
depend on the model. Only the drifted paths go out; forbidden paths never do, secret paths
and binary files go by name only.

Reply policy: a reply that is not an object with a ``verdicts`` list is unusable as a whole
(VerifyUnavailable, so ``verify.on_error`` decides); an entry with a missing or wrong field
is dropped, so its path has no verdict and counts as drift; when one path gets several
verdicts, any ``drift`` wins, otherwise the lowest confidence.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from checker import state
from checker.errors import VerifyUnavailable
from checker.model import hunks
from checker.model import prompt as mprompt
from checker.model.ask import Answer, Question, ask, recall, remember
from checker.model.reply import clean_reason, confidence
from checker.record import record
from checker.rules.config import VerifyConfig
from checker.rules.plan import slice_yaml
from checker.rules.ruleset import Part
from checker.rules.scope import ScopeResult

PROMPT_VERSION = "2"
TOOL_NAME = "record_verdicts"
INCIDENTAL, DRIFT = "incidental", "drift"
VERDICTS = (INCIDENTAL, DRIFT)

INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "verdicts": {
            "type": "array",
            "description": "Exactly one entry per drifted path.",
            "items": {
                "type": "object",
                "properties": {
                    "path": {"type": "string",
                             "description": "The drifted path, exactly as listed."},
                    "verdict": {"type": "string", "enum": list(VERDICTS)},
                    "reason": {"type": "string",
                               "description": "One sentence: the planned work this serves, "
                                              "or why it serves none."},
                    "confidence": {"type": "number",
                                   "description": "0 to 1: how sure you are of the verdict."},
                },
                "required": ["path", "verdict", "reason", "confidence"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["verdicts"],
    "additionalProperties": False,
}

TOOL: dict[str, Any] = {
    "name": TOOL_NAME,
    "description": "Record one verdict (incidental or drift) for each drifted path.",
    "input_schema": INPUT_SCHEMA,
    "strict": True,
}

SYSTEM = f"""\
You check one change to a git repository against the plan slice it claims to implement. \
A slice lists the paths its work may touch. The change also touched paths outside that \
list: the drifted paths. Judge each drifted path:

- "incidental": a small edit that the slice's planned work needs and that does nothing \
else, e.g. adding the new module to an import list, a registry, a route table or an \
__init__ file; a dependency or lock-file entry the planned code needs; a fixture or helper \
for the planned tests.
- "drift": anything else: new behaviour, refactoring, fixes or clean-ups of unrelated code, \
or a change you cannot tie to the slice from what you are shown. A path whose content is \
not shown (secret, binary, cut away) is incidental only if its name and the rest of the \
change make the link plain.

When in doubt, answer drift: a wrong "drift" costs a person a minute, a wrong "incidental" \
lets unplanned work through. Give each verdict a one-sentence reason and a confidence \
between 0 and 1. Answer by calling the {TOOL_NAME} tool once, with exactly one verdict per \
drifted path, each path copied exactly as listed.

Data blocks. {mprompt.DATA_RULE}
"""

REPLY_FORMAT = ('{"verdicts": [{"path", "verdict": "incidental"|"drift", "reason", '
                '"confidence"}]} on stdout')


@record(frozen=True)
class Verdict:
    path: str
    verdict: str  # "incidental" | "drift"
    reason: str
    confidence: float

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "verdict": self.verdict, "reason": self.reason,
                "confidence": self.confidence}


@record(frozen=True)
class Verification:
    provider: str
    model: str
    verdicts: tuple[Verdict, ...]
    cached: bool = False
    calls: int = 0
    elapsed_s: float = 0.0
    input_tokens: int = 0
    output_tokens: int = 0


@record(frozen=True)
class Request:
    """Everything one verification needs; ``diff_revs``/``cached`` re-read the hunks."""

    root: Path
    parts: Sequence[Part]  # the claimed plans and slices
    scope: ScopeResult
    diff_revs: tuple[str, ...]
    cached: bool
    no_cache: bool = False  # --no-cache: ask the model even when a cached verdict exists
    sha: str | None = None  # the commit judged, when it is one
    judge_from: str | None = None  # a command judge runs from this revision's files
    started: float | None = None  # time.monotonic() when the pass began: the deadline's start


# --- the reply ------------------------------------------------------------------------------


def _entry(item: Any) -> Verdict | None:
    if not isinstance(item, dict):
        return None
    path, verdict, reason = item.get("path"), item.get("verdict"), item.get("reason")
    sure = confidence(item.get("confidence"))
    if not isinstance(path, str) or not path or verdict not in VERDICTS or sure is None:
        return None
    text = clean_reason(reason) if isinstance(reason, str) and reason.strip() else ""
    return Verdict(path, verdict, text or "(no reason given)", sure)


def _better(old: Verdict, new: Verdict) -> Verdict:
    if (old.verdict == DRIFT) != (new.verdict == DRIFT):
        return old if old.verdict == DRIFT else new
    return old if old.confidence <= new.confidence else new


def parse_verdicts(data: Any, source: str) -> tuple[Verdict, ...]:
    """The usable verdicts of ``data``; VerifyUnavailable when the reply has no verdict list."""
    if not isinstance(data, dict):
        raise VerifyUnavailable(f"malformed reply from {source}: expected an object with "
                                f"'verdicts', got {type(data).__name__}")
    items = data.get("verdicts")
    if not isinstance(items, list):
        raise VerifyUnavailable(f"malformed reply from {source}: 'verdicts' is not a list")
    out: dict[str, Verdict] = {}
    for item in items:
        v = _entry(item)
        if v is not None:
            out[v.path] = _better(out[v.path], v) if v.path in out else v
    return tuple(out.values())


def _parse(data: Any, source: str, asked: Collection[str] | None = None) -> dict[str, Any]:
    """The reply as kept in the cache: verdicts for the paths asked about, no others."""
    return {"verdicts": [v.to_json() for v in parse_verdicts(data, source)
                         if asked is None or v.path in asked]}


def final_verdicts(
    drifted: Sequence[str], verification: Verification, min_confidence: float
) -> dict[str, Verdict]:
    """Policy on the model's answer: one verdict per drifted path, in that order.

    A path the model left out counts as drift, a path it invented is ignored, and an
    ``incidental`` verdict below ``min_confidence`` counts as drift.
    """
    given = {v.path: v for v in verification.verdicts}
    out: dict[str, Verdict] = {}
    for path in drifted:
        v = given.get(path)
        if v is None:
            v = Verdict(path, DRIFT, "the verification pass gave no verdict for this path", 0.0)
        elif v.verdict == INCIDENTAL and v.confidence < min_confidence:
            v = Verdict(path, DRIFT, f"{v.reason} (confidence {v.confidence:.2f} is below "
                        f"min_confidence {min_confidence:.2f})", v.confidence)
        out[path] = v
    return out


# --- the question ---------------------------------------------------------------------------


def _lines(items: Sequence[str]) -> str:
    return "".join(f"{item}\n" for item in items) or "(none)\n"


def build_prompt(parts: Sequence[Part], scope: ScopeResult,
                 files: Sequence[hunks.FileDiff], max_diff_bytes: int) -> mprompt.Prompt:
    """One question for all drifted paths of one check."""
    q = mprompt.quoted
    blocks = [
        *mprompt.plan_blocks([(p.plan, p.slices) for p in parts]),
        mprompt.Block("in-scope-paths", "Changed paths inside the slice's scope (not to judge):",
                      _lines([f"{q(t.path)} ({t.status})" for t in scope.in_scope])),
        mprompt.Block("drifted-paths",
                      f"The {len(files)} drifted path(s) to judge, one verdict each:",
                      _lines([f"{q(f.path)} ({f.status})" for f in files])),
    ]
    shown = mprompt.Files(
        files, "diff",
        "Unified diff hunks (3 lines of context) of the drifted paths, one block each.",
        when_cut="Judge what is shown; when it is not enough to tell, answer drift.",
        budget=max_diff_bytes)
    return mprompt.build(SYSTEM, TOOL, "Judge the drifted paths of one change against the "
                         "slice it claims.", blocks, shown,
                         min(1024 + 200 * len(files), 16_000))


def _question(request: Request, config: VerifyConfig) -> Question:
    scope = request.scope
    files = hunks.collect(request.root, request.diff_revs, request.cached, scope.drift,
                          config.secret_paths, config.max_diff_bytes,
                          forbidden={t.path for t in scope.forbidden})
    built = build_prompt(request.parts, scope, files, config.max_diff_bytes)
    plans = [{"path": p.plan.path, "id": p.plan.id, "title": p.plan.title,
              "summary": p.plan.summary, "assumptions": list(p.plan.assumptions),
              "slices": [s.id for s in p.slices]} for p in request.parts]
    payload = mprompt.command_request(
        built, "verify", PROMPT_VERSION, config.model, REPLY_FORMAT,
        plan={k: v for k, v in plans[0].items() if k != "slices"},
        **({"plans": plans} if len(plans) > 1 else {}),
        slice_yaml="".join(slice_yaml(p.plan, p.slices) for p in request.parts),
        in_scope=[{"path": t.path, "status": t.status} for t in scope.in_scope],
        drifted=mprompt.files_json(built.files))
    about = " ".join(f"{p.plan.path}#{'+'.join(s.id for s in p.slices)}" for p in request.parts)
    return Question(config, built, payload, "verify", PROMPT_VERSION, about=about)


def early_key(request: Request, config: VerifyConfig) -> str | None:
    """A key for the question, from facts read before its prompt is built: the plans and
    slices, the paths in scope and drifted, the commits (and, for staged changes, the
    staged blobs of the drifted paths) the hunks come from, the provider, model, endpoint
    and prompt version, and planscope's own code (``state.key``). Whatever changes the
    prompt changes one of these. None when the hunks come from the working tree (nothing
    names them without reading them)."""
    from checker.git import process

    revs = list(request.diff_revs)
    if not request.cached and len(revs) < 2:
        return None
    named = [r for r in revs if not (len(r) in (40, 64) and r.isalnum())]
    try:
        if named:
            out = process.run(request.root, "rev-parse", "--verify", "--end-of-options",
                              *named).decode().split()
            found = dict(zip(named, out, strict=True))
            revs = [found.get(r, r) for r in revs]
        staged = b""
        if request.cached:
            staged = process.run(request.root, "ls-files", "-s", "-z", "--full-name", "--",
                                 *(f":(top,literal){t.path}" for t in request.scope.drift))
    except (process.GitError, ValueError):
        return None
    scope = request.scope
    endpoint = (config.base_url or os.environ.get("OPENAI_BASE_URL", "")) \
        if config.provider == "openai" else config.base_url
    return state.key(
        "verify-early", PROMPT_VERSION, config.provider, config.model,
        json.dumps(list(config.command or ())), endpoint or "", request.judge_from or "",
        json.dumps([[p.plan.path, p.plan.data, [s.id for s in p.slices]]
                    for p in request.parts], sort_keys=True, default=str),
        json.dumps([[[t.path, t.status] for t in ts] for ts in
                    (scope.in_scope, scope.drift, scope.forbidden)]),
        json.dumps([list(config.secret_paths), config.max_diff_bytes]),
        " ".join(revs), staged)


def verification(answer: Answer) -> Verification:
    return Verification(answer.provider, answer.model,
                        parse_verdicts(answer.data, "the cache"), answer.cached, answer.calls,
                        answer.elapsed_s, answer.input_tokens, answer.output_tokens)


def verify_drift(request: Request, config: VerifyConfig) -> Verification:
    """Judge ``request.scope.drift`` (never the forbidden paths) in one question.

    Raises VerifyUnavailable, with a one-line reason, when no verdict can be had within
    ``config.timeout_s``: offline, no key, network or API errors, a malformed reply.
    """
    drifted = request.scope.drift
    n = len(drifted)
    who = config.model if config.provider == "anthropic" else "verify.command"
    what = f"verifying {n} drifted path{'s' * (n != 1)} with {who}"
    parse = functools.partial(_parse, asked=frozenset(t.path for t in drifted))
    early = early_key(request, config)  # --no-cache asks again, and keeps the new answer
    got = None if early is None or request.no_cache else recall(request.root, early, parse)
    if got is None:
        (asked,) = ask(request.root, [_question(request, config)], parse,
                       timeout_s=config.timeout_s, what=what, no_cache=request.no_cache,
                       judge_from=request.judge_from, started=request.started)
        if isinstance(asked, VerifyUnavailable):
            raise asked
        got = asked
        if early is not None:
            remember(request.root, early, got)
    result = verification(got)
    final = final_verdicts([t.path for t in drifted], result, config.min_confidence)
    state.append_log(request.root, state.VERDICT_LOG, {
        "key": got.key,
        "plan": " + ".join(p.plan.path for p in request.parts),
        "slice": " + ".join("+".join(s.id for s in p.slices) for p in request.parts),
        "claim": " + ".join(p.ref for p in request.parts),
        "diff": "staged" if request.cached else "..".join(request.diff_revs),
        "commit": request.sha,
        "provider": result.provider,
        "model": result.model,
        "cached": result.cached,
        "min_confidence": config.min_confidence,
        "verdicts": [v.to_json() for v in final.values()],
    })
    return result
