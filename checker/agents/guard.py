"""The edit-time guard's decision (``planscope guard``, a Claude Code and Codex ``PreToolUse``
hook): allow, refuse or warn, with the reason said to the agent.

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

- **How a refusal is said** is ``checker.render.guard``'s: the hook protocol.
- **The rules.** The one builder's (``checker.rules.ruleset``), kept between edits by
  ``checker.agents.guardrules``: the active slice's scope and every forbid, or, with no
  active slice, every forbid that holds for any change.
- **The active slice.** ``PLANSCOPE_PLAN=plans/x.yaml#slice`` in the environment, else the
  file written by ``planscope use`` (``planscope/active`` in the work tree's git directory:
  ``.git/planscope/active``, and one per linked worktree), else the branch mapping of
  DESIGN §4 (a slice's ``branch:``, or ``<plan-id>/<slice-id>``).
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
- **Speed.** The guard runs before every edit: an unchanged plan is not parsed or validated
  again, and jsonschema is not even imported (``checker.agents.guardrules``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from checker import state
from checker.agents import gatepaths, guardrules
from checker.agents.guardrules import Active, Guarded
from checker.agents.hookinput import HookCall, entry_and_target, repo_paths
from checker.errors import PlanscopeError
from checker.git import worktrees
from checker.record import record
from checker.rules import rulefiles
from checker.rules.globlint import literal
from checker.rules.ruleset import RuleSet

ALLOW, DENY, WARN = "allow", "deny", "warn"
ENV_PLAN = state.ENV_PLAN
GUARD_LOG = "guard.jsonl"
SCOPE_LIST_MAX = 12  # patterns named in a refusal before "and N more"


@record(frozen=True)
class Decision:
    """What the guard says of one tool call."""

    kind: str  # ALLOW | DENY | WARN
    reason: str = ""  # for the agent (DENY, WARN)
    note: str = ""  # for the user, on an allowed call


def _shown(paths: Sequence[str]) -> str:
    return paths[0] if len(paths) == 1 else f"{paths[0]} (a link to {paths[1]})"


def _slice_name(rules: RuleSet, active: Active) -> str:
    parts = " + ".join(f"slice '{'+'.join(s.id for s in p.slices)}' of {p.plan.path}"
                       for p in rules.parts)
    how = "from" if active.source.startswith("branch ") else "set by"
    return f"{parts} ({how} {active.source})"


def scope_list(rules: RuleSet) -> str:
    """The slices' patterns, for the agent; literal paths that a forbid overrules left out."""
    patterns: dict[str, None] = {}  # in order, each once (a set: a slice may list 100,000)
    for p in (*(q for part in rules.parts for q in part.patterns), *rules.always_allow):
        if p in patterns:
            continue
        path = literal(p)
        if path is not None and rules.forbidden(path):
            continue
        patterns[p] = None
    if not patterns:
        return "nothing"
    extra = len(patterns) - SCOPE_LIST_MAX
    listed = ", ".join(list(patterns)[:SCOPE_LIST_MAX])
    return listed + (f" and {extra} more" if extra > 0 else "")


def _forbidden(call: HookCall, paths: Sequence[str], rules: RuleSet, why: str) -> Decision | None:
    """Refusal when any path is forbidden: ``why`` says for which slice, or for none."""
    hits = list(dict.fromkeys(rules.rule(p) for p in paths if rules.forbidden(p)))
    if not hits:
        return None
    return Decision(DENY, f"planscope: {call.tool} of {_shown(paths)} refused: forbidden by "
                          f"rule {' and '.join(hits)}{why}")


def _judge(call: HookCall, paths: Sequence[str], seen: Guarded, active: Active) -> Decision:
    rules = seen.rules
    name = _slice_name(rules, active)
    refused = _forbidden(call, paths, rules,
                         f", for the active {name}. A forbidden path is never in scope: do "
                         f"not change it another way; if it really must change, stop and ask "
                         f"the user to change the plan.")
    if refused is not None:
        return refused
    if all(rules.allows(p) for p in paths):
        return Decision(ALLOW)
    allowed = scope_list(rules)
    if seen.mode == "warn":
        return Decision(WARN, f"planscope: warning: {call.tool} of {_shown(paths)} is outside "
                              f"the active {name}; allowed because guard.mode is warn, but the "
                              f"commit check will report it as drift. The slice may touch: "
                              f"{allowed}.")
    return Decision(DENY, f"planscope: {call.tool} of {_shown(paths)} refused: outside the "
                          f"active {name}. The slice may touch: {allowed}. Keep to the slice; "
                          f"if this file really must change, the plan is wrong here: record "
                          f"it with `planscope gap {active.ref} \"why this file must change\"` "
                          f"and stop, for the user to change the plan.")


