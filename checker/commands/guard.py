"""The edit-time guard: ``planscope guard``, a Claude Code and Codex ``PreToolUse`` hook.

Claude Code runs the hook before each Edit, Write, MultiEdit and NotebookEdit call, Codex
before each ``apply_patch`` (and shell call), with a JSON object on stdin
(``checker.hookinput`` reads the files the call edits: every file of a patch, both names of a
move). The guard finds the active slice and, for each file:

- a path inside the slice's scope: exit 0, nothing printed;
- a forbidden path: refused; the reason names the slice and the forbid rule that matched;
- any other path outside the scope: refused, or allowed with a warning (``guard.mode: warn``);
- no active slice: allowed with a one-line note on stderr, or refused when
  ``guard.require_active`` is true.

Policies, in one place:

- **How a refusal is said.** Exit 2 with the reason on stderr: Claude Code's documented way
  for a PreToolUse hook to block a call, the stderr text going back to the model as the
  reason. The same decision is printed on stdout in its JSON form (``hookSpecificOutput``,
  ``permissionDecision: "deny"``). Claude Code reads that JSON only on exit 0 and ignores
  stdout on exit 2, so there it changes nothing; it is there for other hosts and for logs.
  Some Claude Code builds have let Edit/Write through despite exit 2
  (anthropics/claude-code#13744, and later reports on Windows): for those,
  ``planscope guard --deny-with json`` refuses with exit 0 and the JSON decision, which is the
  other documented way. The guard never answers ``allow``: that would skip the user's own
  permission prompts.
- **The active slice.** ``PLANSCOPE_PLAN=plans/x.yaml#slice`` in the environment, else the
  file written by ``planscope use`` (``planscope/active`` in the work tree's git directory:
  ``.git/planscope/active``, and one per linked worktree), else the branch mapping of
  DESIGN §4 (a slice's ``branch:``, or ``plan/<plan-id>/<slice-id>``).
  ``PLANSCOPE_PLAN=none`` means "no active slice".
- **Which repository.** Every work tree the edited file answers to (``checker.enclosing``):
  the one holding it, those holding that one, and ``CLAUDE_PROJECT_DIR``'s; one refusal
  refuses. Never the hook's ``cwd`` alone.
- **Which paths.** A relative path is taken from the hook's ``cwd``. An edit touches the
  directory entry it names (with the links among its folders resolved) and, when that entry
  is a symbolic link, the file the link leads to. Each of the two that lies inside the work
  tree must be in scope, the way a rename needs both names in scope: a link inside the repo
  is judged by its own name even when it points elsewhere. A path whose entry and target both
  lie outside the work tree is not the plan's business: allowed, silently.
- **Other tools.** A shell call is read only when it carries a Codex patch with file
  headers (whatever runs it); every other command and tool is allowed without reading its
  input: which files a shell command writes cannot be known from its text. The commit-time
  hooks, ``planscope run`` and the pull request check catch those changes. A patch the guard
  cannot follow (files it cannot read, a folder it cannot be sure of, too many names, a name
  the system cannot look up) is refused with the reason, never let through.
- **Errors.** Unreadable hook input, an invalid config or plan: exit 1 with a message, which
  Claude Code shows to the user as a non-blocking error (the edit goes ahead). With
  ``guard.require_active``, an active slice that cannot be loaded refuses the edit instead.
  Never a traceback.
- **Speed.** The guard runs before every edit. What it needs from the config and the plan is
  kept in the work tree's ``planscope/cache/guard/``, keyed by a hash of those files' bytes,
  the schemas and planscope's version: an unchanged plan is not parsed or validated again,
  and jsonschema is not even imported.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from checker import state
from checker.agents import guardrules
from checker.agents.guardrules import Active, Settings
from checker.agents.hookinput import HookCall, HookInputError, parse_input, repo_paths
from checker.errors import Outcome, PlanscopeError, error_text
from checker.git import worktrees
from checker.git.formats import Change

if TYPE_CHECKING:  # imported where used: a Bash call or an outside path needs none of them
    from checker.rules.plan import Plan, Slice
    from checker.rules.scope import Scope

ALLOW = 0
ERROR = 1  # a non-blocking hook error: Claude Code shows it and the edit goes ahead
DENY = 2

MATCHER = "Edit|Write|MultiEdit|NotebookEdit"
ENV_PLAN = state.ENV_PLAN
DENY_WITH = ("exit-code", "json")
_SCOPE_LIST_MAX = 12  # patterns named in a refusal before "and N more"


# --- the verdict ----------------------------------------------------------------------


def _shown(paths: Sequence[str]) -> str:
    return paths[0] if len(paths) == 1 else f"{paths[0]} (a link to {paths[1]})"


def _slice_name(plan: Plan, slices: Sequence[Slice], active: Active) -> str:
    ids = "+".join(s.id for s in slices)
    how = "from" if active.source.startswith("branch ") else "set by"
    return f"slice '{ids}' of {plan.path} ({how} {active.source})"


def _scope_list(slices: Sequence[Slice], always_allow: Sequence[str], scope: Scope) -> str:
    """The slice's patterns, for the agent; literal paths that forbid overrules left out."""
    from checker.rules.globlint import literal
    from checker.rules.scope import classify

    patterns: list[str] = []
    for p in (*(q for s in slices for q in (*s.planned, *s.allow)), *always_allow):
        path = literal(p)
        if p in patterns or (path is not None
                             and classify([Change("M", path)], scope).forbidden):
            continue
        patterns.append(p)
    if not patterns:
        return "nothing"
    extra = len(patterns) - _SCOPE_LIST_MAX
    listed = ", ".join(patterns[:_SCOPE_LIST_MAX])
    return listed + (f" and {extra} more" if extra > 0 else "")


