"""``planscope stats``: scope discipline over history, as a table, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path

from checker import errors, state
from checker.errors import BadInput, Outcome
from checker.git import repository, revs
from checker.history import stats
from checker.history.stats import Row
from checker.judge import claims
from checker.rules.config import Config

COLUMNS = ("commits", "changed", "in_scope", "drift", "forbidden", "incidental", "unclaimed",
           "plan_edits_after_claim", "untouched_done", "unreadable", "guard_refusals")


def rev_args(root: Path, config: Config, base: str | None, rev_range: str | None,
             since: str | None) -> list[str]:
    """The commits to read: since the merge base with BASE, a range, or HEAD's history
    (from DATE with --since); never those before planscope's baseline."""
    if base is not None and rev_range is not None:
        raise BadInput("use one of --base and --range")
    args = [f"{revs.merge_base(root, base, 'HEAD')}..HEAD"] if base else [rev_range or "HEAD"]
    if since:
        args.append(f"--since={since}")
    if config.baseline and repository.commit_exists(root, config.baseline):
        args.append(f"^{config.baseline}")
    return args


def _text(by: str, rows: Sequence[Row], total: Row) -> str:
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


def _json(by: str, rows: Sequence[Row], total: Row) -> str:
    def one(r: Row) -> dict[str, object]:
        return {**asdict(r), "rates": r.rates()}

    return json.dumps({"by": by, "groups": [one(r) for r in rows], "total": one(total)},
                      indent=2) + "\n"


def _csv(by: str, rows: Sequence[Row], total: Row) -> str:
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow([by, *COLUMNS, "drift_rate"])
    for r in [*rows, total]:
        out.writerow([r.key, *(getattr(r, c) for c in COLUMNS), r.rates()["drift"]])
    return buf.getvalue()


def html(root: Path, config: Config, args: Sequence[str], plan_filter: str | None,
         out: Path) -> str:
    """Write the HTML report to ``out``; the line that says so."""
    from checker.render import stats_html

    facts = stats.facts(root, config, args)
    tables = {by: stats.table(root, config, args, by, plan_filter, facts)
              for by in ("week", "executor", "plan", "slice")}
    text = stats_html.page(f"Scope discipline: {root.name}", tables["week"][0],
                           tables["executor"][0], tables["plan"][0], tables["slice"][0],
                           tables["plan"][1], stats.top_drifted(
                               [f for f in facts if plan_filter in (None, f.plan)]))
    try:
        state.atomic_write(out, text, mode=0o644)
    except OSError as exc:
        raise BadInput(f"{out}: cannot write the report: {exc.strerror}") from None
    return f"planscope: wrote {out} ({tables['plan'][1].commits} commits)\n"


def run(root: Path, config: Config, base: str | None, rev_range: str | None,
        since: str | None, plan: str | None, by: str, fmt: str,
        html_to: Path | None = None, env: Mapping[str, str] | None = None) -> Outcome:
    if by not in stats.GROUPS:
        raise BadInput(f"--by {by}: one of {', '.join(stats.GROUPS)}")
    plan_filter = claims.repo_relative(root, plan) if plan else None
    args = rev_args(root, config, base, rev_range, since)
    if html_to is not None:
        return Outcome(errors.OK, "", html(root, config, args, plan_filter, html_to))
    rows, total = stats.table(root, config, args, by, plan_filter)
    if fmt == "github":
        return Outcome(errors.OK, _github(by, rows, total, env or {}))
    render = {"json": _json, "csv": _csv}.get(fmt, _text)
    return Outcome(errors.OK, render(by, rows, total))


def _github(by: str, rows: Sequence[Row], total: Row, env: Mapping[str, str]) -> str:
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
    return _text(by, rows, total)
