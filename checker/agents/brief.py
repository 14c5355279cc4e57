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
from pathlib import Path

from checker.judge.claims import TRAILER
from checker.record import asdict, record
from checker.rules.book import Rulebook
from checker.rules.plan import Plan, Slice
from checker.rules.ruleset import Part, RuleSet

MARKER = "<!-- planscope brief"
INERT_MARKER = "&lt;!-- planscope brief"
BEGIN = f"{MARKER}: begin (written by `planscope brief`; edit the plan instead) -->"
END = f"{MARKER}: end -->"
RULES = (
    "Change only the files this brief lists (create, modify, delete, also allowed). A "
    "change anywhere else is drift: the commit hooks and the pull request check refuse it.",
    "Never touch a forbidden path, whatever the reason.",
    "Make no design decision the plan does not make; when the plan is wrong or silent, "
    "record it with `planscope gap PLAN#SLICE \"what is missing\"` and stop, instead of "
    "working around it.",
    "Write the tests the brief lists.",
)


@record(frozen=True)
class Forbid:
    pattern: str
    source: str  # where the rule is written: "forbid of plans/x.yaml", "forbid in .planscope.yaml"


@record(frozen=True)
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
    gaps: tuple[str, ...] = ()  # the slice's open gaps
    findings: tuple[str, ...] = ()  # reviewers' findings on this slice, and their sign-offs

    @property
    def trailer(self) -> str:
        return f"{TRAILER}: {self.ref}"


def build(plan: Plan, s: Slice, rules: RuleSet) -> Brief:
    """The brief of slice ``s``, judged by ``rules`` (the slice's own, from the one builder:
    every forbid that holds for its changes, each with where it is written)."""
    seen: dict[str, Forbid] = {}
    for group in rules.forbids:
        for p in group.patterns:
            seen.setdefault(p, Forbid(p, group.origin.label))
    by_id = {x.id: x for x in plan.slices}
    return Brief(
        ref=f"{plan.path}#{s.id}", plan_title=plan.title, title=s.title, status=s.status,
        summary=plan.summary.strip(), notes=s.notes.strip(), assumptions=plan.assumptions,
        create=s.create, modify=s.modify, delete=s.delete, allow=s.allow,
        tests=tuple((t.path, t.covers) for t in s.tests), forbid=tuple(seen.values()),
        depends_on=tuple((d, by_id[d].title, by_id[d].status) for d in s.depends_on),
        rules=RULES,
        gaps=tuple(g.text for g in s.open_gaps),
        findings=_findings(plan, s),
    )


def _findings(plan: Plan, s: Slice) -> tuple[str, ...]:
    """What reviewers found wrong in the assumptions ``s`` relies on, or blocking in it, with
    the sign-off that lets the work go ahead, if any."""
    from checker.rules import handoff

    wrong = {a: who for a, who in handoff.wrong_assumptions(plan).items() if a in s.relies_on}
    blocked = handoff.latest(plan, lambda r: r.blocks).get(s.id)
    out = []
    for what, who, key in [*((f"the assumption '{a}' was found wrong", w, a)
                             for a, w in wrong.items()),
                           *([("a blocking finding on this slice", blocked, s.id)]
                             if blocked else [])]:
        signed = [o for o in plan.signoffs if key in (*o.overrides, *o.unblocks)]
        said = (f"; signed off by {signed[-1].by} ({signed[-1].time}): {signed[-1].reason}"
                if signed else "; not signed off: the hand-off refuses this slice")
        out.append(f"{what} by {', '.join(who)}{said}")
    return tuple(out)


def _code(path: str) -> str:
    """A path or pattern as inline code that shows exactly it: a backtick or a character
    that is not printable (a line separator) cannot end the span or start a new line."""
    if path.isprintable() and "`" not in path:
        return f"`{path}`"
    return f"`` {json.dumps(path, ensure_ascii=True)} ``"


def _list(title: str, items: Sequence[str]) -> list[str]:
    return [f"### {title}", "", *(f"- {_code(i)}" for i in items), ""] if items else []