def _deny(reason: str, deny_with: str) -> Outcome:
    decision = {"hookSpecificOutput": {"hookEventName": "PreToolUse",
                                       "permissionDecision": "deny",
                                       "permissionDecisionReason": reason}}
    code = ALLOW if deny_with == "json" else DENY
    return Outcome(code, json.dumps(decision) + "\n", reason + "\n")


def _warn(message: str) -> Outcome:
    """Allowed, with the warning for the user (systemMessage) and the model (context)."""
    said = {"systemMessage": message,
            "hookSpecificOutput": {"hookEventName": "PreToolUse", "additionalContext": message}}
    return Outcome(ALLOW, json.dumps(said) + "\n", message + "\n")


def _judge(call: HookCall, paths: Sequence[str], plan: Plan, slices: Sequence[Slice],
           active: Active, settings: Settings, deny_with: str,
           forbids: Sequence[tuple[str, Sequence[str]]]) -> Outcome:
    from checker.rules.scope import classify, compile_scope

    mine = f"forbid of {plan.path}"
    scope = compile_scope(plan, slices, settings.always_allow,
                          [(o, p) for o, p in forbids if o != mine], settings.fold)
    result = classify([Change("M", p) for p in paths], scope)
    name = _slice_name(plan, slices, active)
    if result.forbidden:
        rules = list(dict.fromkeys(scope.forbidden.rule(t.path) for t in result.forbidden))
        return _deny(
            f"planscope: {call.tool} of {_shown(paths)} refused: forbidden by rule "
            f"{' and '.join(rules)}, for the active {name}. A forbidden path is never in "
            f"scope: do not change it another way; if it really must change, stop and ask the "
            f"user to change the plan.",
            deny_with,
        )
    if not result.drift:
        return Outcome(ALLOW)
    allowed = _scope_list(slices, settings.always_allow, scope)
    if settings.mode == "warn":
        return _warn(
            f"planscope: warning: {call.tool} of {_shown(paths)} is outside the active {name}; "
            f"allowed because guard.mode is warn, but the commit check will report it as drift. "
            f"The slice may touch: {allowed}."
        )
    return _deny(
        f"planscope: {call.tool} of {_shown(paths)} refused: outside the active {name}. "
        f"The slice may touch: {allowed}. Keep to the slice; if this file really must change, "
        f"stop and ask the user to add it to the plan.",
        deny_with,
    )


def _no_slice(call: HookCall, paths: Sequence[str], settings: Settings, deny_with: str,
              forbids: Sequence[tuple[str, Sequence[str]]]) -> Outcome:
    from checker.rules.scope import Forbids

    rules = Forbids(forbids, settings.fold)
    hits = list(dict.fromkeys(rules.rule(p) for p in paths if rules.match(p)))
    if hits:
        return _deny(f"planscope: {call.tool} of {_shown(paths)} refused: forbidden by rule "
                     f"{' and '.join(hits)}; no change may touch it, whatever slice is active. "
                     f"If it really must change, stop and ask the user.", deny_with)
    how = (f"`planscope use {settings.plans_dir}/<plan>.yaml#<slice>`, {ENV_PLAN}, "
           f"or a branch named plan/<plan-id>/<slice-id>")
    if settings.require_active:
        return _deny(
            f"planscope: {call.tool} of {_shown(paths)} refused: no plan slice is active and "
            f"guard.require_active is true. Ask the user which slice this work belongs to "
            f"(set with {how}).",
            deny_with,
        )
    return Outcome(ALLOW, stderr=f"planscope: no active slice ({how}); "
                                 f"{_shown(paths)} not checked\n")


def _one_line(exc: PlanscopeError) -> str:
    return "; ".join(line.strip() for line in str(exc).splitlines() if line.strip())


def _refuses(outcome: Outcome) -> bool:
    if outcome.code == DENY:
        return True
    try:
        said = json.loads(outcome.stdout) if outcome.stdout else {}
    except ValueError:
        return False
    return isinstance(said, dict) and said.get("hookSpecificOutput", {}).get(
        "permissionDecision") == "deny"


def evaluate(call: HookCall, env: Mapping[str, str], deny_with: str) -> Outcome:
    """Each file of the call judged by every work tree it answers to
    (``checker.enclosing``): refused when one refuses one of them; otherwise what was said."""
    if call.refusal:
        return _deny(f"planscope: {call.tool} refused: {call.refusal}", deny_with)
    said: list[Outcome] = []
    for name in call.names:  # () for Bash and the rest: not parsed (see the module notes)
        outcome = _evaluate_name(call, name, env, deny_with)
        if _refuses(outcome):
            return outcome
        said.append(outcome)
    stderr = "".join(dict.fromkeys(o.stderr for o in said if o.stderr))
    return Outcome(ALLOW, stdout=next((o.stdout for o in said if o.stdout), ""), stderr=stderr)