def _no_slice(call: HookCall, paths: Sequence[str], seen: Guarded) -> Decision:
    refused = _forbidden(call, paths, seen.rules,
                         "; no change may touch it, whatever slice is active. If it really "
                         "must change, stop and ask the user.")
    if refused is not None:
        return refused
    how = (f"`planscope use {seen.plans_dir}/<plan>.yaml#<slice>`, {ENV_PLAN}, "
           f"or a branch named <plan-id>/<slice-id>")
    if seen.require_active:
        return Decision(DENY, f"planscope: {call.tool} of {_shown(paths)} refused: no plan "
                              f"slice is active and guard.require_active is true. Ask the "
                              f"user which slice this work belongs to (set with {how}).")
    return Decision(ALLOW, note=f"planscope: no active slice ({how}); {_shown(paths)} not "
                                f"checked")


def _one_line(exc: PlanscopeError) -> str:
    return "; ".join(line.strip() for line in str(exc).splitlines() if line.strip())


def evaluate(call: HookCall, env: Mapping[str, str]) -> Decision:
    """Each file of the call judged by every work tree it answers to
    (``checker.git.worktrees``): refused when one refuses one of them; otherwise what was
    said (the first warning, every note). A shell call's plain writes are read for the
    gate's own files (``checker.agents.shellwrites``, best effort)."""
    if call.refusal:
        return Decision(DENY, f"planscope: {call.tool} refused: {call.refusal}")
    said: list[Decision] = []
    for name in call.names:  # () for Bash and the rest: not parsed (see the module notes)
        decision = _evaluate_name(call, name, env)
        if decision.kind == DENY:
            return decision
        said.append(decision)
    refused = _shell_gate(call, env) if call.shell else None
    if refused is not None:
        return refused
    warned = next((d for d in said if d.kind == WARN), None)
    notes = "\n".join(dict.fromkeys(d.note for d in said if d.note))
    if warned is not None:
        return Decision(WARN, warned.reason, notes)
    return Decision(ALLOW, note=notes)


def _evaluate_name(call: HookCall, name: str, env: Mapping[str, str]) -> Decision:
    try:
        return _evaluate_path(call, name, env)
    except OSError as exc:  # a name the system cannot even look up cannot be let through
        return Decision(DENY, f"planscope: {call.tool} of {name[:200]} refused: the guard "
                              f"cannot judge it ({exc.strerror or exc})")


def _evaluate_path(call: HookCall, name: str, env: Mapping[str, str]) -> Decision:
    trees = worktrees.work_trees(call.cwd, name, env.get("CLAUDE_PROJECT_DIR"))
    refused = _at_the_gate(call, name, [top for top, _ in trees], env)
    if refused is not None:
        return refused
    if not trees:
        return Decision(ALLOW, note=f"planscope: {name} is not in a git work tree "
                                    f"(from {call.cwd}); not checked")
    said = []
    for root, git_dir in trees:
        paths = repo_paths(root, call.cwd, name)
        if not paths:
            continue  # outside this work tree: not its plan's business
        decision = _evaluate_in(root, git_dir, call, paths, env)
        if decision.kind == DENY:
            _log(root, git_dir, call, paths, decision, env)
            return decision
        said.append(decision)
    return said[0] if said else Decision(ALLOW)


def _at_the_gate(call: HookCall, name: str, tops: Sequence[Path], env: Mapping[str, str],
                 cwd: Path | None = None) -> Decision | None:
    """A refusal when ``name`` (its directory entry or what it links to) lies in the gate's
    own folders: a git directory, the hooks folder, the agents' user settings."""
    touched = entry_and_target(cwd or call.cwd, name)
    places = [*tops, call.cwd, *([cwd] if cwd is not None else []),
              *(gatepaths.nearest_folder(p) for p in touched if not tops or ".git" in
                {part.lower() for part in Path(p).parts})]
    gate = gatepaths.around(places, env, call.cwd)
    for path in touched:
        what = gate.holds(path)
        if what is not None:
            return Decision(DENY, f"planscope: {call.tool} of {name[:200]} refused: it is in "
                                  f"{what}, part of the gate that checks this work; no agent "
                                  f"edit may change it. If it really must change, stop and ask "
                                  f"the user.")
    return None


