"""The verification pass: judge each non-forbidden drifted path incidental or drift.

This is the seam the checker calls (DESIGN §7). The model providers are not built
yet: ``verify_drift`` says so by raising VerifyUnavailable, which the checker
handles like any other unavailable pass (``verify.on_error``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from checker.config import VerifyConfig
from checker.errors import VerifyUnavailable
from checker.plan import Plan, Slice
from checker.scope import ScopeResult


@dataclass(frozen=True)
class Verdict:
    path: str
    verdict: str  # "incidental" | "drift"
    reason: str
    confidence: float


@dataclass(frozen=True)
class Verification:
    provider: str
    model: str
    verdicts: tuple[Verdict, ...]
    cached: bool = False
    calls: int = 0
    elapsed_s: float = 0.0


@dataclass(frozen=True)
class Request:
    """Everything one verification call needs; ``diff_revs``/``cached`` re-read the hunks."""

    root: Path
    plan: Plan
    slices: Sequence[Slice]
    scope: ScopeResult
    diff_revs: tuple[str, ...]
    cached: bool


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
    """Judge ``request.scope.drift`` (never the forbidden paths) in one call."""
    if os.environ.get("PLANSCOPE_OFFLINE") == "1":
        raise VerifyUnavailable("PLANSCOPE_OFFLINE=1 is set, so no model is called")
    raise VerifyUnavailable(
        f"the verification pass ({config.provider}) is not built into this version of planscope"
    )
