"""The executor's brief: what one slice asks for, in words an executor (a model, a script, a
person) acts on, as Markdown or JSON; and a marked section of a file kept up to date with it.

The brief says what to build (the slice's title and notes, the plan's summary and
assumptions), the files to create, modify and delete, what else may change, the tests to
write, what must never change (every forbid rule that holds for this slice, with where it is
written), the slices to land first, the rules of the work, and the ``Plan:`` trailer.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from checker.plan import Plan, Slice
from checker.resolve import TRAILER

BEGIN = "<!-- planscope brief: begin (written by `planscope brief`; edit the plan instead) -->"
END = "<!-- planscope brief: end -->"
RULES = (
    "Change only the files this brief lists (create, modify, delete, also allowed). A "
    "change anywhere else is drift: the commit hooks and the pull request check refuse it.",
    "Never touch a forbidden path, whatever the reason.",
    "Make no design decision the plan does not make; stop and say so when the plan is wrong "
    "or silent, instead of working around it.",
    "Write the tests the brief lists.",
)


@dataclass(frozen=True)
class Forbid:
    pattern: str
    source: str  # where the rule is written: "forbid of plans/x.yaml", "forbid in .planscope.yaml"


@dataclass(frozen=True)
class Brief:
    ref: str  # plans/x.yaml#slice
    plan_title: str
    title: str
    status: str
    summary: str
    notes: str
    assumptions: tuple[str, ...]
    create: tuple[str, ...]
    modify: tuple[str, ...]
    delete: tuple[str, ...]
    allow: tuple[str, ...]
    tests: tuple[tuple[str, str], ...]  # (path, what it covers)
    forbid: tuple[Forbid, ...]
    depends_on: tuple[tuple[str, str, str], ...]  # (slice id, title, status)
    rules: tuple[str, ...]

    @property
    def trailer(self) -> str:
        return f"{TRAILER}: {self.ref}"


def build(plan: Plan, s: Slice, forbids: Sequence[tuple[str, Sequence[str]]]) -> Brief:
    """The brief of slice ``s``; ``forbids`` is every (source, patterns) group that holds for
    every change (config, plans not done); this plan's and the slice's own are added."""
    groups = [*forbids, (f"forbid of {plan.path}", plan.forbid),
              (f"forbid of {plan.path}#{s.id}", s.forbid)]
    seen: dict[str, Forbid] = {}
    for source, patterns in groups:
        for p in patterns:
            seen.setdefault(p, Forbid(p, source))
    by_id = {x.id: x for x in plan.slices}
    return Brief(
        ref=f"{plan.path}#{s.id}", plan_title=plan.title, title=s.title, status=s.status,
        summary=plan.summary.strip(), notes=s.notes.strip(), assumptions=plan.assumptions,
        create=s.create, modify=s.modify, delete=s.delete, allow=s.allow,
        tests=tuple((t.path, t.covers) for t in s.tests), forbid=tuple(seen.values()),
        depends_on=tuple((d, by_id[d].title, by_id[d].status) for d in s.depends_on),
        rules=RULES,
    )


def _list(title: str, items: Sequence[str]) -> list[str]:
    return [f"### {title}", "", *(f"- `{i}`" for i in items), ""] if items else []


def markdown(b: Brief) -> str:
    """The brief as Markdown, between the markers ``--write`` looks for."""
    lines = [BEGIN, f"## Brief: {b.title} (`{b.ref}`)", "",
             f"Part of the plan **{b.plan_title}**. Slice status: {b.status}.", ""]
    if b.summary:
        lines += ["### Why", "", b.summary, ""]
    if b.notes:
        lines += ["### What to build", "", b.notes, ""]
    if b.assumptions:
        lines += ["### What the plan assumes (stop and say so if one is wrong)", "",
                  *(f"- {a}" for a in b.assumptions), ""]
    lines += _list("Files to create", b.create)
    lines += _list("Files to modify", b.modify)
    lines += _list("Files to delete", b.delete)
    lines += _list("Also allowed to change (incidental)", b.allow)
    if b.tests:
        lines += ["### Tests to write", "",
                  *(f"- `{p}`" + (f": {c}" if c else "") for p, c in b.tests), ""]
    if b.forbid:
        lines += ["### Never touch", "",
                  *(f"- `{f.pattern}` ({f.source})" for f in b.forbid), ""]
    if b.depends_on:
        lines += ["### Lands after", "",
                  *(f"- `{i}`: {t} ({st})" for i, t, st in b.depends_on), ""]
    lines += ["### Rules", "", *(f"- {r}" for r in b.rules),
              f"- Put this trailer on every commit: `{b.trailer}`", "", END]
    return "\n".join(lines) + "\n"


def to_json(b: Brief) -> str:
    doc = asdict(b)
    doc["tests"] = [{"path": p, "covers": c} for p, c in b.tests]
    doc["depends_on"] = [{"slice": i, "title": t, "status": st} for i, t, st in b.depends_on]
    doc["trailer"] = b.trailer
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def replace_section(text: str, section: str) -> tuple[str, str]:
    """``text`` with its brief section (from ``BEGIN`` to ``END``) replaced by ``section``,
    or ``section`` appended when it has none; and what was done: "updated", "added" or
    "unchanged". Everything outside the markers is kept byte for byte."""
    start = text.find(BEGIN)
    end = text.find(END, start) if start >= 0 else -1
    if start >= 0 and end >= 0:
        stop = end + len(END)
        if text[stop:stop + 1] == "\n":
            stop += 1
        new = text[:start] + section + text[stop:]
        return new, "unchanged" if new == text else "updated"
    if start >= 0:
        raise ValueError(f"has the line '{BEGIN}' but no '{END}' after it")
    glue = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
    return text + glue + section, "added"
