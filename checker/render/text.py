"""Check results as text a person can act on."""

from __future__ import annotations

from collections.abc import Sequence

from checker import errors
from checker.pipeline import UnitResult


def short(sha: str | None) -> str:
    """A commit id as messages show it."""
    return (sha or "")[:9]


def plural(n: int, word: str) -> str:
    """``3 commits``, ``1 commit``."""
    return f"{n} {word}{'s' * (n != 1)}"


def display(path: str) -> str:
    """A path safe to print: undecodable bytes and control characters shown escaped."""
    raw = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in raw)


def unit_text(r: UnitResult) -> list[str]:
    """The report lines of one unit (its error, if any, is printed apart)."""
    head = r.unit.label
    claim = r.claim
    if claim is None or claim.plan is None or r.scope is None:
        if r.error:
            return []
        return [f"planscope: ok: {head}" + (f": {r.notes[0]}" if r.notes else ""),
                *(f"  {n}" for n in r.notes[1:])]
    s = r.scope
    status = "ok" if r.ok else "FAIL"
    lines = [f"planscope: {status}: {head} against {claim.ref} (from {claim.source}): "
             f"{len(s.in_scope)} in scope, {len(s.drift)} drift, {len(s.forbidden)} forbidden"]
    for t in s.forbidden:
        lines.append(f"  forbidden  {display(t.path)} ({t.status})")
    for t in s.drift:
        v = r.verdicts.get(t.path)
        judged = f" -> {v.verdict} ({v.confidence:.2f}): {v.reason}" if v else ""
        lines.append(f"  drift      {display(t.path)} ({t.status}){judged}")
    for p in s.untouched:
        lines.append(f"  untouched  {display(p)}")
    ver = r.verification
    if ver is not None:
        how = "cached verdicts" if ver.cached else f"{ver.calls} call, {ver.elapsed_s:.1f}s"
        lines.append(f"  verified   by {ver.provider} {ver.model} ({how})")
    lines += [f"  {n}" for n in r.notes]
    blocking = [t for t in s.drift if r.verdicts.get(t.path) is None
                or r.verdicts[t.path].verdict != "incidental"]
    if s.forbidden:
        lines.append(f"  -> forbidden paths never pass: take them out of this change "
                     f"({claim.plan.path} forbids them)")
    if blocking and not r.ok:
        slice_ids = "+".join(x.id for x in claim.slices)
        lines.append(
            f"  -> {len(blocking)} path(s) outside slice '{slice_ids}': add them to the slice in "
            f"{claim.plan.path} (files or allow), move them to a commit of their own, or, if that "
            f"commit needs no plan, give it the trailer 'Plan: none'"
        )
    return lines


def to_text(results: Sequence[UnitResult]) -> tuple[str, str]:
    """(report for stdout, error lines for stderr), each ending with a newline when not empty."""
    if not results:
        return "planscope: ok: no commits to check\n", ""
    out = errors.text(line for r in results for line in unit_text(r))
    err = "".join(errors.error_text(r.error) for r in results if r.error)
    return out, err
