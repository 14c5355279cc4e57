"""planscope stats as a table, one JSON object, CSV, or for GitHub (the table in the job summary
too)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence

from checker import errors
from checker.history.spend import Spend
from checker.history.stats import Row
from checker.record import asdict

COLUMNS = ("commits", "changed", "in_scope", "drift", "forbidden", "incidental", "unclaimed",
           "plan_edits_after_claim", "untouched_done", "unreadable", "guard_refusals")


def as_text(by: str, rows: Sequence[Row], total: Row) -> str:
    width = max([len(r.key) for r in rows] + [len(by), 5])
    head = (f"{by:<{width}}  commits  changed  in scope  drift  forbidden  incidental  "
            f"unclaimed  plan edits  refused  drift rate")
    lines = [head]
    for r in [*rows, total]:
        rate = r.rates()["drift"] + r.rates()["forbidden"]
        shown = f"{rate:.1%}" if r.claimed else "-"
        lines.append(f"{r.key:<{width}}  {r.commits:>7}  {r.changed:>7}  {r.in_scope:>8}  "
                     f"{r.drift:>5}  {r.forbidden:>9}  {r.incidental:>10}  {r.unclaimed:>9}  "
                     f"{r.plan_edits_after_claim:>10}  {r.guard_refusals:>7}  {shown:>10}")
    if any(r.untouched_done for r in rows):
        lines += [f"planned files of done slices never touched: {r.key}: {r.untouched_done}"
                  for r in rows if r.untouched_done]
    return errors.text(lines)


def as_json(by: str, rows: Sequence[Row], total: Row, spent: Sequence[Spend] = ()) -> str:
    def one(r: Row) -> dict[str, object]:
        return {**asdict(r), "rates": r.rates()}

    doc: dict[str, object] = {"by": by, "groups": [one(r) for r in rows], "total": one(total)}
    if by in ("plan", "slice"):
        doc["spend"] = [s.as_dict() for s in spent]
    return json.dumps(doc, indent=2) + "\n"


def spend_text(spent: Sequence[Spend]) -> str:
    """Model calls and lead time per plan or slice, under the table, once the range has
    model calls (JSON always has them)."""
    if not any(s.calls for s in spent):
        return ""
    width = max([len(s.key) for s in spent] + [len("model calls and lead time")])
    lines = ["", f"{'model calls and lead time':<{width}}  calls  tokens in  tokens out  "
                 f"model time      cost  plan-to-merge"]
    for s in spent:
        cost = "-" if s.cost is None else f"{s.cost:.4f}"
        lead = "-" if s.lead_time_days is None else f"{s.lead_time_days:g} days"
        lines.append(f"{s.key:<{width}}  {s.calls:>5}  {s.input_tokens:>9}  "
                     f"{s.output_tokens:>10}  {s.model_seconds:>9.1f}s  {cost:>8}  {lead}")
    return errors.text(lines)


def as_csv(by: str, rows: Sequence[Row], total: Row) -> str:
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow([by, *COLUMNS, "drift_rate"])
    for r in [*rows, total]:
        out.writerow([cell(r.key), *(getattr(r, c) for c in COLUMNS), r.rates()["drift"]])
    return buf.getvalue()


def cell(text: str) -> str:
    """A text cell a spreadsheet reads as text: one that starts like a formula (``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading ``'``, as OWASP advises
    for CSV files."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def as_github(by: str, rows: Sequence[Row], total: Row, env: Mapping[str, str]) -> str:
    """The table as Markdown in the job summary, and as text in the log."""
    from checker.render.github import append_env_file
    from checker.render.github_summary import discipline_line
    from checker.render.markdown import md_text

    head = ["planscope stats", by, "commits", "changed", "in scope", "drift", "forbidden",
            "incidental", "no claim", "plan edits", "refused"]
    lines = [f"## planscope stats by {by}", "", discipline_line(rows, total), "",
             "| " + " | ".join(head[1:]) + " |", "|" + "---|" * (len(head) - 1)]
    for r in [*rows, total]:
        lines.append("| " + " | ".join([md_text(r.key), *(str(v) for v in (
            r.commits, r.changed, r.in_scope, r.drift, r.forbidden, r.incidental, r.unclaimed,
            r.plan_edits_after_claim, r.guard_refusals))]) + " |")
    append_env_file(env, "GITHUB_STEP_SUMMARY", "\n".join(lines) + "\n")
    return as_text(by, rows, total)
