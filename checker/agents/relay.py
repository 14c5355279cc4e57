"""An executor run as a child, its terminal passed through, its output relayed and timed.

- **On a terminal** (stdin is one): the child gets a pseudo-terminal of its own as stdin,
  stdout, stderr and controlling terminal, sized like ours; our terminal is put in raw input
  mode so every key (Ctrl-C included) reaches the child as typed, and restored at the end
  whatever happens. Full-screen agents work as they do without planscope.
- **Otherwise** (scripts, CI): the child inherits stdin; its stdout and stderr are pipes
  relayed to ours.

Either way the child leads a process group of its own, so that ``stop`` ends it and
everything it started, and ``pump`` tells when the child last wrote anything (for the
watchdog). Nothing here knows about plans.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import selectors
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from checker import procfs

READ_SIZE = 65536
STOP_GRACE_S = 1.0  # between SIGTERM and SIGKILL when stopping the child
PR_SET_CHILD_SUBREAPER = 36  # prctl(2), Linux 3.4 and later


def become_subreaper() -> bool:
    """On Linux, make this process adopt its orphaned descendants (an executor's child that
    left its process group with setsid, then lost its parent), so none escapes ``leftovers``.
    False where that cannot be done."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def leftovers(group: int) -> list[tuple[int, str]]:
    """(pid, name) of what still runs of an executor: its process group, and every
    descendant of this process (adopted ones included), zombies left out."""
    table = procfs.processes()
    me = os.getpid()
    children: dict[int, list[int]] = {}
    for s in table.values():
        children.setdefault(s.ppid, []).append(s.pid)
    mine, todo = set(), [*children.get(me, []), *procfs.my_children()]
    while todo:
        pid = todo.pop()
        if pid not in mine:
            mine.add(pid)
            todo += children.get(pid, [])
    mine.update(s.pid for s in table.values() if s.pgrp == group)
    mine.discard(me)
    out = []
    for pid in sorted(mine):
        seen = table.get(pid)  # None: a child born after the scan
        if seen is None or seen.state not in ("Z", "X"):
            out.append((pid, seen.name if seen is not None else "?"))
    return out


def _is_terminal(fd: int) -> bool:
    try:
        return os.isatty(fd)
    except OSError:
        return False


def _write_all(fd: int, data: bytes) -> None:
    while data:
        try:
            n = os.write(fd, data)
        except BlockingIOError:
            time.sleep(0.01)
            continue
        except OSError:  # our terminal or pipe is gone: nothing more to show
            return
        data = data[n:]


