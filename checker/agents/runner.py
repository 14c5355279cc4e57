"""Running an executor with a slice active and watched (``planscope run PLAN#SLICE --
COMMAND...``).

The executor runs with ``PLANSCOPE_PLAN`` set to the slice (the guard and staged checks
claim it) and ``PLANSCOPE_BRIEF`` naming a file that holds the slice's brief. While it runs:

- the work tree is polled (``checker.watch``); a path outside the slice, or forbidden, is
  named on stderr the moment it is seen, and ``--stop-on`` (``forbidden`` by default,
  ``drift``, ``never``) ends the executor's process group;
- when the executor has written nothing for ``--quiet-after`` seconds, one line says what it
  is doing, read from the OS (``checker.watchdog``): waiting for input on the terminal, on a
  network reply, using CPU, sleeping; then again each ``--quiet-after`` seconds of quiet.

At the end the paths it changed (committed, staged, unstaged or new) are checked against the
slice like ``check`` does, and the report printed. The exit code is the executor's when it
failed, else the check's (1 when it was stopped).
"""

from __future__ import annotations

import contextlib
import math
import os
import shlex
import signal
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from checker import errors, state
from checker.agents import brief as brief_mod
from checker.agents import executors, relay, watchdog
from checker.agents.relay import Child, exit_status, say
from checker.agents.watch import Watch
from checker.errors import BadInput
from checker.git import diffs, process, revs
from checker.git.formats import Change
from checker.judge import changes, explain
from checker.judge.changes import Unit
from checker.judge.claims import Claim
from checker.judge.pipeline import Judge, Options, UnitResult
from checker.record import record
from checker.render.text import display
from checker.rules import plan as plan_mod
from checker.rules import yamlfile
from checker.rules.book import Rulebook
from checker.rules.config import Config

STOP_ON = ("forbidden", "drift", "gap", "never")
ENV_BRIEF = "PLANSCOPE_BRIEF"
TICK_S = 0.1  # how long one relay step waits for output
MIN_POLL_S = 0.5  # the work tree is polled at most this often, less when git is slow
MIN_QUIET_S = 1.0


@record(frozen=True)
class RunOptions:
    ref: str  # PLAN#SLICE
    argv: tuple[str, ...]
    stop_on: str = "forbidden"
    quiet_after: float = 30.0
    verify: bool = True


@record
class Seen:
    """What the watch found, as it found it."""

    stopped_for: str | None = None  # the path the executor was stopped for


def _message(e: explain.Explained) -> str:
    where = f" ({e.rule.list})" if e.rule is not None else ""
    if e.verdict == explain.FORBIDDEN:
        assert e.rule is not None
        return (f"planscope: {display(e.path)} changed: forbidden by "
                f"'{display(e.rule.pattern)}'{where}")
    return f"planscope: {display(e.path)} changed: outside the slice (drift)"


def _blocks(verdict: str, stop_on: str) -> bool:
    return (stop_on == "drift" and verdict in (explain.DRIFT, explain.FORBIDDEN)) or (
        stop_on == "forbidden" and verdict == explain.FORBIDDEN)


def _judge_new(rules: explain.Explainer, paths: Sequence[str],
               gaps_only: Callable[[str], bool]) -> list[explain.Explained]:
    paths = [p for p in paths if not gaps_only(p)]  # a gap recorded: not the slice's work
    if not paths:
        return []
    found = rules.explain(paths)
    return [e for e in found.paths if e.verdict in (explain.DRIFT, explain.FORBIDDEN)]


@contextlib.contextmanager
def _signals(child: Child) -> Iterator[None]:
    """Ctrl-C, a hang-up or a termination asked of planscope go to the executor's group
    (it decides; the run ends when it does); a resized terminal resizes the child's."""
    def forward(signum: int, frame: FrameType | None) -> None:
        child.signal_group(signum)

    def resize(signum: int, frame: FrameType | None) -> None:
        child.resized()

    wanted = {signal.SIGINT: forward, signal.SIGTERM: forward, signal.SIGHUP: forward,
              signal.SIGWINCH: resize}
    old = {}
    try:
        for signum, handler in wanted.items():
            old[signum] = signal.signal(signum, handler)
    except ValueError:  # not the main thread: leave the signals alone
        pass
    try:
        yield
    finally:
        for signum, previous in old.items():
            signal.signal(signum, previous)


