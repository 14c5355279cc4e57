"""``--format github``: what the GitHub Action shows (DESIGN §9).

Workflow commands on stdout (``::error file=…``, ``::warning``, ``::group::``), a Markdown
report appended to ``$GITHUB_STEP_SUMMARY``, and the outputs ``result`` and ``drift-count``
appended to ``$GITHUB_OUTPUT``.

Text that a pull request controls (paths, commit subjects, the plan diff, the verification
pass's reasons) is escaped in annotations, escaped in Markdown, and printed to the log only
between ``::stop-commands::`` and its resume token, so it cannot issue workflow commands.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from checker import errors
from checker.errors import BadInput, PlanscopeError
from checker.event import MERGE_GROUP, PR_EVENTS
from checker.judge import adoption
from checker.judge.pull_request import BranchResult, drift_paths, result_word
from checker.render import text as render_text
from checker.render.markdown import md_block, md_code, md_text
from checker.render.sections import RANK, Row, Section, claimed_by, sections
from checker.render.text import display, short

if TYPE_CHECKING:
    from checker.history import stats

ANNOTATIONS_PER_LEVEL = 10  # GitHub shows 10 errors and 10 warnings per step; the rest are lost
MAX_TABLE_ROWS = 300
MAX_DIFF_CHARS = 30_000
MAX_SUMMARY_BYTES = 900_000  # GitHub takes at most 1 MiB per step summary

@dataclass(frozen=True)
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


# --- workflow commands -----------------------------------------------------------------

def escape_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF escaped."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: as data, plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, *, file: str | None = None, title: str | None = None,
            line: int | None = None) -> str:
    props = []
    if file is not None:
        props.append(f"file={escape_property(file)}")
        if line is not None:
            props.append(f"line={line}")
    if title is not None:
        props.append(f"title={escape_property(title)}")
    head = f"::{level} {','.join(props)}" if props else f"::{level}"
    return f"{head}::{escape_data(message)}"


def _commits_phrase(commits: Sequence[str]) -> str:
    named = [c for c in commits if c != "all"]
    if not named:
        return ""
    return f" (commit{'s' * (len(named) > 1)} {', '.join(named)})"


Annotation = tuple[str, str]  # (level, workflow command line)


def _result_annotations(out: BranchResult) -> list[Annotation]:
    found = [("error", command("error", r.error, title="planscope"))
             for r in out.results if r.error]
    return found + [("warning", command("warning", n.removeprefix("WARNING: "), title="planscope"))
                    for r in out.results for n in r.notes if n.startswith("WARNING")]


def _plan_change_annotations(out: BranchResult) -> list[Annotation]:
    found = []
    for c in out.plan_changes:
        refs = ", ".join(c.claims)
        if c.blocking:
            text = (f"This pull request changes {c.plan}, the plan that governs it ({refs}). "
                    f"Plans are read from the base branch, so the change does not widen this "
                    f"pull request's scope: merge the plan change in a pull request of its own "
                    f"first.")
        else:
            text = (f"This pull request changes {c.plan}, which its slice allows ({refs}); it "
                    f"was judged by the plan as the base branch has it.")
        level = "error" if c.blocking else "notice"
        found.append((level, command(level, text, file=c.plan, title="planscope: plan changed")))
    return found


def _worst_rows(out: BranchResult) -> list[tuple[Row, Section]]:
    """Each path outside its slice once, with its worst verdict (a changed plan has its own
    annotation unless it is forbidden)."""
    paths: dict[str, tuple[Row, Section]] = {}
    plan_files = {c.plan for c in out.plan_changes}
    for sec in sections(out):
        for row in sec.rows.values():
            if row.verdict == "in scope" or (row.path in plan_files and row.verdict != "forbidden"):
                continue
            have = paths.get(row.path)
            if have is None or (RANK[row.verdict], row.blocking) > (RANK[have[0].verdict],
                                                                     have[0].blocking):
                paths[row.path] = (row, sec)
    return list(paths.values())


def _path_annotation(row: Row, sec: Section) -> Annotation:
    shown = display(row.path)
    when = _commits_phrase(row.commits)
    if row.verdict == "forbidden":
        return "error", command(
            "error", f"{shown} is {row.detail}{when}. Forbidden paths never pass, whatever the "
            f"verification says: take this change out of the pull request.",
            file=row.path, title="planscope: forbidden path")
    if row.verdict == "drift":
        judged = f" Verification: {row.detail}." if row.detail else ""
        level = "error" if row.blocking else "warning"
        return level, command(
            level, f"{shown} is outside slice {sec.ref}{when}.{judged} Move it to a pull request "
            f"of its own, or widen the slice (files or allow) in {sec.plan} in a pull request of "
            f"its own first: this one is judged by the plan on its base branch.",
            file=row.path, title="planscope: drift")
    return "warning", command("warning", f"{shown} is outside slice {sec.ref}{when}, "
                                         f"{row.detail}", file=row.path,
                              title="planscope: incidental change")


def _run_annotations(out: BranchResult, env: Mapping[str, str]) -> list[Annotation]:
    found = []
    skipped = verification_skipped(out, env)
    if skipped is not None:
        then = ("drift was let through because verify.on_error is pass" if skipped.let_through
                else "drift blocks because verify.on_error is fail")
        found.append(("warning", command("warning", f"Verification was skipped: "
                                                    f"{skipped.reason}; {then}.",
                                         title="planscope: verification skipped")))
    if out.event.name == "pull_request_target":
        found.append(("warning", command(
            "warning", "planscope needs no secrets and no write token: run it on pull_request, "
            "not pull_request_target, which gives a workflow both while it handles the pull "
            "request's code.", title="planscope: pull_request_target")))
    return found


def annotation_lines(out: BranchResult, env: Mapping[str, str]) -> list[str]:
    """Every annotation, errors first; at most ten per level (what GitHub shows per step),
    the tenth saying how many more the summary lists."""
    if out.adopting:
        return [command("notice", adoption.PULL_REQUEST_NOTE, title="planscope: adoption")]
    run = _run_annotations(out, env)
    found = [*_result_annotations(out), *_plan_change_annotations(out),
             *(_path_annotation(row, sec) for row, sec in _worst_rows(out))]
    skipped = [a for a in run if "verification skipped" in a[1]]
    found = skipped + found + [a for a in run if a not in skipped]
    return [line for level in ("error", "warning", "notice")
            for line in _capped([text for lv, text in found if lv == level], level)]


def _capped(lines: list[str], level: str) -> list[str]:
    if len(lines) <= ANNOTATIONS_PER_LEVEL:
        return lines
    keep = lines[:ANNOTATIONS_PER_LEVEL - 1]
    more = len(lines) - len(keep)
    return [*keep, command(level, f"{more} more findings of this kind: the job summary lists "
                                  f"them all.", title="planscope")]


# --- the step summary ------------------------------------------------------------------

_HEADLINES = {
    "pass": "✅ in scope",
    "drift": "❌ drift",
    "forbidden": "⛔ forbidden path",
    "plan-changed": "❌ the pull request changes its own plan",
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


def _unclaimed_lines(out: BranchResult) -> list[str]:
    """Changes that need no plan, and errors."""
    lines: list[str] = []
    free = [r for r in out.results if (r.claim is None or r.claim.plan is None)
            and not r.error and r.unit.changes]
    if free:
        lines += ["### Changes that need no plan", "",
                  *(f"- {md_text(r.unit.label)}: {md_text('; '.join(r.notes))}" for r in free),
                  ""]
    failed = [r for r in out.results if r.error]
    if failed:
        lines += ["### Errors", "", *(f"- {md_text(r.error or '')}" for r in failed), ""]
    return lines


def _plan_change_lines(out: BranchResult) -> list[str]:
    lines: list[str] = []
    for path, text in out.new_plans.items():
        lines += [f"### New plan: {md_code(path)}", "",
                  "This pull request adds the plan it claims (`plans_in_pr: allow-new`): it is "
                  "judged by the plan as written here. Read it in full:", "",
                  md_block(_clip(text, MAX_DIFF_CHARS), "yaml"), ""]
    for c in out.plan_changes:
        verdict = ("**blocks**: the plan file is not in the claimed slice's scope"
                   if c.blocking else "allowed: the claimed slice's scope includes the plan file")
        lines += [f"### plan-changed: {md_code(c.plan)}", "",
                  f"This pull request changes the plan that governs "
                  f"{', '.join(md_code(x) for x in c.claims)}. It was judged by the plan as the "
                  f"base commit has it; the change {verdict}.", "",
                  "<details><summary>plan diff</summary>", "",
                  md_block(_clip(c.diff, MAX_DIFF_CHARS), "diff"), "", "</details>", ""]
    return lines


def summary(out: BranchResult, env: Mapping[str, str]) -> str:
    if out.adopting:
        return (f"## planscope: ✅ being adopted\n\n{md_text(adoption.PULL_REQUEST_NOTE)}.\n\n"
                f"Changes from `{short(out.merge_base)}` to `{short(out.head)}`; the base "
                f"commit `{short(out.base)}` has no planscope config.\n")
    named = any(r.unit.sha for r in out.results)
    lines = [f"## planscope: {_HEADLINES[result_word(out)]}", "", _context(out), "",
             *(line for sec in sections(out) for line in _section_lines(sec, named)),
             *_unclaimed_lines(out), *_plan_change_lines(out), *_verification_lines(out, env),
             *_discipline_lines(out)]
    text = "\n".join(lines).rstrip() + "\n"
    raw = text.encode("utf-8")
    if len(raw) > MAX_SUMMARY_BYTES:
        cut = raw[:MAX_SUMMARY_BYTES].decode("utf-8", "ignore")
        text = cut + "\n\n… summary cut at GitHub's size limit; the log has the full report.\n"
    return text


def _clip(text: str, limit: int) -> str:
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


# --- outputs, and the whole run ----------------------------------------------------------

def outputs(out: BranchResult) -> dict[str, str]:
    return {"result": result_word(out), "drift-count": str(len(drift_paths(out)))}


def append_env_file(env: Mapping[str, str], name: str, text: str) -> None:
    path = env.get(name)
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as f:
            f.write(text)
    except OSError as exc:
        raise BadInput(f"{name} {path}: cannot write: {exc.strerror}") from None


def log_lines(out: BranchResult) -> list[str]:
    """The text report inside a log group, where nothing a pull request wrote can act as a
    workflow command."""
    text, err = render_text.to_text(out.results)
    if out.adopting:
        text = f"planscope: ok: {adoption.PULL_REQUEST_NOTE}\n"
    token = secrets.token_hex(16)
    lines = [f"::group::{escape_data(f'planscope: {result_word(out)}')}",
             f"::stop-commands::{token}", *text.splitlines(), *err.splitlines()]
    for c in out.plan_changes:
        lines.append(f"plan-changed: {c.plan} ({'blocking' if c.blocking else 'allowed'})")
        lines += _clip(c.diff, MAX_DIFF_CHARS).rstrip().splitlines()
    return [*lines, f"::{token}::", "::endgroup::"]


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


def write(out: BranchResult, env: Mapping[str, str]) -> str:
    """Appends the step summary and the outputs; returns the log group and the annotations
    (for stdout)."""
    append_env_file(env, "GITHUB_STEP_SUMMARY", summary(out, env))
    append_env_file(env, "GITHUB_OUTPUT", "".join(f"{k}={v}\n" for k, v in outputs(out).items()))
    return errors.text([*log_lines(out), *annotation_lines(out, env)])


def write_error(exc: PlanscopeError, env: Mapping[str, str], outputs: Mapping[str, str],
                title: str = "planscope") -> str:
    """Bad input before any result: a short summary and ``result=error`` (with ``outputs``);
    returns the one annotation (for stdout)."""
    message = str(exc)
    text = "\n".join(md_text(line) for line in message.splitlines())
    append_env_file(env, "GITHUB_STEP_SUMMARY", f"## {title}: {_HEADLINES['error']}\n\n{text}\n")
    append_env_file(env, "GITHUB_OUTPUT", "".join(f"{k}={v}\n" for k, v in outputs.items()))
    return command("error", message, title=title) + "\n"
