"""``planscope pr-body PLAN#SLICE``: a slice as a pull request description (Markdown)."""

from __future__ import annotations

from pathlib import Path

from checker import errors, resolve
from checker.config import Config
from checker.errors import Outcome
from checker.plan import Plan, Slice
from checker.resolve import TRAILER


def _code_list(title: str, paths: tuple[str, ...]) -> list[str]:
    if not paths:
        return []
    return [f"**{title}**", "", *(f"- `{p}`" for p in paths), ""]


def render(plan: Plan, s: Slice) -> str:
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
    lines += ["---", "", f"{TRAILER}: {plan.path}#{s.id}"]
    return "\n".join(lines) + "\n"


def pr_body(root: Path, config: Config, ref: str) -> Outcome:
    """Markdown for a pull request description (pipe to ``gh pr create --body-file -``)."""
    plan, slice_ = resolve.named_slice(root, config, ref)
    return Outcome(errors.OK, render(plan, slice_))
