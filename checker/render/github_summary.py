"""The Markdown report the GitHub Action appends to the job summary (DESIGN §9): the result, one
table per claimed slice, changes that need no plan, rules changes and what they change, plan
changes with their diff, the verification pass and the branch's scope discipline. Text a pull
request controls is escaped as inert Markdown."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from checker.errors import PlanscopeError
from checker.event import MERGE_GROUP, PR_EVENTS
from checker.judge import adoption
from checker.judge.pull_request import BranchResult, result_word, rules_changes
from checker.record import record
from checker.render.markdown import md_block, md_code, md_text
from checker.render.sections import RANK, Section, claimed_by, sections
from checker.render.text import short

if TYPE_CHECKING:
    from checker.history import stats

MAX_TABLE_ROWS = 300
MAX_DIFF_CHARS = 30_000
MAX_SUMMARY_BYTES = 900_000  # GitHub takes at most 1 MiB per step summary


@record(frozen=True)
class Skipped:
    """Why the verification pass did not run for some drift, and what followed."""

    reason: str
    let_through: bool  # verify.on_error is pass


def verification_skipped(out: BranchResult, env: Mapping[str, str]) -> Skipped | None:
    cfg, opts = out.config, out.opts
    if cfg.on_drift != "verify" or not opts.verify:
        return None
    missed = [r for r in out.results if r.scope and r.scope.drift and r.verification is None]
    if not missed:
        return None
    said = ""  # what check.Checker recorded when verify.VerifyUnavailable was raised
    for text in (t for r in missed for t in (r.error or "", *r.notes)):
        if text.startswith("verification could not run: "):
            said = text.removeprefix("verification could not run: ")
        elif text.startswith("WARNING: verification could not run ("):
            said = text.removeprefix("WARNING: verification could not run (")
            said = said.rsplit("); drift let through", 1)[0]
        if said:
            break
    keyless = (cfg.verify.provider == "anthropic" and env.get("PLANSCOPE_OFFLINE") != "1"
               and not env.get("ANTHROPIC_API_KEY", "").strip())
    if keyless and out.event.fork:
        reason = (f"this pull request comes from a fork ({out.event.fork_name}), and GitHub "
                  f"gives workflows run for pull requests from forks no secrets, so there is "
                  f"no ANTHROPIC_API_KEY")
    elif keyless:
        reason = ("no ANTHROPIC_API_KEY: pass a repository secret as the action's "
                  "anthropic-api-key input")
    else:
        reason = said or "the verification pass could not run"
    return Skipped(reason, cfg.verify.on_error == "pass")


HEADLINES = {
    "pass": "✅ in scope",
    "drift": "❌ drift",
    "forbidden": "⛔ forbidden path",
    "plan-changed": "❌ the pull request changes its own plan",
    "rules-changed": "👀 the pull request changes the rules: a person reviews it",
    "error": "⚠️ could not check",
    "unverified": "⚠️ verification unavailable",
}


_VERDICT_CELL = {
    "in scope": "✅ in scope",
    "incidental": "🟡 incidental",
    "drift": "❌ drift",
    "forbidden": "⛔ forbidden",
}


_STATUS = {"A": "added", "M": "modified", "D": "deleted", "R": "renamed", "C": "copied",
           "T": "type changed", "U": "unmerged", "X": "unknown"}


def _context(out: BranchResult) -> str:
    ev = out.event
    commits = sum(1 for r in out.results if r.unit.sha)
    if out.base is None:
        return "Checked the changes given on the command line against the working tree's plans."
    what = (f"Pull request #{ev.number}" if ev.number is not None and ev.name in PR_EVENTS
            else "Merge group" if ev.name == MERGE_GROUP else "Changes")
    count = (f"{commits} commit{'s' * (commits != 1)}" if commits
             else "the whole diff" if out.results else "no commits")
    return (f"{what}: {count} from `{short(out.merge_base)}` to `{short(out.head)}`, judged "
            f"by the plans and config of the base commit `{short(out.base)}` (not by the pull "
            f"request's own copies).")


def _section_lines(sec: Section, named: bool) -> list[str]:
    """One claimed slice: its rows (worst first), and the planned files left untouched."""
    lines = [f"### {md_code(sec.ref)}", "",
             f"{md_text(sec.title)}; claimed by {md_text(claimed_by(sec.sources))}.", "",
             "| path | status | verdict | note |" + (" commits |" if named else ""),
             "|---" * (5 if named else 4) + "|"]
    rows = sorted(sec.rows.values(), key=lambda x: (-RANK[x.verdict], x.path))
    for row in rows[:MAX_TABLE_ROWS]:
        quiet = row.verdict == "drift" and not row.blocking
        cells = [md_code(row.path, table=True), _STATUS.get(row.status, row.status),
                 _VERDICT_CELL[row.verdict] + (" (not blocking)" if quiet else ""),
                 md_text(row.detail)]
        if named:
            cells.append(", ".join(f"`{c}`" for c in row.commits))
        lines.append("| " + " | ".join(cells) + " |")
    if len(rows) > MAX_TABLE_ROWS:
        lines.append(f"\n… and {len(rows) - MAX_TABLE_ROWS} more paths (see the log).")
    lines.append("")
    if sec.untouched:
        return [*lines, "Planned files not touched: "
                + ", ".join(md_code(p) for p in sec.untouched), ""]
    return [*lines, "Every planned file was touched.", ""]


def _note_lines(out: BranchResult) -> list[str]:
    """What the text report says of claimed commits beside their paths: slices started out
    of order, drift let through because verification could not run."""
    said = [f"- {md_text(r.unit.label)}: {md_text(n)}" for r in out.results
            if r.claim is not None and r.claim.plan is not None
            for n in r.notes if n.startswith(("out of order", "WARNING"))]
    return ["### Notes", "", *said, ""] if said else []


def _unclaimed_lines(out: BranchResult) -> list[str]:
    """Changes that need no plan, and errors."""
    lines: list[str] = []
    free = [r for r in out.results if (r.claim is None or r.claim.plan is None)
            and not r.error and r.unit.changes and r.rules_change is None]
    if free:
        lines += ["### Changes that need no plan", "",
                  *(f"- {md_text(r.unit.label)}: {md_text('; '.join(r.notes))}" for r in free),
                  ""]
    failed = [r for r in out.results if r.error]
    if failed:
        lines += ["### Errors", "", *(f"- {md_text(r.error or '')}" for r in failed), ""]
    return lines


def _rules_change_lines(out: BranchResult) -> list[str]:
    """What each commit that changes only the rules changes; the rules it brings judged
    none of the other commits here."""
    lines: list[str] = []
    for r in rules_changes(out):
        assert r.rules_change is not None
        lines += [f"### rules-changed: {md_text(r.unit.label)}", "",
                  *(f"- {md_text(said)}" for said in r.rules_change.said), "",
                  "It needs no slice; the rules it brings judge none of the other commits of "
                  "this pull request (they are judged by the base's rules). Review it as a "
                  "change of what agents may touch.", ""]
    return lines


def _plan_change_lines(out: BranchResult) -> list[str]:
    lines: list[str] = []
    for path, text in out.new_plans.items():
        lines += [f"### New plan: {md_code(path)}", "",
                  "This pull request adds the plan it claims (`plans_in_pr: allow-new`): it is "
                  "judged by the plan as written here. Read it in full:", "",
                  md_block(clip(text, MAX_DIFF_CHARS), "yaml"), ""]
    for c in out.plan_changes:
        verdict = ("**blocks**: the plan file is not in the claimed slice's scope"
                   if c.blocking else "allowed: the claimed slice's scope includes the plan file")
        lines += [f"### plan-changed: {md_code(c.plan)}", "",
                  f"This pull request changes the plan that governs "
                  f"{', '.join(md_code(x) for x in c.claims)}. It was judged by the plan as the "
                  f"base commit has it; the change {verdict}.", "",
                  "<details><summary>plan diff</summary>", "",
                  md_block(clip(c.diff, MAX_DIFF_CHARS), "diff"), "", "</details>", ""]
    return lines


def summary(out: BranchResult, env: Mapping[str, str]) -> str:
    if out.adopted:
        return (f"## planscope: ✅ being adopted\n\n{md_text(adoption.PULL_REQUEST_NOTE)}.\n\n"
                f"Changes from `{short(out.merge_base)}` to `{short(out.head)}`; the base "
                f"commit `{short(out.base)}` has no planscope config.\n")
    named = any(r.unit.sha for r in out.results)
    lines = [f"## planscope: {HEADLINES[result_word(out)]}", "", _context(out), "",
             *(line for sec in sections(out) for line in _section_lines(sec, named)),
             *_note_lines(out), *_unclaimed_lines(out), *_rules_change_lines(out),
             *_plan_change_lines(out),
             *_verification_lines(out, env), *_discipline_lines(out)]
    text = "\n".join(lines).rstrip() + "\n"
    raw = text.encode("utf-8")
    if len(raw) > MAX_SUMMARY_BYTES:
        cut = raw[:MAX_SUMMARY_BYTES].decode("utf-8", "ignore")
        text = cut + "\n\n… summary cut at GitHub's size limit; the log has the full report.\n"
    return text


def clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n… {len(text) - limit} more characters of diff not shown\n"


def _verification_lines(out: BranchResult, env: Mapping[str, str]) -> list[str]:
    cfg, opts = out.config, out.opts
    drift = any(r.scope and r.scope.drift for r in out.results)
    lines = ["### Verification", ""]
    if cfg.on_drift == "warn":
        return [*lines, "Off: `on_drift: warn` reports drift without blocking.", ""]
    if cfg.on_drift == "block":
        return [*lines, "Off: `on_drift: block`, drift blocks without a verification pass.", ""]
    if not opts.verify:
        return [*lines, "Off for this run (`verify: false` / `--no-verify`): drift blocks.", ""]
    skipped = verification_skipped(out, env)
    if skipped is not None:
        then = ("drift was let through, with a warning, because `verify.on_error` is `pass`"
                if skipped.let_through else
                "drift blocks (exit 3) because `verify.on_error` is `fail`")
        return [*lines, f"**Verification was skipped:** {md_text(skipped.reason)}. So {then}.",
                ""]
    done = [r.verification for r in out.results if r.verification is not None]
    if done:
        calls = sum(v.calls for v in done)
        cached = sum(1 for v in done if v.cached)
        return [*lines, f"Drifted paths judged by {md_code(done[0].model)} "
                        f"({calls} call{'s' * (calls != 1)}, {cached} cached).", ""]
    if not drift:
        return [*lines, "Not needed: no drift.", ""]
    return [*lines, "Not run.", ""]


DISCIPLINE_FROM = 4  # commits on the branch before the summary gets its discipline line


def _discipline_lines(out: BranchResult) -> list[str]:
    """With enough commits, one line on the branch's scope discipline (``planscope stats``
    of the pull request's commits, by executor); nothing when it cannot be read."""
    if out.root is None or len(out.results) < DISCIPLINE_FROM or not out.merge_base:
        return []
    from checker.history import stats

    try:
        rows, total = stats.table(out.root, out.config, [f"{out.merge_base}..{out.head}"],
                                  "executor")
    except PlanscopeError:
        return []
    return ["", discipline_line(rows, total)]


def discipline_line(rows: Sequence[stats.Row], total: stats.Row) -> str:
    rate = total.rates()["drift"] + total.rates()["forbidden"]
    who = ", ".join(f"{md_text(r.key)} {r.commits}" for r in rows)
    return (f"**Scope discipline on this branch:** {total.commits} commits, {total.changed} "
            f"paths changed, drift rate {rate:.1%} ({total.drift} drift, {total.forbidden} "
            f"forbidden, {total.incidental} incidental); executors: {who}.")