def _evaluate_name(call: HookCall, name: str, env: Mapping[str, str],
                   deny_with: str) -> Outcome:
    try:
        return _evaluate_path(call, name, env, deny_with)
    except OSError as exc:  # a name the system cannot even look up cannot be let through
        return _deny(f"planscope: {call.tool} of {name[:200]} refused: the guard cannot judge "
                     f"it ({exc.strerror or exc})", deny_with)


def _evaluate_path(call: HookCall, name: str, env: Mapping[str, str],
                   deny_with: str) -> Outcome:
    trees = worktrees.work_trees(call.cwd, name, env.get("CLAUDE_PROJECT_DIR"))
    if not trees:
        return Outcome(ALLOW, stderr=f"planscope: {name} is not in a git work tree "
                                     f"(from {call.cwd}); not checked\n")
    said = []
    for root, git_dir in trees:
        paths = repo_paths(root, call.cwd, name)
        if not paths:
            continue  # outside this work tree: not its plan's business
        outcome = _evaluate_in(root, git_dir, call, paths, env, deny_with)
        if _refuses(outcome):
            _log(root, git_dir, call, paths, outcome, env)
            return outcome
        said.append(outcome)
    return said[0] if said else Outcome(ALLOW)


GUARD_LOG = "guard.jsonl"


def _log(root: Path, git_dir: Path, call: HookCall, paths: Sequence[str], outcome: Outcome,
         env: Mapping[str, str]) -> None:
    """One line in ``.git/planscope/guard.jsonl`` per refused edit, for ``planscope stats``:
    the tool, the paths, the reason, the active slice and the executor when known."""
    try:
        active = state.active_ref(git_dir, env)
    except PlanscopeError:
        active = None
    executor = env.get("PLANSCOPE_EXECUTOR") or ("claude-code" if env.get("CLAUDECODE")
                                                 else "")
    said = outcome.stderr
    if not said.strip():  # --deny-with json: the reason is in the decision
        with contextlib.suppress(ValueError, AttributeError):
            said = str(json.loads(outcome.stdout)["hookSpecificOutput"].get(
                "permissionDecisionReason", ""))
    reason = said.strip().splitlines()
    state.append_log(root, GUARD_LOG, {
        "tool": call.tool, "paths": list(paths), "slice": active[0] if active else None,
        "reason": reason[0][:500] if reason else "", "executor": executor or None})


def _evaluate_in(root: Path, git_dir: Path, call: HookCall, paths: tuple[str, ...],
                 env: Mapping[str, str], deny_with: str) -> Outcome:
    cache = state.Cache(state.worktree_dir(git_dir) / "cache" / "guard")
    settings = guardrules.settings(root, git_dir, cache)
    try:
        active = guardrules.active(root, git_dir, env, settings, cache)
        target = guardrules.target(root, active, cache) if active is not None else None
    except PlanscopeError as exc:
        if not settings.require_active:
            raise
        return _deny(f"planscope: {call.tool} of {_shown(paths)} refused: guard.require_active "
                     f"is true and the active slice cannot be used: {_one_line(exc)}", deny_with)
    forbids = guardrules.forbids(root, settings, cache)
    if active is None or target is None:
        return _no_slice(call, paths, settings, deny_with, forbids)
    return _judge(call, paths, *target, active, settings, deny_with, forbids)


def run(raw: bytes, *, env: Mapping[str, str] | None = None, cwd: Path | None = None,
        deny_with: str = "exit-code") -> Outcome:
    """The whole hook: stdin bytes in, what to print and the exit code out."""
    if deny_with not in DENY_WITH:
        raise ValueError(deny_with)
    try:
        call = parse_input(raw, cwd or Path(os.getcwd()))
        return evaluate(call, os.environ if env is None else env, deny_with)
    except HookInputError as exc:
        return Outcome(ERROR, stderr=error_text(
            f"{exc}; it reads the JSON a Claude Code or Codex PreToolUse hook gets on stdin"))
    except PlanscopeError as exc:
        return Outcome(ERROR, stderr=error_text(str(exc), exc.hint))
    except Exception as exc:  # a hook must not crash into a traceback; exit 1 lets the edit go
        return Outcome(ERROR, stderr=error_text(
            f"internal error, edit not checked: {type(exc).__name__}: {exc}"))


def from_stdin(stdin: TextIO, deny_with: str) -> Outcome:
    """The hook run on what the agent wrote to stdin (never a terminal: nothing types it)."""
    if stdin.isatty():
        return Outcome(ERROR, "", error_text(
            "guard reads a Claude Code or Codex PreToolUse hook's JSON on stdin",
            "install it with `planscope init --claude-code` or `planscope init --codex`"))
    return run(stdin.buffer.read(), deny_with=deny_with)
