"""``planscope pr-body PLAN#SLICE [--base REF]``: a slice as a pull request description
(Markdown); with ``--base``, what the change did against the slice, from the same judgement
as ``check --base REF`` (each commit against its own claim)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from checker import errors
from checker.errors import Outcome
from checker.judge import claims
from checker.judge.claims import TRAILER
from checker.rules.config import Config
from checker.rules.globlint import literal
from checker.rules.plan import Plan, Slice

if TYPE_CHECKING:
    from checker.judge.pull_request import BranchResult


def _code_list(title: str, paths: tuple[str, ...]) -> list[str]:
    if not paths:
        return []
    return [f"**{title}**", "", *(f"- `{p}`" for p in paths), ""]


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def did(out: BranchResult, base: str, plan: Plan, s: Slice) -> list[str]:
    """The "What this change did" section, from the pull request check's own judgement (each
    commit against its claim): its result word; for the commits claiming this slice, the
    paths touched in scope, the planned files not touched, the paths judged incidental with
    the verdict's reason, drift and forbidden paths; the other commits counted."""
    from checker.judge.pull_request import result_word
    from checker.rules.scope import untouched_of

    lines = ["### What this change did", ""]
    if out.adopting:
        return [*lines, f"`{base}` has no planscope config yet: this change adopts it.", ""]
    if not out.results:
        return [*lines, f"No commits since the merge base with `{base}`.", ""]
    lines += [f"Against `{base}` (merge base `{(out.merge_base or '')[:9]}`): the pull request "
              f"check says **{result_word(out)}**.", ""]
    mine = [r for r in out.results if r.claim is not None and r.claim.plan is not None
            and r.claim.plan.path == plan.path and s.id in {x.id for x in r.claim.slices}]
    others = [r for r in out.results if r not in mine]
    lines += [f"- {_cell(r.error)}" for r in out.results if r.error]
    lines += [""] if any(r.error for r in out.results) else []
    scoped = [r.scope for r in mine if r.scope is not None]
    incidental = {p: v for r in mine for p, v in r.verdicts.items() if v.verdict == "incidental"}
    touched = [t.path for sc in scoped for t in sc.changed]
    planned = tuple(p for p in map(literal, s.planned) if p is not None)
    lines += _code_list("Touched in scope", tuple(dict.fromkeys(
        t.path for sc in scoped for t in sc.in_scope)))
    lines += _code_list("Planned, not touched", untouched_of(planned, touched))
    if incidental:
        lines += ["**Incidental** (the verification pass)", "",
                  *(f"- `{p}`: {_cell(v.reason)}" for p, v in incidental.items()), ""]
    lines += _code_list("Drift", tuple(dict.fromkeys(
        t.path for sc in scoped for t in sc.drift if t.path not in incidental)))
    lines += _code_list("Forbidden", tuple(dict.fromkeys(
        t.path for r in out.results if r.scope for t in r.scope.forbidden)))
    if others:
        claims = sorted({r.claim.ref if r.claim else "no plan" for r in others})
        lines += [f"Other commits: {len(others)} ({', '.join(claims)}).", ""]
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
    if plan.assumed:
        relied = {a.id for a in plan.relied_on(s)}
        lines += ["### Assumptions", "", *(
            f"- {f'`{a.id}` ' if a.id else ''}{a.text}"
            + (" (this slice relies on it)" if a.id in relied else "")
            for a in plan.assumed), ""]
    if plan.reviews:
        lines += [
            "### Plan reviews",
            "",
            "| reviewer | confidence | date | notes |",
            "|---|---|---|---|",
        ]
        for r in plan.reviews:
            lines.append(f"| {r.reviewer} | {r.confidence:.2f} | {r.at} | {_cell(r.notes)} |")
        lines.append("")
    lines += done or []
    lines += ["---", "", f"{TRAILER}: {plan.path}#{s.id}"]
    return "\n".join(lines) + "\n"


def pr_body(root: Path, config: Config, ref: str, base: str | None = None) -> Outcome:
    """Markdown for a pull request description (pipe to ``gh pr create --body-file -``)."""
    plan, slice_ = claims.named_slice(root, config, ref)
    if base is None:
        return Outcome(errors.OK, render(plan, slice_))
    from checker import event
    from checker.judge import pull_request
    from checker.judge.pipeline import Options, Target

    out = pull_request.judge(root, Target("base", base), Options(), event.Event())
    return Outcome(errors.OK, render(plan, slice_, did(out, base, plan, slice_)))
