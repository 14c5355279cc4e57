"""The verification pass: judge each non-forbidden drifted path incidental or drift.

This is the seam the checker calls (DESIGN §7). ``verify_drift`` makes one call per check
(or none, on a cache hit) and returns the model's verdicts; ``final_verdicts`` applies the
policy that does not depend on the model. Only the drifted paths go out; forbidden paths
never do, secret paths and binary files go by name only.

Nothing here imports the model SDK at module level: ``checker.check`` imports this package
on every run, and the SDK is loaded only when a call is actually made.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from checker.config import VerifyConfig
from checker.errors import VerifyUnavailable
from checker.plan import Plan, Slice
from checker.scope import ScopeResult
from checker.verify.result import Verdict, Verification

__all__ = ["Request", "Verdict", "Verification", "final_verdicts", "verify_drift"]


@dataclass(frozen=True)
class Request:
    """Everything one verification call needs; ``diff_revs``/``cached`` re-read the hunks."""

    root: Path
    plan: Plan
    slices: Sequence[Slice]
    scope: ScopeResult
    diff_revs: tuple[str, ...]
    cached: bool
    no_cache: bool = False  # --no-cache: ask the model even when a cached verdict exists


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
            v = Verdict(path, "drift", "the verification pass gave no verdict for this path", 0.0)
        elif v.verdict == "incidental" and v.confidence < min_confidence:
            v = Verdict(path, "drift", f"{v.reason} (confidence {v.confidence:.2f} is below "
                        f"min_confidence {min_confidence:.2f})", v.confidence)
        out[path] = v
    return out


def verify_drift(request: Request, config: VerifyConfig) -> Verification:
    """Judge ``request.scope.drift`` (never the forbidden paths) in one call.

    Raises VerifyUnavailable, with a one-line reason, when no verdict can be had within
    ``config.timeout_s``: offline, no key, network or API errors, a malformed reply.
    """
    if os.environ.get("PLANSCOPE_OFFLINE") == "1":
        raise VerifyUnavailable("PLANSCOPE_OFFLINE=1 is set, so no model is called")
    start = time.monotonic()
    deadline = start + config.timeout_s
    from checker.verify import cache, diff, prompt, providers, reply
    from checker.verify.progress import Progress

    drifted = request.scope.drift
    provider = providers.make(config, request.root)
    if not drifted:
        return Verification(provider.name, provider.model, ())
    files = diff.collect(request.root, request.diff_revs, request.cached, drifted,
                         config.secret_paths, config.max_diff_bytes)
    built = prompt.build(request.plan, request.slices, request.scope, files,
                         config.max_diff_bytes)
    key = cache.key(provider.name, config.model,
                    config.command if provider.name == "command" else None, built)
    hit = None if request.no_cache else cache.load(request.root, key)
    if hit is not None:
        # a cache hit spends no tokens: the counts say what this run used
        result = replace(hit, elapsed_s=time.monotonic() - start, input_tokens=0,
                         output_tokens=0)
    else:
        payload = prompt.command_request(built, request.plan, request.scope, config.model)
        progress = Progress(providers.describe(len(drifted), provider.model), config.timeout_s)
        answer = providers.call_within(provider, built, payload, deadline, config.timeout_s,
                                       progress)
        verdicts = reply.parse(answer.data, provider.model)
        result = Verification(provider.name, provider.model, verdicts, cached=False, calls=1,
                              elapsed_s=time.monotonic() - start,
                              input_tokens=answer.input_tokens,
                              output_tokens=answer.output_tokens)
        cache.store(request.root, key, result)
    final = final_verdicts([t.path for t in drifted], result, config.min_confidence)
    cache.log(request.root, key, {
        "plan": request.plan.path,
        "slice": "+".join(s.id for s in request.slices),
        "diff": "staged" if request.cached else "..".join(request.diff_revs),
        "provider": result.provider,
        "model": result.model,
        "cached": result.cached,
        "min_confidence": config.min_confidence,
    }, list(final.values()))
    return result
