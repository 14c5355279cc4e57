"""``planscope check --format github``: the GitHub Action's side of the check (DESIGN §9).

- The event payload (``$GITHUB_EVENT_PATH``): a ``pull_request`` gives the base
  (``pull_request.base.sha``), the head, the head branch and the body, whose ``Plan:`` line
  claims a slice for commits that carry no trailer (squash-merge style); a ``merge_group``
  (merge queue) gives ``merge_group.base_sha`` and ``head_sha``.
- The plans and the config are read from the base commit (``git show BASE:PATH``), never
  from the pull request: a pull request cannot widen its own scope. A pull request that
  changes a plan that governs one of its commits gets a ``plan-changed`` finding, blocking
  unless that plan file is inside the claimed slice's own scope.
- A shallow clone without the base commit (or with the pull request's history cut) is bad
  input (exit 2) whose message says to set ``fetch-depth: 0``.
- Output: workflow commands on stdout (``::error file=…``, ``::warning``, ``::group::``),
  a Markdown report appended to ``$GITHUB_STEP_SUMMARY``, and the outputs ``result`` and
  ``drift-count`` appended to ``$GITHUB_OUTPUT``.

Text that a pull request controls (paths, commit subjects, the plan diff, the verification
pass's reasons) is escaped in annotations, escaped in Markdown, and printed to the log only
between ``::stop-commands::`` and its resume token, so it cannot issue workflow commands.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from checker import check, config, errors, gitio, report
from checker.check import Options, Target, UnitResult
from checker.config import Config
from checker.errors import BadInput, PlanscopeError
from checker.scope import classify, compile_scope

PR_EVENTS = ("pull_request", "pull_request_target")
MERGE_GROUP = "merge_group"
BODY_SOURCE = "the 'Plan:' line of the pull request body"
ANNOTATIONS_PER_LEVEL = 10  # GitHub shows 10 errors and 10 warnings per step; the rest are lost
MAX_TABLE_ROWS = 300
MAX_DIFF_CHARS = 30_000
MAX_SUMMARY_BYTES = 900_000  # GitHub takes at most 1 MiB per step summary

SHALLOW_HINT = (
    "this is a shallow clone (actions/checkout fetches a single commit unless told "
    "otherwise): set 'fetch-depth: 0' on the actions/checkout step so that the base commit "
    "and every commit of the pull request are present"
)

Emit = Callable[[str], None]


# --- the event -------------------------------------------------------------------------

@dataclass(frozen=True)
class Event:
    """What planscope uses from the workflow's event payload."""

    name: str = ""  # GITHUB_EVENT_NAME; "" outside GitHub Actions
    base: str | None = None  # the sha the change is judged against
    head: str | None = None  # the sha being checked
    body_ref: str | None = None  # the pull request body's "Plan:" line
    head_branch: str | None = None  # the pull request's head branch (HEAD is detached)
    number: int | None = None
    fork: bool = False  # a pull request from another repository: it gets no secrets
    fork_name: str = ""

    @property
    def checks_a_change(self) -> bool:
        return self.base is not None


_PLAN_LINE = re.compile(r"^[ \t]*plan:[ \t]*`?([^`\s]+)`?[ \t]*$", re.IGNORECASE)
_FENCE = re.compile(r"^[ \t]*(```|~~~)")


def body_plan_ref(body: str | None) -> str | None:
    """The ``Plan: plans/x.yaml#slice`` line of a pull request body (outside code fences);
    None when there is none. Two different ones are bad input, like two trailers."""
    if not body:
        return None
    found: list[str] = []
    fenced = False
    for line in body.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        m = None if fenced else _PLAN_LINE.match(line)
        if m and m.group(1) not in found:
            found.append(m.group(1))
    if len(found) > 1:
        raise BadInput(f"the pull request body has {len(found)} different 'Plan:' lines "
                       f"({', '.join(found)}); a pull request body names one slice")
    return found[0] if found else None


