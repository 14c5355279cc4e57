"""``--format github``: what the GitHub Action shows (DESIGN §9).

Workflow commands on stdout (``::error file=…``, ``::warning``, ``::group::``), a Markdown
report appended to ``$GITHUB_STEP_SUMMARY``, and the outputs ``result`` and ``drift-count``
appended to ``$GITHUB_OUTPUT``.

Text that a pull request controls (paths, commit subjects, the plan diff, the verification
pass's reasons) is escaped in annotations, escaped in Markdown, and printed to the log only
between ``::stop-commands::`` and its resume token, so it cannot issue workflow commands.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence

from checker import errors
from checker.errors import BadInput, PlanscopeError
from checker.judge import adoption
from checker.judge.pull_request import BranchResult, drift_paths, result_word, rules_changes
from checker.render import text as render_text
from checker.render.github_summary import (
    HEADLINES,
    MAX_DIFF_CHARS,
    clip,
    summary,
    verification_skipped,
)
from checker.render.markdown import md_text
from checker.render.sections import RANK, Row, Section, sections
from checker.render.text import display

ANNOTATIONS_PER_LEVEL = 10  # GitHub shows 10 errors and 10 warnings per step; the rest are lost


# --- workflow commands -----------------------------------------------------------------

def escape_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF escaped."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: as data, plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, *, file: str | None = None, title: str | None = None,
            line: int | None = None) -> str:
    props = []
    if file is not None:
        props.append(f"file={escape_property(file)}")
        if line is not None:
            props.append(f"line={line}")
    if title is not None:
        props.append(f"title={escape_property(title)}")
    head = f"::{level} {','.join(props)}" if props else f"::{level}"
    return f"{head}::{escape_data(message)}"


def _commits_phrase(commits: Sequence[str]) -> str:
    named = [c for c in commits if c != "all"]
    if not named:
        return ""
    return f" (commit{'s' * (len(named) > 1)} {', '.join(named)})"


Annotation = tuple[str, str]  # (level, workflow command line)


def _result_annotations(out: BranchResult) -> list[Annotation]:
    found = [("error", command("error", r.error, title="planscope"))
             for r in out.results if r.error]
    return found + [("warning", command("warning", n.removeprefix("WARNING: "), title="planscope"))
                    for r in out.results for n in r.notes if n.startswith("WARNING")]


def _rules_change_annotations(out: BranchResult) -> list[Annotation]:
    found: list[Annotation] = []
    for r in rules_changes(out):
        assert r.rules_change is not None
        said = "; ".join(r.rules_change.said[:5])
        found.append(("notice", command(
            "notice", f"{r.unit.label} changes only planscope's rules ({said}): it needs no "
                      f"slice and asks for a person's review.", title="planscope: rules-changed")))
    return found


def _plan_change_annotations(out: BranchResult) -> list[Annotation]:
    found = []
    for c in out.plan_changes:
        refs = ", ".join(c.claims)
        if c.blocking:
            text = (f"This pull request changes {c.plan}, the plan that governs it ({refs}). "
                    f"Plans are read from the base branch, so the change does not widen this "
                    f"pull request's scope: merge the plan change in a pull request of its own "
                    f"first.")
        else:
            text = (f"This pull request changes {c.plan}, which its slice allows ({refs}); it "
                    f"was judged by the plan as the base branch has it.")
        level = "error" if c.blocking else "notice"
        found.append((level, command(level, text, file=c.plan, title="planscope: plan changed")))
    return found


def _worst_rows(out: BranchResult) -> list[tuple[Row, Section]]:
    """Each path outside its slice once, with its worst verdict (a changed plan has its own
    annotation unless it is forbidden)."""
    paths: dict[str, tuple[Row, Section]] = {}
    plan_files = {c.plan for c in out.plan_changes}
    for sec in sections(out):
        for row in sec.rows.values():
            if row.verdict == "in scope" or (row.path in plan_files and row.verdict != "forbidden"):
                continue
            have = paths.get(row.path)
            if have is None or (RANK[row.verdict], row.blocking) > (RANK[have[0].verdict],
                                                                     have[0].blocking):
                paths[row.path] = (row, sec)
    return list(paths.values())


def _path_annotation(row: Row, sec: Section) -> Annotation:
    shown = display(row.path)
    when = _commits_phrase(row.commits)
    if row.verdict == "forbidden":
        return "error", command(
            "error", f"{shown} is {row.detail}{when}. Forbidden paths never pass, whatever the "
            f"verification says: take this change out of the pull request.",
            file=row.path, title="planscope: forbidden path")
    if row.verdict == "drift":
        judged = f" Verification: {row.detail}." if row.detail else ""
        level = "error" if row.blocking else "warning"
        return level, command(
            level, f"{shown} is outside slice {sec.ref}{when}.{judged} Move it to a pull request "
            f"of its own, or widen the slice (files or allow) in {sec.plan} in a pull request of "
            f"its own first: this one is judged by the plan on its base branch.",
            file=row.path, title="planscope: drift")
    return "warning", command("warning", f"{shown} is outside slice {sec.ref}{when}, "
                                         f"{row.detail}", file=row.path,
                              title="planscope: incidental change")


def _run_annotations(out: BranchResult, env: Mapping[str, str]) -> list[Annotation]:
    found = []
    skipped = verification_skipped(out, env)
    if skipped is not None:
        then = ("drift was let through because verify.on_error is pass" if skipped.let_through
                else "drift blocks because verify.on_error is fail")
        found.append(("warning", command("warning", f"Verification was skipped: "
                                                    f"{skipped.reason}; {then}.",
                                         title="planscope: verification skipped")))
    if out.event.name == "pull_request_target":
        found.append(("warning", command(
            "warning", "planscope needs no secrets and no write token: run it on pull_request, "
            "not pull_request_target, which gives a workflow both while it handles the pull "
            "request's code.", title="planscope: pull_request_target")))
    return found


def annotation_lines(out: BranchResult, env: Mapping[str, str]) -> list[str]:
    """Every annotation, errors first; at most ten per level (what GitHub shows per step),
    the tenth saying how many more the summary lists."""
    if out.adopted:
        return [command("notice", adoption.PULL_REQUEST_NOTE, title="planscope: adoption")]
    run = _run_annotations(out, env)
    found = [*_result_annotations(out), *_plan_change_annotations(out),
             *_rules_change_annotations(out),
             *(_path_annotation(row, sec) for row, sec in _worst_rows(out))]
    skipped = [a for a in run if "verification skipped" in a[1]]
    found = skipped + found + [a for a in run if a not in skipped]
    return [line for level in ("error", "warning", "notice")
            for line in _capped([text for lv, text in found if lv == level], level)]


def _capped(lines: list[str], level: str) -> list[str]:
    if len(lines) <= ANNOTATIONS_PER_LEVEL:
        return lines
    keep = lines[:ANNOTATIONS_PER_LEVEL - 1]
    more = len(lines) - len(keep)
    return [*keep, command(level, f"{more} more findings of this kind: the job summary lists "
                                  f"them all.", title="planscope")]


# --- the step summary ------------------------------------------------------------------


# --- outputs, and the whole run ----------------------------------------------------------

def outputs(out: BranchResult) -> dict[str, str]:
    return {"result": result_word(out), "drift-count": str(len(drift_paths(out)))}


def append_env_file(env: Mapping[str, str], name: str, text: str) -> None:
    path = env.get(name)
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as f:
            f.write(text)
    except OSError as exc:
        raise BadInput(f"{name} {path}: cannot write: {exc.strerror}") from None


def log_lines(out: BranchResult) -> list[str]:
    """The text report inside a log group, where nothing a pull request wrote can act as a
    workflow command."""
    text, err = render_text.to_text(out.results)
    if out.adopted:
        text = f"planscope: ok: {adoption.PULL_REQUEST_NOTE}\n"
    token = secrets.token_hex(16)
    lines = [f"::group::{escape_data(f'planscope: {result_word(out)}')}",
             f"::stop-commands::{token}", *text.splitlines(), *err.splitlines()]
    for c in out.plan_changes:
        lines.append(f"plan-changed: {c.plan} ({'blocking' if c.blocking else 'allowed'})")
        lines += clip(c.diff, MAX_DIFF_CHARS).rstrip().splitlines()
    return [*lines, f"::{token}::", "::endgroup::"]


def write(out: BranchResult, env: Mapping[str, str]) -> str:
    """Appends the step summary and the outputs; returns the log group and the annotations
    (for stdout)."""
    append_env_file(env, "GITHUB_STEP_SUMMARY", summary(out, env))
    append_env_file(env, "GITHUB_OUTPUT", "".join(f"{k}={v}\n" for k, v in outputs(out).items()))
    return errors.text([*log_lines(out), *annotation_lines(out, env)])


def write_error(exc: PlanscopeError, env: Mapping[str, str], outputs: Mapping[str, str],
                title: str = "planscope") -> str:
    """Bad input before any result: a short summary and ``result=error`` (with ``outputs``);
    returns the one annotation (for stdout)."""
    message = str(exc)
    text = "\n".join(md_text(line) for line in message.splitlines())
    append_env_file(env, "GITHUB_STEP_SUMMARY", f"## {title}: {HEADLINES['error']}\n\n{text}\n")
    append_env_file(env, "GITHUB_OUTPUT", "".join(f"{k}={v}\n" for k, v in outputs.items()))
    return command("error", message, title=title) + "\n"
