"""A pull request description from its slices, as Markdown (``planscope pr-body``): for each
slice what to build, the files, the tests, the slices it lands after, the plan's assumptions
and reviews; with ``--base``, what the change did against the slices, from the pull request
check's own judgement. It ends with one ``Plan:`` line per slice, so that a squash commit
made from the description keeps every claim (several trailers claim the union of their
slices). Paths and text a change wrote are shown as inert Markdown."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from checker.judge.claims import TRAILER
from checker.judge.pull_request import BranchResult, result_word
from checker.render.markdown import md_code, md_text
from checker.render.text import display
from checker.rules.globlint import literal
from checker.rules.plan import Plan, Slice
from checker.rules.scope import untouched_of

Named = tuple[Plan, Slice]
Done = Callable[[Plan, Slice], bool]


def _code_list(title: str, paths: Sequence[str]) -> list[str]:
    if not paths:
        return []
    return [f"**{title}**", "", *(f"- {md_code(p)}" for p in paths), ""]


def _cell(text: str) -> str:
    """Text on one line of a table cell (the plan's own words: its Markdown stays)."""
    return " ".join(display(text).split()).replace("|", "\\|")


def did(out: BranchResult, base: str, named: Sequence[Named]) -> list[str]:
    """The "What this change did" section, from the pull request check's own judgement (each
    commit against its claim): its result word; for the commits claiming these slices, the
    paths touched in scope, the planned files not touched, the paths judged incidental with
    the verdict's reason, drift and forbidden paths; the other commits counted."""
    lines = ["### What this change did", ""]
    if out.adopted:
        return [*lines, f"{md_code(base)} has no planscope config yet: this change adopts it.",
                ""]
    if not out.results:
        return [*lines, f"No commits since the merge base with {md_code(base)}.", ""]
    lines += [f"Against {md_code(base)} (merge base `{(out.merge_base or '')[:9]}`): the pull "
              f"request check says **{result_word(out)}**.", ""]
    keys = {(p.path, s.id) for p, s in named}
    mine = [r for r in out.results if r.claim is not None
            and keys & {(p.plan.path, s.id) for p in r.claim.parts for s in p.slices}]
    others = [r for r in out.results if r not in mine]
    lines += [f"- {_cell(r.error)}" for r in out.results if r.error]
    lines += [""] if any(r.error for r in out.results) else []
    scoped = [r.scope for r in mine if r.scope is not None]
    incidental = {p: v for r in mine for p, v in r.verdicts.items() if v.verdict == "incidental"}
    touched = [t.path for sc in scoped for t in sc.changed]
    planned = tuple(p for _, s in named for p in map(literal, s.planned) if p is not None)
    lines += _code_list("Touched in scope", list(dict.fromkeys(
        t.path for sc in scoped for t in sc.in_scope)))
    lines += _code_list("Planned, not touched", untouched_of(planned, touched))
    if incidental:
        lines += ["**Incidental** (the verification pass)", "",
                  *(f"- {md_code(p)}: {_cell(v.reason)}" for p, v in incidental.items()), ""]
    lines += _code_list("Drift", list(dict.fromkeys(
        t.path for sc in scoped for t in sc.drift if t.path not in incidental)))
    lines += _code_list("Forbidden", list(dict.fromkeys(
        t.path for r in out.results if r.scope for t in r.scope.forbidden)))
    if others:
        claims = sorted({r.claim.ref if r.claim else "no plan" for r in others})
        lines += [f"Other commits: {len(others)} ({_cell(', '.join(claims))}).", ""]
    return lines


def _slice_lines(plan: Plan, s: Slice, heading: str, sub: str, landed: Done) -> list[str]:
    """The slice under ``heading``, its tests and dependencies under ``sub`` headings."""
    by_id = {x.id: x for x in plan.slices}
    lines = [heading, ""]
    if s.notes.strip():
        lines += [s.notes.strip(), ""]
    lines += _code_list("Create", s.create)
    lines += _code_list("Modify", s.modify)
    lines += _code_list("Delete", s.delete)
    lines += _code_list("Also allowed", s.allow)
    lines += _code_list("Must not touch", (*plan.forbid, *s.forbid))
    if s.tests:
        lines += [f"{sub} Tests", ""]
        lines += [f"- {md_code(t.path)}" + (f": {t.covers}" if t.covers else "")
                  for t in s.tests]
        lines.append("")
    if s.open_gaps:
        lines += [f"{sub} Open gaps in the plan", "",
                  *(f"- {md_text(g.text)} ({md_text(g.by)}, {md_text(g.time)})"
                    for g in s.open_gaps),
                  ""]
    if s.depends_on:
        lines += [f"{sub} Depends on", ""]
        for dep in s.depends_on:
            d = by_id[dep]
            state = "landed" if landed(plan, d) and d.status != "done" else d.status
            mark = "x" if state in ("done", "landed") else " "
            lines.append(f"- [{mark}] `{dep}`: {d.title} ({state})")
        lines.append("")
    return lines


def _plan_lines(plan: Plan, slices: Sequence[Slice]) -> list[str]:
    lines: list[str] = []
    if plan.summary.strip():
        lines += ["### Why", "", plan.summary.strip(), ""]
    if plan.assumed:
        relied = {a.id for s in slices for a in plan.relied_on(s)}
        which = "this slice relies on it" if len(slices) == 1 else "a slice here relies on it"
        lines += ["### Assumptions", "", *(
            f"- {f'`{a.id}` ' if a.id else ''}{a.text}"
            + (f" ({which})" if a.id in relied else "")
            for a in plan.assumed), ""]
    if plan.reviews:
        lines += ["### Plan reviews", "", "| reviewer | confidence | date | notes |",
                  "|---|---|---|---|"]
        lines += [f"| {md_text(r.reviewer)} | {r.confidence:.2f} | {md_text(r.at)} | "
                  f"{md_text(r.notes)} |" for r in plan.reviews]
        lines.append("")
    if plan.signoffs:
        lines += ["### Signed off by people", "", *(
            f"- {md_text(s.by)}, {md_text(s.time)}: {md_text(s.reason)}"
            + (f" (signs off the wrong assumption{'s' * (len(s.overrides) > 1)} "
               f"{', '.join(md_code(a) for a in s.overrides)})" if s.overrides else "")
            + (f" (unblocks slice{'s' * (len(s.unblocks) > 1)} "
               f"{', '.join(md_code(i) for i in s.unblocks)})" if s.unblocks else "")
            for s in plan.signoffs), ""]
    return lines


def _said(plan: Plan, s: Slice) -> bool:
    return s.status == "done"


def render(named: Sequence[Named], done: list[str] | None = None, landed: Done = _said) -> str:
    """The description of the slices ``named`` (each with its plan), in the order given;
    ``landed``: whether a slice is done (its commits on the default branch), for the ticks
    of the slices a slice depends on."""
    first = named[0][1]
    title = first.title if len(named) == 1 else f"{first.title} (+{len(named) - 1} more)"
    lines = [f"## {title}", ""]
    plans = list(dict.fromkeys(p for p, _ in named))
    for plan in plans:
        slices = [s for p, s in named if p is plan]
        ids = ", ".join(f"`{s.id}`" for s in slices)
        lines += [f"Part of **{plan.title}** ({md_code(plan.path)}, "
                  f"slice{'s' * (len(slices) > 1)} {ids}).", ""]
        lines += _plan_lines(plan, slices)
        for s in slices:
            if len(named) > 1:  # a heading per slice, its sections below it
                lines += _slice_lines(plan, s, f"### {s.title} (`{s.id}`)", "####", landed)
            else:
                lines += _slice_lines(plan, s, "### This slice", "###", landed)
    lines += done or []
    lines += ["---", "", *(f"{TRAILER}: {plan.path}#{s.id}" for plan, s in named)]
    return "\n".join(lines) + "\n"