def _dig(doc: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(doc, dict):
            return None
        doc = doc.get(key)
    return doc


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def read_event(env: Mapping[str, str]) -> Event:
    """The event from ``GITHUB_EVENT_NAME`` and the JSON at ``GITHUB_EVENT_PATH``; an empty
    Event for other events and outside GitHub Actions."""
    name = env.get("GITHUB_EVENT_NAME", "")
    path = env.get("GITHUB_EVENT_PATH", "")
    if name not in (*PR_EVENTS, MERGE_GROUP) or not path:
        return Event(name=name)
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BadInput(f"GITHUB_EVENT_PATH {path}: cannot read the event payload: {exc}") from None
    if name == MERGE_GROUP:
        base = _str(_dig(doc, "merge_group", "base_sha"))
        if base is None:
            raise BadInput(f"GITHUB_EVENT_PATH {path}: a merge_group event without "
                           f"merge_group.base_sha")
        return Event(name=name, base=base, head=_str(_dig(doc, "merge_group", "head_sha")))
    pr = _dig(doc, "pull_request")
    base = _str(_dig(pr, "base", "sha"))
    if base is None:
        raise BadInput(f"GITHUB_EVENT_PATH {path}: a {name} event without "
                       f"pull_request.base.sha")
    head_repo = _str(_dig(pr, "head", "repo", "full_name"))
    base_repo = _str(_dig(pr, "base", "repo", "full_name"))
    number = _dig(pr, "number")
    return Event(
        name=name,
        base=base,
        head=_str(_dig(pr, "head", "sha")),
        body_ref=body_plan_ref(_str(_dig(pr, "body"))),
        head_branch=_str(_dig(pr, "head", "ref")),
        number=number if isinstance(number, int) else None,
        fork=head_repo is None or (base_repo is not None and head_repo != base_repo),
        fork_name=head_repo or "a deleted fork",
    )


# --- the check -------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanChange:
    """A plan that governs a commit of the pull request and that the pull request changes."""

    plan: str
    claims: tuple[str, ...]  # the slice refs that were judged by it
    blocking: bool  # False when the plan file is inside the claimed slice's scope
    diff: str


@dataclass
class Outcome:
    results: list[UnitResult]
    code: int
    config: Config
    opts: Options
    event: Event
    base: str | None = None  # the commit plans and config were read from
    merge_base: str | None = None
    head: str | None = None
    plan_changes: list[PlanChange] = field(default_factory=list)


def _short(sha: str | None) -> str:
    return (sha or "")[:9]


def _history(root: Path, base_rev: str, event: Event) -> tuple[str, str, str]:
    """(base, merge base, head) commits; a shallow clone that lacks them is bad input."""
    shallow = gitio.is_shallow(root)
    try:
        base = gitio.rev_parse(root, base_rev)
    except gitio.GitError:
        if shallow:
            raise BadInput(f"the base commit {base_rev} is not in this clone: "
                           f"{SHALLOW_HINT}") from None
        raise BadInput(f"the base commit {base_rev} is not in this clone: fetch it "
                       f"(actions/checkout with 'fetch-depth: 0' fetches every branch)") from None
    if event.head is not None and not gitio.commit_exists(root, event.head):
        where = f"the head commit {event.head} of the {event.name} event is not in this clone"
        if shallow:
            raise BadInput(f"{where}: {SHALLOW_HINT}")
        raise BadInput(f"{where}: check out the pull request (actions/checkout does, on "
                       f"pull_request and merge_group events)")
    head = event.head or gitio.rev_parse(root, "HEAD")
    try:
        mb = gitio.merge_base(root, base, head)
    except gitio.GitError:
        if shallow:
            raise BadInput(f"no common ancestor of the base {_short(base)} and the head "
                           f"{_short(head)} in this clone: {SHALLOW_HINT}") from None
        raise
    if shallow:
        cut = gitio.shallow_boundary(root)
        if any(c.sha in cut for c in gitio.log(root, f"{mb}..{head}")):
            raise BadInput(f"the history between the base {_short(base)} and the head "
                           f"{_short(head)} is cut short in this clone: {SHALLOW_HINT}")
    return base, mb, head


def _plan_changes(root: Path, cfg: Config, results: Sequence[UnitResult],
                  mb: str, head: str) -> list[PlanChange]:
    changed = {p for c in gitio.diff(root, mb, head) for p in c.paths}
    claims: dict[str, list[str]] = {}
    blocking: dict[str, bool] = {}
    for r in results:
        claim = r.claim
        if claim is None or claim.plan is None or claim.plan.path not in changed:
            continue
        path = claim.plan.path
        scope = compile_scope(claim.plan, claim.slices, cfg.always_allow)
        inside = bool(classify([gitio.Change("M", path)], scope).in_scope)
        if claim.ref not in claims.setdefault(path, []):
            claims[path].append(claim.ref)
        blocking[path] = blocking.get(path, False) or not inside
    out = []
    for path, refs in claims.items():
        raw = gitio.hunks(root, mb, head, paths=[path])
        out.append(PlanChange(path, tuple(refs), blocking[path],
                              raw.decode("utf-8", "replace")))
    return out


def run(root: Path, target: Target | None, opts: Options, env: Mapping[str, str]) -> Outcome:
    """Check a pull request (or the given target) the way the action does."""
    event = read_event(env)
    base_rev = target.rev if target is not None and target.kind == "base" else None
    if target is None:
        if not event.checks_a_change:
            raise BadInput(
                "--format github checks a pull request: give --base REF, or run it on a "
                "pull_request or merge_group event (GITHUB_EVENT_NAME and GITHUB_EVENT_PATH)"
            )
        base_rev = event.base
    if base_rev is None:  # --commit / --range / --staged: plans from the working tree
        assert target is not None
        cfg = config.load(root)
        results = check.run(root, cfg, target, opts)
        return Outcome(results, check.exit_code(results), cfg, opts, event)
    base, mb, head = _history(root, base_rev, event)
    cfg = config.load_at(root, base)
    opts = replace(opts, plans_rev=base, fallback_ref=event.body_ref,
                   fallback_source=BODY_SOURCE, branch=event.head_branch)
    results = check.run(root, cfg, Target("range", f"{mb}..{head}"), opts)
    changes = _plan_changes(root, cfg, results, mb, head)
    code = check.exit_code(results)
    if any(c.blocking for c in changes):
        code = max(code, errors.DRIFT)
    return Outcome(results, code, cfg, opts, event, base, mb, head, changes)


# --- findings --------------------------------------------------------------------------

_RANK = {"forbidden": 4, "plan-changed": 3, "drift": 2, "incidental": 1, "in scope": 0}


@dataclass
class Row:
    """One changed path under one claimed slice, merged over the commits that touched it."""

    path: str
    status: str
    verdict: str  # in scope | drift | forbidden | incidental
    blocking: bool = False
    detail: str = ""
    commits: list[str] = field(default_factory=list)


@dataclass
class Section:
    ref: str
    title: str
    sources: list[str]
    plan: str
    rows: dict[str, Row] = field(default_factory=dict)
    untouched: list[str] | None = None
    commits: list[str] = field(default_factory=list)


def _drift_blocks(r: UnitResult, cfg: Config, opts: Options) -> bool:
    """Whether this unit's drift blocks (mirrors check.Checker._on_drift)."""
    if cfg.on_drift == "warn":
        return False
    if cfg.on_drift == "block" or not opts.verify:
        return True
    if r.verification is None:
        return cfg.verify.on_error == "fail"
    return True  # per path: a verdict other than incidental blocks


def _commit_name(r: UnitResult) -> str:
    return _short(r.unit.sha) if r.unit.sha else "all"


def _pattern(patterns: Sequence[str], path: str) -> str:
    import pathspec

    hit = next((p for p in patterns
                if pathspec.PathSpec.from_lines("gitignore", [p]).match_file(path)), None)
    return f" (forbid: {hit})" if hit else ""


_TRAILER_OF = "'Plan:' trailer of commit "


def claimed_by(sources: Sequence[str]) -> str:
    if len(sources) > 1 and all(x.startswith(_TRAILER_OF) for x in sources):
        return "the 'Plan:' trailers of commits " + ", ".join(
            x.removeprefix(_TRAILER_OF) for x in sources)
    return "; ".join(sources)


def sections(out: Outcome) -> list[Section]:
    by_ref: dict[str, Section] = {}
    for r in out.results:
        claim, s = r.claim, r.scope
        if claim is None or claim.plan is None or s is None:
            continue
        sec = by_ref.get(claim.ref)
        if sec is None:
            titles = " + ".join(x.title for x in claim.slices)
            sec = by_ref[claim.ref] = Section(claim.ref, f"{claim.plan.title}: {titles}",
                                              [], claim.plan.path)
        sec.commits.append(_commit_name(r))
        if claim.source not in sec.sources:
            sec.sources.append(claim.source)
        blocks = _drift_blocks(r, out.config, out.opts)
        found: list[Row] = [Row(t.path, t.status, "in scope") for t in s.in_scope]
        forbid = [*claim.plan.forbid, *(p for x in claim.slices for p in x.forbid)]
        found += [Row(t.path, t.status, "forbidden", True,
                      f"forbidden by {claim.plan.path}{_pattern(forbid, t.path)}")
                  for t in s.forbidden]
        for t in s.drift:
            v = r.verdicts.get(t.path)
            if v is not None and v.verdict == "incidental":
                found.append(Row(t.path, t.status, "incidental", False,
                                 f"judged incidental ({v.confidence:.2f}): {v.reason}"))
            else:
                why = f"judged drift ({v.confidence:.2f}): {v.reason}" if v else ""
                found.append(Row(t.path, t.status, "drift", blocks, why))
        for row in found:
            row.commits.append(_commit_name(r))
            have = sec.rows.get(row.path)
            if have is None:
                sec.rows[row.path] = row
                continue
            have.commits += [c for c in row.commits if c not in have.commits]
            if (_RANK[row.verdict], row.blocking) > (_RANK[have.verdict], have.blocking):
                have.verdict, have.blocking, have.detail = row.verdict, row.blocking, row.detail
                have.status = row.status
        untouched = list(s.untouched)
        sec.untouched = (untouched if sec.untouched is None
                         else [p for p in sec.untouched if p in untouched])
    return list(by_ref.values())


def drift_paths(out: Outcome) -> list[str]:
    """Distinct changed paths outside their slice and not judged incidental, forbidden paths
    included, plus plan files a pull request changes against the rules: ``drift-count``."""
    paths: list[str] = []
    for sec in sections(out):
        for row in sec.rows.values():
            if row.verdict in ("drift", "forbidden") and row.path not in paths:
                paths.append(row.path)
    paths += [c.plan for c in out.plan_changes if c.blocking and c.plan not in paths]
    return paths


def result_word(out: Outcome) -> str:
    """The ``result`` output: pass | drift | forbidden | plan-changed | error | unverified."""
    if out.code == errors.OK:
        return "pass"
    if out.code == errors.BAD_INPUT:
        return "error"
    if out.code == errors.VERIFY_UNAVAILABLE:
        return "unverified"
    if any(r.scope and r.scope.forbidden for r in out.results):
        return "forbidden"
    if any(c.blocking for c in out.plan_changes):
        return "plan-changed"
    return "drift"


@dataclass(frozen=True)
class Skipped:
    """Why the verification pass did not run for some drift, and what followed."""

    reason: str
    let_through: bool  # verify.on_error is pass


def verification_skipped(out: Outcome, env: Mapping[str, str]) -> Skipped | None:
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


def annotation_lines(out: Outcome, env: Mapping[str, str]) -> list[str]:
    """Every annotation, errors first; at most ten per level (what GitHub shows per step),
    the tenth saying how many more the summary lists."""
    errs: list[str] = []
    warns: list[str] = []
    notices: list[str] = []
    for r in out.results:
        if r.error:
            errs.append(command("error", r.error, title="planscope"))
        warns += [command("warning", n.removeprefix("WARNING: "), title="planscope")
                  for n in r.notes if n.startswith("WARNING")]
    for c in out.plan_changes:
        refs = ", ".join(c.claims)
        if c.blocking:
            errs.append(command(
                "error",
                f"This pull request changes {c.plan}, the plan that governs it ({refs}). "
                f"Plans are read from the base branch, so the change does not widen this pull "
                f"request's scope: merge the plan change in a pull request of its own first.",
                file=c.plan, title="planscope: plan changed"))
        else:
            notices.append(command(
                "notice",
                f"This pull request changes {c.plan}, which its slice allows ({refs}); it was "
                f"judged by the plan as the base branch has it.",
                file=c.plan, title="planscope: plan changed"))
    paths: dict[str, tuple[Row, Section]] = {}
    plan_files = {c.plan for c in out.plan_changes}
    for sec in sections(out):
        for row in sec.rows.values():
            if row.verdict == "in scope" or (row.path in plan_files and row.verdict != "forbidden"):
                continue  # a changed plan has its own annotation
            have = paths.get(row.path)
            if have is None or (_RANK[row.verdict], row.blocking) > (_RANK[have[0].verdict],
                                                                      have[0].blocking):
                paths[row.path] = (row, sec)
    for row, sec in paths.values():
        shown = report.display(row.path)
        when = _commits_phrase(row.commits)
        if row.verdict == "forbidden":
            errs.append(command(
                "error",
                f"{shown} is {row.detail}{when}. Forbidden paths never pass, "
                f"whatever the verification says: take this change out of the pull request.",
                file=row.path, title="planscope: forbidden path"))
        elif row.verdict == "drift":
            judged = f" Verification: {row.detail}." if row.detail else ""
            level = "error" if row.blocking else "warning"
            (errs if row.blocking else warns).append(command(
                level,
                f"{shown} is outside slice {sec.ref}{when}.{judged} Move it to a pull request "
                f"of its own, or widen the slice (files or allow) in {sec.plan} in a pull "
                f"request of its own first: this one is judged by the plan on its base branch.",
                file=row.path, title="planscope: drift"))
        else:
            warns.append(command(
                "warning",
                f"{shown} is outside slice {sec.ref}{when}, {row.detail}",
                file=row.path, title="planscope: incidental change"))
    if out.event.name == "pull_request_target":
        warns.append(command(
            "warning", "planscope needs no secrets and no write token: run it on pull_request, "
            "not pull_request_target, which gives a workflow both while it handles the pull "
            "request's code.", title="planscope: pull_request_target"))
    skipped = verification_skipped(out, env)
    if skipped is not None:
        then = ("drift was let through because verify.on_error is pass" if skipped.let_through
                else "drift blocks because verify.on_error is fail")
        warns.insert(0, command("warning", f"Verification was skipped: {skipped.reason}; {then}.",
                                title="planscope: verification skipped"))
    return _capped(errs, "error") + _capped(warns, "warning") + _capped(notices, "notice")


def _capped(lines: list[str], level: str) -> list[str]:
    if len(lines) <= ANNOTATIONS_PER_LEVEL:
        return lines
    keep = lines[:ANNOTATIONS_PER_LEVEL - 1]
    more = len(lines) - len(keep)
    return [*keep, command(level, f"{more} more findings of this kind: the job summary lists "
                                  f"them all.", title="planscope")]


# --- the step summary ------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~&])")


def md_text(text: str) -> str:
    """Untrusted text as inert Markdown on one line: every punctuation mark that could start
    markup is backslash-escaped (CommonMark allows it on any ASCII punctuation)."""
    return _MD_SPECIAL.sub(r"\\\1", report.display(" ".join(text.split())))


def md_code(text: str, *, table: bool = False) -> str:
    """Untrusted text as an inline code span that no backtick run inside it can close."""
    shown = report.display(text)
    if table:
        shown = shown.replace("|", "\\|")
    longest = max((len(m) for m in re.findall(r"`+", shown)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if shown.startswith("`") or shown.endswith("`") or not shown.strip() else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def md_block(text: str, info: str = "") -> str:
    longest = max((len(m) for m in re.findall(r"^[ \t]*(`{3,})", text, re.MULTILINE)),
                  default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text.rstrip()}\n{fence}"


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


def _context(out: Outcome) -> str:
    ev = out.event
    commits = sum(1 for r in out.results if r.unit.sha)
    if out.base is None:
        return "Checked the changes given on the command line against the working tree's plans."
    what = (f"Pull request #{ev.number}" if ev.number is not None and ev.name in PR_EVENTS
            else "Merge group" if ev.name == MERGE_GROUP else "Changes")
    count = (f"{commits} commit{'s' * (commits != 1)}" if commits
             else "the whole diff" if out.results else "no commits")
    return (f"{what}: {count} from `{_short(out.merge_base)}` to `{_short(out.head)}`, judged "
            f"by the plans and config of the base commit `{_short(out.base)}` (not by the pull "
            f"request's own copies).")


def summary(out: Outcome, env: Mapping[str, str]) -> str:
    lines = [f"## planscope: {_HEADLINES[result_word(out)]}", "", _context(out), ""]
    secs = sections(out)
    named = any(r.unit.sha for r in out.results)
    for sec in secs:
        lines += [f"### {md_code(sec.ref)}", "",
                  f"{md_text(sec.title)}; claimed by {md_text(claimed_by(sec.sources))}.", ""]
        head = "| path | status | verdict | note |" + (" commits |" if named else "")
        lines += [head, "|---" * (5 if named else 4) + "|"]
        rows = sorted(sec.rows.values(), key=lambda x: (-_RANK[x.verdict], x.path))
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
            lines += ["Planned files not touched: "
                      + ", ".join(md_code(p) for p in sec.untouched), ""]
        else:
            lines += ["Every planned file was touched.", ""]
    free = [r for r in out.results if r.claim is None or r.claim.plan is None]
    free = [r for r in free if not r.error and r.unit.changes]
    if free:
        lines += ["### Changes that need no plan", ""]
        lines += [f"- {md_text(r.unit.label)}: {md_text('; '.join(r.notes))}" for r in free]
        lines.append("")
    failed = [r for r in out.results if r.error]
    if failed:
        lines += ["### Errors", ""]
        lines += [f"- {md_text(r.error or '')}" for r in failed]
        lines.append("")
    for c in out.plan_changes:
        verdict = ("**blocks**: the plan file is not in the claimed slice's scope"
                   if c.blocking else "allowed: the claimed slice's scope includes the plan file")
        lines += [f"### plan-changed: {md_code(c.plan)}", "",
                  f"This pull request changes the plan that governs "
                  f"{', '.join(md_code(x) for x in c.claims)}. It was judged by the plan as the "
                  f"base commit has it; the change {verdict}.", "",
                  "<details><summary>plan diff</summary>", "",
                  md_block(_clip(c.diff, MAX_DIFF_CHARS), "diff"), "", "</details>", ""]
    lines += _verification_lines(out, env)
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


def _verification_lines(out: Outcome, env: Mapping[str, str]) -> list[str]:
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

def outputs(out: Outcome) -> dict[str, str]:
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


def _log(out: Outcome, emit: Emit) -> None:
    text, err = report.to_text(out.results)
    head = f"planscope: {result_word(out)}"
    token = secrets.token_hex(16)
    emit(f"::group::{escape_data(head)}")
    emit(f"::stop-commands::{token}")  # nothing a pull request wrote can act as a command
    for block in (text, err):
        if block:
            emit(block)
    for c in out.plan_changes:
        emit(f"plan-changed: {c.plan} ({'blocking' if c.blocking else 'allowed'})")
        emit(_clip(c.diff, MAX_DIFF_CHARS).rstrip())
    emit(f"::{token}::")
    emit("::endgroup::")


def write(out: Outcome, env: Mapping[str, str], emit: Emit) -> None:
    """Log group, annotations, step summary and outputs."""
    _log(out, emit)
    for line in annotation_lines(out, env):
        emit(line)
    append_env_file(env, "GITHUB_STEP_SUMMARY", summary(out, env))
    append_env_file(env, "GITHUB_OUTPUT", "".join(f"{k}={v}\n" for k, v in outputs(out).items()))


def write_error(exc: PlanscopeError, env: Mapping[str, str], emit: Emit) -> None:
    """Bad input before any result: one annotation, a short summary, ``result=error``."""
    message = str(exc)
    emit(command("error", message, title="planscope"))
    text = "\n".join(md_text(line) for line in message.splitlines())
    append_env_file(env, "GITHUB_STEP_SUMMARY",
                    f"## planscope: {_HEADLINES['error']}\n\n{text}\n")
    append_env_file(env, "GITHUB_OUTPUT", "result=error\ndrift-count=0\n")


def main(target: Target | None, opts: Options, emit: Emit,
         env: Mapping[str, str] | None = None) -> int:
    """``planscope check --format github``; returns the exit code. Bad input is reported to
    GitHub (annotation, summary, outputs) and raised again for the CLI to print."""
    env = os.environ if env is None else env
    try:
        root = gitio.repo_root()
        out = run(root, target, opts, env)
    except PlanscopeError as exc:
        write_error(exc, env, emit)
        raise
    write(out, env, emit)
    return out.code