class Child:
    """A running executor. Use as a context manager: leaving it stops the child if it still
    runs and restores the terminal."""

    def __init__(self, argv: Sequence[str], *, env: Mapping[str, str], cwd: Path,
                 stdin_fd: int = 0, stdout_fd: int = 1, stderr_fd: int = 2) -> None:
        self.stdout_fd, self.stderr_fd, self.stdin_fd = stdout_fd, stderr_fd, stdin_fd
        self.pty = _is_terminal(stdin_fd)
        self._saved_mode: list[Any] | None = None
        self._selector = selectors.DefaultSelector()
        self.last_output = time.monotonic()
        self.mid_line = False  # the child's last output did not end its line
        self._open: set[int] = set()
        if self.pty:
            master, slave = os.openpty()
            self._copy_size(stdin_fd, slave)
            try:
                self.proc = subprocess.Popen(
                    list(argv), env=dict(env), cwd=cwd, stdin=slave, stdout=slave, stderr=slave,
                    start_new_session=True, preexec_fn=_take_terminal)
            finally:
                os.close(slave)
            self.master = master
            self._watch(master, stdout_fd)
            self._raw(stdin_fd)
            self._selector.register(stdin_fd, selectors.EVENT_READ, -1)
        else:
            self.master = -1
            self.proc = subprocess.Popen(list(argv), env=dict(env), cwd=cwd, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, start_new_session=True)
            assert self.proc.stdout is not None and self.proc.stderr is not None
            self._watch(self.proc.stdout.fileno(), stdout_fd)
            self._watch(self.proc.stderr.fileno(), stderr_fd)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _watch(self, fd: int, to: int) -> None:
        os.set_blocking(fd, False)
        self._selector.register(fd, selectors.EVENT_READ, to)
        self._open.add(fd)

    def _raw(self, fd: int) -> None:
        """Raw input on our terminal (keys go to the child as typed); output processing kept."""
        try:
            mode = termios.tcgetattr(fd)
        except termios.error:
            return
        self._saved_mode = list(mode)
        new = list(mode)
        new[0] &= ~(termios.BRKINT | termios.ICRNL | termios.INPCK | termios.ISTRIP
                    | termios.IXON)
        new[3] &= ~(termios.ECHO | termios.ICANON | termios.IEXTEN | termios.ISIG)
        cc = list(mode[6])
        cc[termios.VMIN], cc[termios.VTIME] = 1, 0
        new[6] = cc
        with contextlib.suppress(termios.error):
            termios.tcsetattr(fd, termios.TCSAFLUSH, new)

    def _restore(self) -> None:
        if self._saved_mode is not None:
            with contextlib.suppress(termios.error):
                termios.tcsetattr(self.stdin_fd, termios.TCSAFLUSH, self._saved_mode)
            self._saved_mode = None

    @staticmethod
    def _copy_size(src: int, dst: int) -> None:
        with contextlib.suppress(OSError):
            size = fcntl.ioctl(src, termios.TIOCGWINSZ, struct.pack("HHHH", 0, 0, 0, 0))
            fcntl.ioctl(dst, termios.TIOCSWINSZ, size)

    def resized(self) -> None:
        """Our terminal changed size: the child's follows (the kernel tells it, SIGWINCH)."""
        if self.pty:
            self._copy_size(self.stdin_fd, self.master)

    def pump(self, timeout: float) -> bool:
        """Relay what is ready within ``timeout`` seconds; whether the child wrote anything."""
        wrote = False
        for key, _ in self._selector.select(timeout):
            fd, to = key.fd, key.data
            try:
                data = os.read(fd, READ_SIZE)
            except BlockingIOError:
                continue
            except OSError as exc:  # EIO: the pseudo-terminal's last writer is gone
                if exc.errno != errno.EIO:
                    raise
                data = b""
            if to == -1:  # a key typed on our terminal, for the child
                if data:
                    _write_all(self.master, data)
                else:
                    self._selector.unregister(fd)
                continue
            if not data:
                self._selector.unregister(fd)
                self._open.discard(fd)
                continue
            _write_all(to, data)
            self.mid_line = not data.endswith((b"\n", b"\r"))
            wrote = True
        if wrote:
            self.last_output = time.monotonic()
        return wrote

    def say(self, line: str) -> None:
        """One line of planscope's own on stderr, on a line of its own even when the child
        left its last line open (a prompt)."""
        if self.mid_line:
            _write_all(self.stderr_fd, b"\n")
            self.mid_line = False
        if line:
            say(self.stderr_fd, line)

    @property
    def output_open(self) -> bool:
        return bool(self._open)

    def poll(self) -> int | None:
        return self.proc.poll()

    def signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signum)

    def stop(self) -> None:
        """End the child's whole process group: SIGTERM, then SIGKILL after a grace."""
        self.signal_group(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_S
        while self.proc.poll() is None and time.monotonic() < deadline:
            self.pump(0.05)
        self.signal_group(signal.SIGKILL)
        self.proc.wait()

    def end_leftovers(self) -> list[tuple[int, str]]:
        """End what the executor left running when it ended (background jobs, daemons it
        started, a process that keeps forking away from its pid): SIGTERM to its group and
        to what is found, then SIGKILL again and again until several scans in a row find
        nothing; (pid, name) of what was found."""
        group = self.proc.pid
        found: dict[int, str] = dict(leftovers(group))
        group_alive = _group_alive(group)
        self.signal_group(signal.SIGTERM)
        for pid in found:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_S
        while (found or group_alive) and time.monotonic() < deadline and (
                leftovers(group) or _group_alive(group)):
            _reap(set(found))
            time.sleep(0.05)
        quiet_scans, rounds = 0, 0
        while quiet_scans < 3 and rounds < 400:  # a forking process cannot outrun the scans
            rounds += 1
            self.signal_group(signal.SIGKILL)
            now = leftovers(group)
            if not now:
                quiet_scans += 1
                _reap(procfs.my_children())
                time.sleep(0.02)
                continue
            quiet_scans = 0
            for pid, name in now:
                found.setdefault(pid, name)
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            _reap({*found, *procfs.my_children()})
        _reap({*found, *procfs.my_children()})
        if group_alive and not found:
            found[group] = "processes of the executor's group"
        return sorted(found.items())

    def drain(self, within_s: float = 0.5) -> None:
        """What the child wrote before it ended (a grandchild holding the output open does not
        keep us waiting past ``within_s``)."""
        deadline = time.monotonic() + within_s
        while self.output_open and time.monotonic() < deadline:
            self.pump(0.05)

    def close(self) -> None:
        self._restore()
        if self.proc.poll() is None:
            self.stop()
        self._selector.close()
        if self.master >= 0:
            with contextlib.suppress(OSError):
                os.close(self.master)
            self.master = -1
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()

    def __enter__(self) -> Child:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _group_alive(group: int) -> bool:
    """Whether a process of the group still exists (zombies that are ours included: they
    are reaped right after)."""
    try:
        os.killpg(group, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _reap(pids: set[int]) -> None:
    """Collect those of ``pids`` that ended and were adopted by this process (it is their
    subreaper); others are not ours to wait for."""
    for pid in pids:
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(pid, os.WNOHANG)


def _take_terminal() -> None:
    """In the child, after setsid: its stdin (the pseudo-terminal) becomes its controlling
    terminal, so that job control and /dev/tty work for the executor."""
    with contextlib.suppress(OSError):
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def exit_status(code: int) -> int:
    """A shell's exit status for a child's return code (a signal N gives 128 + N)."""
    return 128 - code if code < 0 else code


def say(fd: int, line: str) -> None:
    """One line of planscope's own, between the child's (output processing is left on in
    raw mode, so a newline still returns the carriage)."""
    _write_all(fd, (line.rstrip("\n") + "\n").encode("utf-8", "replace"))

