"""What the split between planner, executor and reviewers costs, per plan and per slice:
the model calls of ``.git/planscope/calls.jsonl`` (provider, model, tokens, wall time; cost
from the config's ``prices``), and the plan-to-merge lead time: from the commit that added
the plan to the newest commit of the range that claims it (or the slice)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from checker import state
from checker.git import revs
from checker.history import stats
from checker.record import asdict, record
from checker.rules.config import Config

CALL_LOG = "calls.jsonl"  # written by checker.model.ask


@record
class Spend:
    key: str
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    model_seconds: float = 0.0
    cost: float | None = None  # None: no price known for the models called
    lead_time_days: float | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = asdict(self)
        out["model_seconds"] = round(self.model_seconds, 3)
        out["cost"] = None if self.cost is None else round(self.cost, 4)
        return out


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _keys(about: str, by: str) -> list[str]:
    """The groups a call counts in: each plan (by plan) or slice (by slice) it was about."""
    refs = about.split() or ["(no plan)"]
    if by == "plan":
        return list(dict.fromkeys(r.partition("#")[0] for r in refs))
    out = []
    for r in refs:
        plan, _, slices = r.partition("#")
        out += [f"{plan}#{s}" for s in slices.split("+")] if slices else [f"{plan}#(plan review)"]
    return out


def spending(root: Path, config: Config, by: str, since: str | None) -> dict[str, Spend]:
    """The model calls since ``since`` (ISO 8601; None: all), grouped by plan or slice."""
    prices = {m: (i, o) for m, i, o in config.prices}
    out: dict[str, Spend] = {}
    for call in state.read_log(root, CALL_LOG):
        if since is not None and str(call.get("at", "")) < since:
            continue
        for key in _keys(str(call.get("about", "")), by):
            s = out.setdefault(key, Spend(key))
            s.calls += 1
            tokens_in, tokens_out = _int(call.get("input_tokens")), _int(call.get("output_tokens"))
            s.input_tokens += tokens_in
            s.output_tokens += tokens_out
            seconds = call.get("elapsed_s")
            s.model_seconds += float(seconds) if isinstance(seconds, (int, float)) else 0.0
            price = prices.get(str(call.get("model", "")))
            if price is not None:
                s.cost = (s.cost or 0.0) + (tokens_in * price[0] + tokens_out * price[1]) / 1e6
    return out


def lead_times(root: Path, claimed: Sequence[tuple[str, str, str]], by: str
               ) -> dict[str, float]:
    """Plan-to-merge lead time in days: from the commit that added the plan file to the
    newest claiming commit of ``claimed`` ((plan, slice id, author date ISO) each)."""
    newest: dict[str, str] = {}
    for plan, slice_id, date in claimed:
        key = plan if by == "plan" else f"{plan}#{slice_id}"
        newest[key] = max(newest.get(key, ""), date)
    added: dict[str, datetime.datetime | None] = {}
    out = {}
    for key, date in newest.items():
        plan = key.partition("#")[0]
        if plan not in added:
            added[plan] = stats.parse_when(revs.added_date(root, plan))
        start, end = added[plan], stats.parse_when(date)
        if start is not None and end is not None and end >= start:
            out[key] = round((end - start).total_seconds() / 86400, 2)
    return out
