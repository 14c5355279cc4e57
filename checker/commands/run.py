"""``planscope run PLAN#SLICE -- COMMAND...``: any executor, with the slice active and watched.

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
import os
import shlex
import signal
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from checker import brief as brief_mod
from checker import errors, explain, gitio, pipeline, state, watchdog
from checker.commands import brief as brief_command
from checker.config import Config
from checker.errors import BadInput, Outcome
from checker.relay import Child, exit_status, say
from checker.render import text
from checker.watch import Watch

STOP_ON = ("forbidden", "drift", "never")
ENV_BRIEF = "PLANSCOPE_BRIEF"
TICK_S = 0.1  # how long one relay step waits for output
MIN_POLL_S = 0.5  # the work tree is polled at most this often, less when git is slow


@dataclass(frozen=True)
class RunOptions:
    ref: str  # PLAN#SLICE
    argv: tuple[str, ...]
    stop_on: str = "forbidden"
    quiet_after: float = 30.0
    verify: bool = True


@dataclass
class Seen:
    """What the watch found, as it found it."""

    stopped_for: str | None = None  # the path the executor was stopped for


def _message(e: explain.Explained) -> str:
    where = f" ({e.rule.list})" if e.rule is not None else ""
    if e.verdict == explain.FORBIDDEN:
        assert e.rule is not None
        return f"planscope: {e.path} changed: forbidden by '{e.rule.pattern}'{where}"
    return f"planscope: {e.path} changed: outside the slice (drift)"


def _blocks(verdict: str, stop_on: str) -> bool:
    return (stop_on == "drift" and verdict in (explain.DRIFT, explain.FORBIDDEN)) or (
        stop_on == "forbidden" and verdict == explain.FORBIDDEN)


def _judge_new(root: Path, cfg: Config, ref: str, paths: Sequence[str]) -> list[explain.Explained]:
    if not paths:
        return []
    found = explain.explain(root, cfg, paths, pipeline.Options(plan_ref=ref))
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


def _watch_loop(child: Child, watch: Watch, root: Path, cfg: Config, opts: RunOptions,
                ref: str) -> Seen:
    seen = Seen()
    quiet = watchdog.Quiet(opts.quiet_after)
    next_poll = time.monotonic() + MIN_POLL_S
    while child.poll() is None:
        if child.pump(TICK_S):
            quiet.saw_output()
        if time.monotonic() >= next_poll:
            for e in _judge_new(root, cfg, ref, watch.poll()):
                child.say(_message(e))
                if seen.stopped_for is None and _blocks(e.verdict, opts.stop_on):
                    seen.stopped_for = e.path
                    why = ("forbidden" if e.verdict == explain.FORBIDDEN
                           else "outside the slice")
                    child.say(f"planscope: stopping the executor (--stop-on {opts.stop_on}): "
                              f"{e.path} is {why}")
                    child.stop()
                    return seen
            next_poll = time.monotonic() + max(MIN_POLL_S, 5 * watch.last_poll_s)
        if quiet.due():
            activity = watchdog.observe(child.pid)
            child.say(f"planscope: {watchdog.describe(activity, quiet.quiet_for())}")
    return seen


def _final_check(root: Path, cfg: Config, ref: str, watch: Watch,
                 opts: RunOptions) -> pipeline.UnitResult:
    touched = set(watch.seen)
    changes = [c for c in gitio.worktree_changes(root, watch.start)
               if any(p in touched for p in c.paths)]
    unit = pipeline.Unit("the run's changes", None, tuple(changes), diff_revs=(watch.start,))
    claim = pipeline.Options(verify=opts.verify, fallback_ref=ref, fallback_source="planscope run")
    checker = pipeline.Checker(root, cfg, claim)
    return checker.check(unit)


def _brief_file(root: Path, cfg: Config, ref: str) -> tuple[str, Path]:
    """The slice's reference as written and the file its brief was written to."""
    b = brief_command.build(root, cfg, ref)
    path = state.shared_dir(root) / "briefs" / (b.ref.replace("/", "_").replace("#", ".")
                                                 + ".md")
    state.atomic_write(path, brief_mod.markdown(b))
    return b.ref, path


def run(root: Path, cfg: Config, opts: RunOptions, env: Mapping[str, str]) -> Outcome:
    if not opts.argv:
        raise BadInput("planscope run needs the command to run after '--'",
                       hint="planscope run plans/x.yaml#slice -- codex exec 'build the slice'")
    if opts.stop_on not in STOP_ON:
        raise BadInput(f"--stop-on must be one of {', '.join(STOP_ON)}")
    if opts.quiet_after <= 0:
        raise BadInput("--quiet-after must be a positive number of seconds")
    ref, brief_path = _brief_file(root, cfg, opts.ref)
    watch = Watch(root)
    child_env = {**env, state.ENV_PLAN: ref, ENV_BRIEF: str(brief_path)}
    say(2, f"planscope: running {shlex.join(opts.argv)} with {ref} active "
           f"(brief: {brief_path}); stop on {opts.stop_on}")
    try:
        child = Child(opts.argv, env=child_env, cwd=Path(os.getcwd()))
    except OSError as exc:
        raise BadInput(f"cannot run {opts.argv[0]}: {exc.strerror or exc}") from None
    with child, _signals(child):
        seen = _watch_loop(child, watch, root, cfg, opts, ref)
        child.drain()
        code = child.poll()
        if child.mid_line:  # what follows starts on a line of its own
            child.say("")
    assert code is not None
    for e in _judge_new(root, cfg, ref, watch.poll()):  # changed in its last moments
        say(2, _message(e))
    result = _final_check(root, cfg, ref, watch, opts)
    out, err = text.to_text([result])
    status = exit_status(code)
    if seen.stopped_for is not None:
        verdict = max(result.exit_code, errors.DRIFT)
        return Outcome(verdict, out, err + f"planscope: the executor was stopped: "
                                           f"{seen.stopped_for}\n")
    if status != 0:
        return Outcome(status, out, err + f"planscope: the executor failed (exit {status}); "
                                          f"its exit code is kept\n")
    return Outcome(result.exit_code, out, err)
