"""``planscope pr-body PLAN#SLICE [--base REF]``: a slice as a pull request description
(Markdown); with ``--base``, what the change did against the slice, from the same result
as ``check --base REF --plan PLAN#SLICE``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from checker import errors, resolve
from checker.config import Config
from checker.errors import Outcome
from checker.plan import Plan, Slice
from checker.resolve import TRAILER

if TYPE_CHECKING:
    from checker.branch import BranchResult


def _code_list(title: str, paths: tuple[str, ...]) -> list[str]:
    if not paths:
        return []
    return [f"**{title}**", "", *(f"- `{p}`" for p in paths), ""]


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def did(out: BranchResult, base: str) -> list[str]:
    """The "What this change did" section: touched, planned but untouched, incidental with
    the verdict's reason, drift, forbidden, and the pull request check's result."""
    from checker.branch import result_word

    lines = ["### What this change did", ""]
    if out.adopting:
        return [*lines, f"`{base}` has no planscope config yet: this change adopts it.", ""]
    lines += [f"Against `{base}` (merge base `{(out.merge_base or '')[:9]}`): the pull request "
              f"check says **{result_word(out)}**.", ""]
    for r in out.results:
        if r.error:
            lines += [f"- {_cell(r.error)}", ""]
        if r.scope is None:
            continue
        incidental = {p: v for p, v in r.verdicts.items() if v.verdict == "incidental"}
        drift = [t.path for t in r.scope.drift if t.path not in incidental]
        lines += _code_list("Touched in scope", tuple(dict.fromkeys(
            t.path for t in r.scope.in_scope)))
        lines += _code_list("Planned, not touched", r.scope.untouched)
        if incidental:
            lines += ["**Incidental** (the verification pass)", "",
                      *(f"- `{p}`: {_cell(v.reason)}" for p, v in incidental.items()), ""]
        lines += _code_list("Drift", tuple(dict.fromkeys(drift)))
        lines += _code_list("Forbidden", tuple(dict.fromkeys(
            t.path for t in r.scope.forbidden)))
    return lines


def render(plan: Plan, s: Slice, done: list[str] | None = None) -> str:
    by_id = {x.id: x for x in plan.slices}
    lines = [f"## {s.title}", "", f"Part of **{plan.title}** (`{plan.path}`, slice `{s.id}`).", ""]
    if plan.summary.strip():
        lines += ["### Why", "", plan.summary.strip(), ""]
    lines += ["### This slice", ""]
    if s.notes.strip():
        lines += [s.notes.strip(), ""]
    lines += _code_list("Create", s.create)
    lines += _code_list("Modify", s.modify)
    lines += _code_list("Delete", s.delete)
    lines += _code_list("Also allowed", s.allow)
    forbidden = (*plan.forbid, *s.forbid)
    lines += _code_list("Must not touch", forbidden)
    if s.tests:
        lines += ["### Tests", ""]
        lines += [f"- `{t.path}`" + (f": {t.covers}" if t.covers else "") for t in s.tests]
        lines.append("")
    if s.depends_on:
        lines += ["### Depends on", ""]
        for dep in s.depends_on:
            d = by_id[dep]
            mark = "x" if d.status == "done" else " "
            lines.append(f"- [{mark}] `{dep}`: {d.title} ({d.status})")
        lines.append("")
    if plan.assumptions:
        lines += ["### Assumptions", "", *(f"- {a}" for a in plan.assumptions), ""]
    if plan.reviews:
        lines += [
            "### Plan reviews",
            "",
            "| reviewer | confidence | date | notes |",
            "|---|---|---|---|",
        ]
        for r in plan.reviews:
            notes = " ".join(r.notes.split()).replace("|", "\\|")
            lines.append(f"| {r.reviewer} | {r.confidence:.2f} | {r.at} | {notes} |")
        lines.append("")
    lines += done or []
    lines += ["---", "", f"{TRAILER}: {plan.path}#{s.id}"]
    return "\n".join(lines) + "\n"


def pr_body(root: Path, config: Config, ref: str, base: str | None = None) -> Outcome:
    """Markdown for a pull request description (pipe to ``gh pr create --body-file -``)."""
    plan, slice_ = resolve.named_slice(root, config, ref)
    if base is None:
        return Outcome(errors.OK, render(plan, slice_))
    from checker import branch, event
    from checker.pipeline import Options, Target

    out = branch.judge(root, Target("base", base), Options(plan_ref=f"{plan.path}#{slice_.id}"),
                       event.Event())
    return Outcome(errors.OK, render(plan, slice_, did(out, base)))