def _gaps_only(root: Path, plan_path: str) -> Callable[[str], bool]:
    """Whether a path changed during the run is the slice's plan with nothing but gaps added
    (``planscope gap``): a rules change of its own, not the slice's work or drift."""
    def plain(text: str | None) -> Any:
        try:
            data = yamlfile.plain(yamlfile.parse(text or "", plan_path))
        except errors.PlanscopeError:
            return None
        for s in data.get("slices") or () if isinstance(data, dict) else ():
            if isinstance(s, dict):
                s.pop("gaps", None)
        return data

    def read() -> str | None:
        try:
            return (root / plan_path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    before = plain(read())

    def gaps_only(path: str) -> bool:
        return path == plan_path and before is not None and plain(read()) == before

    return gaps_only


def _gap_watch(root: Path, ref: str) -> Callable[[Sequence[str]], str | None]:
    """For ``--stop-on gap``: given the paths changed since the last poll, the text of a gap
    recorded under the slice since the run started (its plan file as the work tree has it)."""
    plan_path, _, slice_id = ref.partition("#")

    def open_gaps() -> tuple[str, ...]:
        try:
            plan = plan_mod.load(root, plan_path)
        except errors.PlanscopeError:
            return ()
        s = plan.slice(slice_id)
        return tuple(g.text for g in s.open_gaps) if s is not None else ()

    known = open_gaps()

    def new_gap(paths: Sequence[str]) -> str | None:
        if plan_path not in paths:
            return None
        now = open_gaps()
        return next((g for g in now if g not in known), None)

    return new_gap


def _watch_loop(child: Child, watch: Watch, rules: explain.Explainer, opts: RunOptions,
                gaps_only: Callable[[str], bool],
                gaps: Callable[[Sequence[str]], str | None] | None = None) -> Seen:
    seen = Seen()
    quiet = watchdog.Quiet(opts.quiet_after)
    next_poll = time.monotonic() + MIN_POLL_S
    while child.poll() is None:
        if child.pump(TICK_S):
            quiet.saw_output()
        if time.monotonic() >= next_poll:
            polled = watch.poll()
            said = gaps(polled) if gaps is not None else None
            if said is not None:
                seen.stopped_for = f"the gap: {said}"
                child.say(f"planscope: stopping the executor (--stop-on gap): it recorded a "
                          f"gap in {opts.ref}: {display(said)}")
                child.stop()
                return seen
            for e in _judge_new(rules, polled, gaps_only):
                child.say(_message(e))
                if seen.stopped_for is None and _blocks(e.verdict, opts.stop_on):
                    seen.stopped_for = e.path
                    why = ("forbidden" if e.verdict == explain.FORBIDDEN
                           else "outside the slice")
                    child.say(f"planscope: stopping the executor (--stop-on {opts.stop_on}): "
                              f"{display(e.path)} is {why}")
                    child.stop()
                    return seen
            next_poll = time.monotonic() + max(MIN_POLL_S, 5 * watch.last_poll_s)
        if quiet.due():
            activity = watchdog.observe(child.pid)
            child.say(f"planscope: {watchdog.describe(activity, quiet.quiet_for())}")
    return seen


def _final_check(judge: Judge, watch: Watch,
                 gaps_only: Callable[[str], bool]) -> list[UnitResult]:
    """Each commit made during the run, on HEAD or on any other branch, tag or remote ref,
    then the paths changed and not committed (and those git was told to stop looking at),
    checked against the slice by the rules read when the run started. A commit undone by a
    later one is still a commit the branch carries."""
    root = judge.root
    commits = revs.made_since(root, watch.tips)
    results = [judge.check(changes.commit_unit(root, c)) for c in commits]
    touched = {p for p in watch.seen if not gaps_only(p)}  # a gap recorded: a rules change
    head = revs.head_commit(root)
    base = head.sha if head is not None else watch.start
    found = [c for c in diffs.worktree_changes(root, base) if any(p in touched for p in c.paths)]
    known = {p for c in found for p in c.paths}
    found += [Change("M", p) for p in watch.newly_hidden() if p not in known]
    if found or not results:
        label = "the run's uncommitted changes" if results else "the run's changes"
        results.append(judge.check(Unit(label, None, tuple(found), diff_revs=(base,))))
    return results


def _rules_changed(judge: Judge, claim: Claim | None, watch: Watch) -> list[str]:
    """Notes for the rule files the executor changed: the run is judged without them."""
    rules = {judge.config.source, *(p.plan.path for p in (claim.parts if claim else ()))}
    return [f"planscope: {p} changed during the run: the run is judged by it as it was when "
            f"the run started" for p in watch.seen if p in rules]


def _brief_file(root: Path, book: Rulebook, ref: str) -> tuple[str, Path]:
    """The slice's reference as written and the file its brief was written to."""
    b = brief_mod.for_slice(root, book, ref, "run")
    path = state.shared_dir(root) / "briefs" / (b.ref.replace("/", "_").replace("#", ".")
                                                 + ".md")
    state.atomic_write(path, brief_mod.markdown(b))
    return b.ref, path


def _check_options(opts: RunOptions) -> None:
    if not opts.argv:
        raise BadInput("planscope run needs the command to run after '--'",
                       hint="planscope run plans/x.yaml#slice -- codex exec 'build the slice'")
    if opts.stop_on not in STOP_ON:
        raise BadInput(f"--stop-on must be one of {', '.join(STOP_ON)}")
    if not (math.isfinite(opts.quiet_after) and opts.quiet_after >= MIN_QUIET_S):
        raise BadInput(f"--quiet-after must be a number of seconds, at least {MIN_QUIET_S:g}")


def _say_leftovers(left: Sequence[tuple[int, str]], adopts: bool) -> None:
    if left:
        names = ", ".join(f"{name} (pid {pid})" for pid, name in left[:5])
        more = f" and {len(left) - 5} more" if len(left) > 5 else ""
        say(2, f"planscope: ended {len(left)} process(es) the executor left running: "
               f"{names}{more}")
    elif not adopts:
        say(2, "planscope: note: on this system a process the executor started outside its "
               "process group cannot be followed")


@record(frozen=True)
class Ran:
    """What a run came to: the final check, the executor's exit status, why it was stopped."""

    results: list[UnitResult]
    status: int  # the executor's, as a shell reports it
    stopped_for: str | None
    notes: list[str]


def execute(root: Path, cfg: Config, opts: RunOptions, env: Mapping[str, str]) -> Ran:
    """Run the executor with the slice active, watch it, and check what it did by the rules
    read when it started (the working tree's)."""
    _check_options(opts)
    book = Rulebook(root, config=cfg)
    ref, brief_path = _brief_file(root, book, opts.ref)
    judge = Judge(root, book, Options(plan_ref=ref, plan_source="planscope run",
                                      verify=opts.verify))
    rules = explain.Explainer(judge)  # the plan and config as they are now, kept
    gaps_only = _gaps_only(root, ref.partition("#")[0])
    watch = Watch(root)
    child_env = {**env, state.ENV_PLAN: ref, ENV_BRIEF: str(brief_path),
                 executors.ENV: env.get(executors.ENV) or executors.named_by(opts.argv)}
    os.environ.update(process.watchful_config(os.environ))  # planscope's own git calls only
    adopts = relay.become_subreaper()
    try:
        child = Child(opts.argv, env=child_env, cwd=Path(os.getcwd()))
    except OSError as exc:
        raise BadInput(f"cannot run {opts.argv[0]}: {exc.strerror or exc}") from None
    say(2, f"planscope: running {shlex.join(opts.argv)} with {ref} active "
           f"(brief: {brief_path}); stop on {opts.stop_on}")
    with child, _signals(child):
        seen = _watch_loop(child, watch, rules, opts, gaps_only,
                           _gap_watch(root, ref) if opts.stop_on == "gap" else None)
        child.drain()
        code = child.poll()
        if child.mid_line:  # what follows starts on a line of its own
            child.say("")
        left = child.end_leftovers()
    assert code is not None
    _say_leftovers(left, adopts)
    for e in _judge_new(rules, watch.poll(), gaps_only):  # changed in its last moments
        say(2, _message(e))
    results = _final_check(judge, watch, gaps_only)
    return Ran(results, exit_status(code), seen.stopped_for,
               _rules_changed(judge, rules.claim, watch))