def _shell_gate(call: HookCall, env: Mapping[str, str]) -> Decision | None:
    """A refusal when a shell call's plain writes reach the gate (best effort)."""
    from checker.agents import shellwords, shellwrites  # only a shell call reads them

    said = shellwrites.writes(call.shell)
    cwd = call.shell_cwd or call.cwd
    if said.past_gate:
        return Decision(DENY, f"planscope: {call.tool} refused: {said.past_gate[0]}. The gate "
                              f"is not the agent's to change; if it must, stop and ask the "
                              f"user.")
    for text in said.texts:
        if gatepaths.names_the_gate(text):
            return Decision(DENY, f"planscope: {call.tool} refused: a one-line script that "
                                  f"writes near the gate's own files (the git directory, "
                                  f"the hook settings, planscope's rules). Edit files with "
                                  f"the edit tools; if this must run, ask the user.")
    home = env.get("HOME") or os.path.expanduser("~")
    bases = [cwd]
    for folder in said.dirs:
        moved = shellwords.expanded(folder, str(cwd), home, said.variables)
        if moved is None:
            return _unfollowed(call, folder)
        bases += [cwd / m for m in shellwords.matches(moved, cwd)]
    for written in dict.fromkeys(said.paths):
        name = shellwords.expanded(written, str(cwd), home, said.variables)
        if name is None:
            return _unfollowed(call, written)
        refused = _written(call, name, bases, env)
        if refused is not None:
            return refused
    return None


def _unfollowed(call: HookCall, word: str) -> Decision:
    return Decision(DENY, f"planscope: {call.tool} refused: it writes to {word[:200]}, a "
                          f"name the guard cannot follow to a file (a variable or the folder "
                          f"stack) near the gate's own files. Name the file plainly.")


def _written(call: HookCall, written: str, bases: Sequence[Path],
             env: Mapping[str, str]) -> Decision | None:
    """A refusal when ``written``, a name a shell call writes to (a pattern: every name it
    matches from each folder), reaches the gate."""
    from checker.agents import shellwords

    for base in bases:
        for name in shellwords.matches(written, base):
            trees = worktrees.work_trees(base, name, env.get("CLAUDE_PROJECT_DIR"))
            refused = _at_the_gate(call, name, [top for top, _ in trees], env, base)
            for top, git_dir in trees if refused is None else ():
                paths = repo_paths(top, base, name)
                refused = _rule_file(top, git_dir, call, paths, env) if paths else None
                if refused is not None:
                    break
            if refused is not None:
                return refused
    return None


def _rule_file(root: Path, git_dir: Path, call: HookCall, paths: Sequence[str],
               env: Mapping[str, str], seen: Guarded | None = None) -> Decision | None:
    """A refusal when one of ``paths`` is a rule file or hook settings the active slice does
    not plan by name (nor ``guard.unprotect`` opens)."""
    if seen is None:
        seen = guardrules.guarded(root, git_dir, env, _cache(git_dir))
    rules = seen.rules
    for rel in paths:
        what = rulefiles.rule_file(rel, seen.plans_dir, seen.config_source, rules.fold)
        if what is not None and not gatepaths.opened(rel, rules.planned, seen.unprotect,
                                                     rules.fold):
            return Decision(DENY, f"planscope: {call.tool} of {_shown(paths)} refused: "
                                  f"{rel} is {what}, which decides what this work may touch; "
                                  f"an agent changes it only when the active slice names it "
                                  f"in its files (a change of rules, reviewed as one). Stop "
                                  f"and ask the user to change it.")
    return None


def _cache(git_dir: Path) -> state.Cache:
    return state.Cache(state.worktree_dir(git_dir) / "cache" / "guard")


def _log(root: Path, git_dir: Path, call: HookCall, paths: Sequence[str], decision: Decision,
         env: Mapping[str, str]) -> None:
    """One line in ``.git/planscope/guard.jsonl`` per refused edit, for ``planscope stats``:
    the tool, the paths, the reason, the active slice and the executor when known."""
    try:
        active = state.active_ref(git_dir, env)
    except PlanscopeError:
        active = None
    executor = env.get("PLANSCOPE_EXECUTOR") or ("claude-code" if env.get("CLAUDECODE")
                                                 else "")
    reason = decision.reason.strip().splitlines()
    state.append_log(root, GUARD_LOG, {
        "tool": call.tool, "paths": list(paths), "slice": active[0] if active else None,
        "reason": reason[0][:500] if reason else "", "executor": executor or None})


def _evaluate_in(root: Path, git_dir: Path, call: HookCall, paths: tuple[str, ...],
                 env: Mapping[str, str]) -> Decision:
    try:
        seen = guardrules.guarded(root, git_dir, env, _cache(git_dir))
    except PlanscopeError as exc:  # fail closed: no rules, no edit
        return Decision(DENY, f"planscope: {call.tool} of {_shown(paths)} refused: the rules "
                              f"this edit is judged by cannot be read: {_one_line(exc)}. Ask "
                              f"the user to fix them.")
    refused = _rule_file(root, git_dir, call, paths, env, seen)
    if refused is not None:
        return refused
    if seen.active is None:
        return _no_slice(call, paths, seen)
    return _judge(call, paths, seen, seen.active)


