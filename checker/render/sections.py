"""A branch result as rows: one per changed path under each claimed slice, merged over the
commits that touched it (the worst verdict wins). The GitHub summary and annotations are
drawn from these rows."""

from __future__ import annotations

from collections.abc import Sequence

from checker.judge.pipeline import Options, UnitResult
from checker.judge.pull_request import BranchResult
from checker.record import field, record
from checker.render.text import short
from checker.rules.config import Config

RANK = {"forbidden": 4, "plan-changed": 3, "drift": 2, "incidental": 1, "in scope": 0}


@record
class Row:
    """One changed path under one claimed slice, merged over the commits that touched it."""

    path: str
    status: str
    verdict: str  # in scope | drift | forbidden | incidental
    blocking: bool = False
    detail: str = ""
    commits: list[str] = field(default_factory=list)


@record
class Section:
    ref: str
    title: str
    sources: list[str]
    plan: str
    rows: dict[str, Row] = field(default_factory=dict)
    untouched: list[str] | None = None
    commits: list[str] = field(default_factory=list)


def _drift_blocks(r: UnitResult, cfg: Config, opts: Options) -> bool:
    """Whether this unit's drift blocks (mirrors check.Checker._on_drift)."""
    if cfg.on_drift == "warn":
        return False
    if cfg.on_drift == "block" or not opts.verify:
        return True
    if r.verification is None:
        return cfg.verify.on_error == "fail"
    return True  # per path: a verdict other than incidental blocks


def _commit_name(r: UnitResult) -> str:
    return short(r.unit.sha) if r.unit.sha else "all"


_TRAILER_OF = "'Plan:' trailer of commit "


def claimed_by(sources: Sequence[str]) -> str:
    if len(sources) > 1 and all(x.startswith(_TRAILER_OF) for x in sources):
        return "the 'Plan:' trailers of commits " + ", ".join(
            x.removeprefix(_TRAILER_OF) for x in sources)
    return "; ".join(sources)


def sections(out: BranchResult) -> list[Section]:
    by_ref: dict[str, Section] = {}
    for r in out.results:
        claim, s = r.claim, r.scope
        if claim is None or claim.plan is None or s is None:
            continue
        sec = by_ref.get(claim.ref)
        if sec is None:
            titles = " + ".join(x.title for x in claim.slices)
            sec = by_ref[claim.ref] = Section(claim.ref, f"{claim.plan.title}: {titles}",
                                              [], claim.plan.path)
        sec.commits.append(_commit_name(r))
        if claim.source not in sec.sources:
            sec.sources.append(claim.source)
        blocks = _drift_blocks(r, out.config, out.opts)
        found: list[Row] = [Row(t.path, t.status, "in scope") for t in s.in_scope]
        found += [Row(t.path, t.status, "forbidden", True,
                      f"forbidden by {r.forbid_rules.get(t.path) or claim.plan.path}")
                  for t in s.forbidden]
        for t in s.drift:
            v = r.verdicts.get(t.path)
            if v is not None and v.verdict == "incidental":
                found.append(Row(t.path, t.status, "incidental", False,
                                 f"judged incidental ({v.confidence:.2f}): {v.reason}"))
            else:
                why = f"judged drift ({v.confidence:.2f}): {v.reason}" if v else ""
                found.append(Row(t.path, t.status, "drift", blocks, why))
        for row in found:
            row.commits.append(_commit_name(r))
            have = sec.rows.get(row.path)
            if have is None:
                sec.rows[row.path] = row
                continue
            have.commits += [c for c in row.commits if c not in have.commits]
            if (RANK[row.verdict], row.blocking) > (RANK[have.verdict], have.blocking):
                have.verdict, have.blocking, have.detail = row.verdict, row.blocking, row.detail
                have.status = row.status
        untouched = list(s.untouched)
        sec.untouched = (untouched if sec.untouched is None
                         else [p for p in sec.untouched if p in untouched])
    return list(by_ref.values())
