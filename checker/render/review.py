"""``planscope review`` results as text, one JSON object, or for the GitHub Action."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING

from checker import errors
from checker.errors import Outcome, PlanscopeError
from checker.render import github
from checker.render.markdown import md_code, md_text
from checker.render.text import display

if TYPE_CHECKING:
    from checker.judge.change_review import Result
from checker.model.review_prompt import BLOCKER, MAJOR, MINOR, Finding


def _where(f: Finding) -> str:
    if f.path is None:
        return ""
    return display(f.path) + (f":{f.line}" if f.line else "") + ": "


def headline(r: Result) -> str:
    status = "ok" if r.exit_code == errors.OK else "FAIL"
    s = r.scope
    return (f"planscope review: {status}: {r.span.label} against {r.claim.ref} (from "
            f"{r.claim.source}): {len(s.changed)} changed, {len(s.drift)} drift, "
            f"{len(s.forbidden)} forbidden")


def verdict_line(r: Result) -> str | None:
    m, a = r.model, r.answer
    if m is None or a is None:
        return None
    said = "matches the plan" if m.matches_plan else "does NOT match the plan"
    how = "cached" if a.cached else f"{a.elapsed_s:.1f}s"
    return f"model: {said} (confidence {m.confidence:.2f}; {a.model}, {how})"


def as_text(r: Result) -> Outcome:
    lines = [headline(r)]
    said = verdict_line(r)
    if said:
        lines.append(f"  {said}")
    for f in r.findings:
        lines.append(f"  {f.severity:<8} [{f.source}] {_where(f)}{f.message}")
    if r.model:
        lines += [f"  missing test: {t}" for t in r.model.missing_tests]
        lines += [f"  unplanned:    {t}" for t in r.model.unplanned_changes]
    lines += [f"  {n}" for n in r.notes]
    return Outcome(r.exit_code, errors.text(lines), errors.error_text(r.error) if r.error else "")


def as_json(r: Result) -> Outcome:
    s, m, a = r.scope, r.model, r.answer
    doc = {
        "ok": r.exit_code == errors.OK,
        "exit_code": r.exit_code,
        "target": r.span.label,
        "plan": r.plan.path,
        "slice": "+".join(x.id for x in r.claim.slices),
        "claimed_by": r.claim.source,
        "changed": [t.path for t in s.changed],
        "in_scope": [t.path for t in s.in_scope],
        "drift": [{"path": t.path, "status": t.status} for t in s.drift],
        "forbidden": [t.path for t in s.forbidden],
        "untouched": list(s.untouched),
        "missing_test_files": list(r.missing_test_files),
        "review": None if m is None else {
            "matches_plan": m.matches_plan,
            "confidence": m.confidence,
            "findings": [f.to_json() for f in m.findings],
            "missing_tests": list(m.missing_tests),
            "unplanned_changes": list(m.unplanned_changes),
        },
        "findings": [f.to_json() for f in r.findings],
        "verification": None if a is None else {
            "provider": a.provider, "model": a.model, "cached": a.cached, "calls": a.calls,
            "elapsed_s": round(a.elapsed_s, 3), "input_tokens": a.input_tokens,
            "output_tokens": a.output_tokens,  # what this run used: none on a cache hit
        },
        "error": r.error,
        "notes": r.notes,
    }
    return Outcome(r.exit_code, json.dumps(doc) + "\n")


_LEVEL = {BLOCKER: "error", MAJOR: "warning", MINOR: "notice"}


def result_word(r: Result) -> str:
    if r.error:
        return "unverified"
    if any(f.severity == BLOCKER for f in r.findings):
        return "blocker"
    if r.exit_code != errors.OK:
        return "mismatch"
    return "pass"


def github_summary(r: Result) -> str:
    word = {"pass": "✅ matches the plan", "mismatch": "❌ does not match the plan",
            "blocker": "⛔ blocker found", "unverified": "⚠️ review unavailable"}[result_word(r)]
    lines = [f"## planscope review: {word}", "",
             f"{md_text(r.span.label)} against {md_code(r.claim.ref)}.", ""]
    said = verdict_line(r)
    if said:
        lines += [md_text(said), ""]
    if r.findings:
        lines += ["| severity | source | where | finding |", "|---|---|---|---|"]
        for f in r.findings:
            where = md_code(f.path + (f":{f.line}" if f.line else ""), table=True) \
                if f.path else ""
            lines.append(f"| {f.severity} | {f.source} | {where} | {md_text(f.message)} |")
        lines.append("")
    if r.model:
        lines += [f"- missing test: {md_text(t)}" for t in r.model.missing_tests]
        lines += [f"- unplanned: {md_text(t)}" for t in r.model.unplanned_changes]
        lines.append("")
    lines += [f"- {md_text(n)}" for n in r.notes]
    if r.error:
        lines.append(f"- {md_text(r.error)}")
    return "\n".join(lines).rstrip() + "\n"


def as_github(r: Result, env: Mapping[str, str]) -> Outcome:
    """Annotations (blocker: error, major: warning, minor: notice), the text report in the
    log where nothing from the diff can act as a workflow command, the step summary, and the
    outputs ``result`` (pass | mismatch | blocker | unverified) and ``finding-count``."""
    said = as_text(r)
    token = secrets.token_hex(16)
    lines = [f"::group::{github.escape_data(headline(r))}", f"::stop-commands::{token}",
             *said.stdout.splitlines(), *said.stderr.splitlines(), f"::{token}::",
             "::endgroup::"]
    lines += [github.command(_LEVEL[f.severity], f.message, file=f.path, line=f.line,
                             title=f"planscope review: {f.severity}") for f in r.findings]
    if r.error:
        lines.append(github.command("error", r.error, title="planscope review"))
    github.append_env_file(env, "GITHUB_STEP_SUMMARY", github_summary(r))
    github.append_env_file(env, "GITHUB_OUTPUT", f"result={result_word(r)}\n"
                                                 f"finding-count={len(r.findings)}\n")
    return Outcome(r.exit_code, errors.text(lines))


def github_error(exc: PlanscopeError, env: Mapping[str, str]) -> Outcome:
    """Bad input before any review: one annotation, a short summary, ``result=error``."""
    said = github.write_error(exc, env, {"result": "error", "finding-count": "0"},
                              title="planscope review")
    return Outcome(exc.exit_code, said, errors.error_text(str(exc), exc.hint))
