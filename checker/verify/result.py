"""What a verification pass produces: one verdict per path, and how it was obtained."""

from __future__ import annotations

from dataclasses import dataclass

INCIDENTAL = "incidental"
DRIFT = "drift"
VERDICTS = (INCIDENTAL, DRIFT)


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
    input_tokens: int = 0
    output_tokens: int = 0