def _line(text: str) -> str:
    """A title on one line, whatever the plan holds (Unicode line separators included)."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _quoted(text: str) -> list[str]:
    """The plan's own prose as a quote: a heading, a list or an open code fence in it stays
    inside the quote and cannot pass for a part of the brief."""
    return [f"> {line}".rstrip() for line in text.splitlines()] + [""]


def markdown(b: Brief) -> str:
    """The brief as Markdown, between the markers ``--write`` looks for (a marker written in
    the plan itself is made inert)."""
    lines = [f"## Brief: {_line(b.title)} (`{b.ref}`)", "",
             f"Part of the plan **{_line(b.plan_title)}**. Slice status: {b.status}.", ""]
    if b.summary:
        lines += ["### Why", "", *_quoted(b.summary)]
    if b.notes:
        lines += ["### What to build", "", *_quoted(b.notes)]
    if b.assumptions:
        lines += ["### What the plan assumes (stop and say so if one is wrong)", "",
                  *(f"- {_line(a)}" for a in b.assumptions), ""]
    if b.findings:
        lines += ["### What reviewers found (build as the sign-off says)", "",
                  *(f"- {_line(f)}" for f in b.findings), ""]
    lines += _list("Files to create", b.create)
    lines += _list("Files to modify", b.modify)
    lines += _list("Files to delete", b.delete)
    lines += _list("Also allowed to change (incidental)", b.allow)
    if b.tests:
        lines += ["### Tests to write", "",
                  *(f"- {_code(p)}" + (f": {_line(c)}" if c else "") for p, c in b.tests), ""]
    if b.forbid:
        lines += ["### Never touch", "",
                  *(f"- {_code(f.pattern)} ({f.source})" for f in b.forbid), ""]
    if b.depends_on:
        lines += ["### Lands after", "",
                  *(f"- {_code(i)}: {_line(t)} ({st})" for i, t, st in b.depends_on), ""]
    if b.gaps:
        lines += ["### Open gaps in the plan (wait for an answer)", "",
                  *(f"- {_line(g)}" for g in b.gaps), ""]
    lines += ["### Rules", "", *(f"- {r.replace('PLAN#SLICE', b.ref)}" for r in b.rules),
              f"- Put this trailer on every commit: `{b.trailer}`", ""]
    body = "\n".join(lines).replace(MARKER, INERT_MARKER)
    return f"{BEGIN}\n{body}\n{END}\n"


def to_json(b: Brief) -> str:
    doc = asdict(b)
    doc["tests"] = [{"path": p, "covers": c} for p, c in b.tests]
    doc["depends_on"] = [{"slice": i, "title": t, "status": st} for i, t, st in b.depends_on]
    doc["trailer"] = b.trailer
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def replace_section(text: str, section: str) -> tuple[str, str]:
    """``text`` with its brief section (from ``BEGIN`` to ``END``) replaced by ``section``,
    or ``section`` appended when it has none; and what was done: "updated", "added" or
    "unchanged". Everything outside the markers is kept byte for byte; a file written with
    CRLF line ends gets the section with CRLF too. ValueError when the markers are not one
    begin and one end after it."""
    crlf = "\r\n" in text
    if crlf:
        section = section.replace("\n", "\r\n")
    begins, ends = text.count(BEGIN), text.count(END)
    if begins > 1 or ends > 1:
        raise ValueError(f"has {max(begins, ends)} brief sections; keep one (planscope brief "
                         f"updates it in place)")
    start = text.find(BEGIN)
    end = text.find(END, start) if start >= 0 else -1
    if start >= 0 and end >= 0:
        stop = end + len(END)
        for newline in ("\r\n", "\n"):
            if text.startswith(newline, stop):
                stop += len(newline)
                break
        new = text[:start] + section + text[stop:]
        return new, "unchanged" if new == text else "updated"
    if start >= 0 or ends:
        raise ValueError(f"has the line '{BEGIN if start >= 0 else END}' without its pair")
    newline = "\r\n" if crlf else "\n"
    glue = ("" if not text or text.endswith(newline * 2)
            else newline if text.endswith(newline) else newline * 2)
    return text + glue + section, "added"


def for_slice(root: Path, book: Rulebook, ref: str, command: str = "brief") -> Brief:
    """The brief of ``PLAN#SLICE`` as named on the command line (to ``command``), by the
    rules of ``book``."""
    from checker.judge import claims

    plan, slice_ = claims.named_slice(root, book, ref, command)
    return build(plan, slice_, book.rules((Part(plan, (slice_,)),)))
