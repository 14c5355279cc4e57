"""``planscope stats``: scope discipline over history (``checker.history.stats``), as a table,
JSON, CSV, for GitHub or as an HTML report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from checker import errors, state
from checker.errors import BadInput, Outcome
from checker.git import repository, revs
from checker.git.formats import parse_range
from checker.history import spend, stats
from checker.judge import claims
from checker.render.stats import as_csv, as_github, as_json, as_text, spend_text
from checker.rules.config import Config


def rev_args(root: Path, config: Config, base: str | None, rev_range: str | None,
             since: str | None) -> list[str]:
    """The commits to read: since the merge base with BASE, a range, or HEAD's history
    (from DATE with --since); never those before planscope's baseline."""
    if base is not None and rev_range is not None:
        raise BadInput("use one of --base and --range")
    if rev_range is None and not repository.has_commits(root):
        raise BadInput("no commits yet: stats counts commits; make the first one")
    args = [f"{revs.merge_base(root, base, 'HEAD')}..HEAD"] if base else [rev_range or "HEAD"]
    if since:
        args.append(f"--since={since}")
    if config.baseline and repository.commit_exists(root, config.baseline):
        args.append(f"^{config.baseline}")
    return args


def reaches_head(root: Path, rev_range: str | None) -> bool:
    """Whether the commits read end at HEAD (then the guard's refusals since the newest one
    count too: work in progress)."""
    if rev_range is None:
        return True
    return revs.rev_parse(root, parse_range(rev_range)[1]) == revs.rev_parse(root, "HEAD")


def html(root: Path, config: Config, args: Sequence[str], plan_filter: str | None,
         out: Path, until_now: bool = True) -> str:
    """Write the HTML report to ``out``; the line that says so."""
    from checker.render import stats_html

    facts = stats.facts(root, config, args)
    tables = {by: stats.table(root, config, args, by, plan_filter, facts, until_now)
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
    until_now = reaches_head(root, rev_range)
    if html_to is not None:
        return Outcome(errors.OK, "", html(root, config, args, plan_filter, html_to, until_now))
    facts = stats.facts(root, config, args)
    rows, total = stats.table(root, config, args, by, plan_filter, facts, until_now)
    if fmt == "github":
        return Outcome(errors.OK, as_github(by, rows, total, env or {}))
    spent = _spend(root, config, facts, by, plan_filter) if by in ("plan", "slice") else []
    if fmt == "json":
        return Outcome(errors.OK, as_json(by, rows, total, spent))
    if fmt == "csv":
        return Outcome(errors.OK, as_csv(by, rows, total))
    return Outcome(errors.OK, as_text(by, rows, total) + spend_text(spent))


def _spend(root: Path, config: Config, facts: Sequence[stats.Fact], by: str,
           plan_filter: str | None) -> list[spend.Spend]:
    """Per plan or slice of the range: its model calls since the range's oldest commit, and
    its plan-to-merge lead time."""
    dates = sorted(f.authored.date for f in facts if f.authored.date)
    found = spend.spending(root, config, by, dates[0] if dates else None)
    claimed = [(plan, slice_id, f.authored.date) for f in facts for plan, slice_id in f.works]
    for key, days in spend.lead_times(root, claimed, by).items():
        found.setdefault(key, spend.Spend(key)).lead_time_days = days
    return [s for key, s in sorted(found.items())
            if plan_filter is None or key.partition("#")[0] == plan_filter]


