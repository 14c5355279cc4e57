"""checker.agents.watchdog: real processes read through /proc, the /proc parsers fed text,
Quiet driven by a fake clock. Each real process runs in its own process group, killed when
the test ends."""

from __future__ import annotations

import contextlib
import os
import pty
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from checker.agents.watchdog import (
    NO_PROC,
    Activity,
    Quiet,
    TcpSocket,
    describe,
    observe,
    parse_address,
    parse_epoll_fds,
    parse_syscall,
    parse_tcp,
)
from checker.procfs import Stat, parse_stat

HAS_PROC = sys.platform.startswith("linux") and Path("/proc/self/stat").is_file()
linux = pytest.mark.skipif(not HAS_PROC, reason="reads process state from Linux /proc")
PATIENCE_S = 10.0  # a loaded machine may be slow to start a child; never a tight deadline
PY = sys.executable

Spawn = Callable[..., "subprocess.Popen[bytes]"]


def settle(pid: int, kind: str) -> Activity:
    """Observe until it says `kind` or PATIENCE_S pass; the last observation."""
    deadline = time.monotonic() + PATIENCE_S
    seen = observe(pid)
    while seen.kind != kind and time.monotonic() < deadline:
        time.sleep(0.1)
        seen = observe(pid)
    return seen


@pytest.fixture
def spawn() -> Iterator[Spawn]:
    """Start a process in its own process group (stdio /dev/null unless given); kill it after."""
    started: list[subprocess.Popen[bytes]] = []

    def start(*argv: str, **kwargs: Any) -> subprocess.Popen[bytes]:
        for stream in ("stdin", "stdout", "stderr"):
            kwargs.setdefault(stream, subprocess.DEVNULL)
        child = subprocess.Popen(argv, start_new_session=True, **kwargs)
        started.append(child)
        return child

    try:
        yield start
    finally:
        for child in started:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()


@pytest.fixture
def terminal() -> Iterator[int]:
    """The child side of a pseudo-terminal, as a file descriptor.

    Request it before `spawn`, so the children are killed before their terminal is closed."""
    parent, child = pty.openpty()
    try:
        yield child
    finally:
        os.close(child)
        os.close(parent)


# -- real processes ----------------------------------------------------------------------------


@linux
def test_input_on_a_terminal(terminal: int, spawn: Spawn) -> None:
    child = spawn(PY, "-c", "input()", stdin=terminal, stdout=terminal, stderr=terminal)
    seen = settle(child.pid, "input")
    assert seen.kind == "input", seen
    assert seen.detail.startswith("/dev/"), seen
    line = describe(seen, 30)
    print(line)
    assert line == (
        "no output for 30 s; waiting for input on the terminal: it may be asking you something"
    )


@linux
def test_input_read_through_the_tree(terminal: int, spawn: Spawn) -> None:
    # "; echo" keeps the shell alive as the parent instead of exec-ing python.
    child = spawn("sh", "-c", f"{shlex.quote(PY)} -c 'input()'; echo done", stdin=terminal)
    assert settle(child.pid, "input").kind == "input"


@linux
def test_sleeping(spawn: Spawn) -> None:
    child = spawn("sleep", "60")
    seen = settle(child.pid, "sleeping")
    assert seen.kind == "sleeping", seen
    line = describe(seen, 30)
    print(line)
    assert line == "no output for 30 s; sleeping"


@linux
def test_sleeping_with_a_terminal_is_not_input(terminal: int, spawn: Spawn) -> None:
    child = spawn("sleep", "60", stdin=terminal)
    assert settle(child.pid, "sleeping").kind == "sleeping"


@linux
def test_busy_loop_is_running(spawn: Spawn) -> None:
    child = spawn(PY, "-c", "while True: pass")
    seen = settle(child.pid, "running")
    assert seen.kind == "running", seen
    assert seen.detail.endswith(f", pid {child.pid}"), seen
    line = describe(seen, 30)
    print(line)
    assert line == f"no output for 30 s; using CPU (running: {seen.detail})"


@linux
def test_waiting_on_a_silent_server(spawn: Spawn) -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        code = f"import socket; s = socket.create_connection(('127.0.0.1', {port})); s.recv(1)"
        child = spawn(PY, "-c", code)
        server.settimeout(PATIENCE_S)
        connection, _ = server.accept()
        with connection:  # accepted, never answered
            seen = settle(child.pid, "network")
    assert seen == Activity("network", f"127.0.0.1:{port}")
    line = describe(seen, 30)
    print(line)
    assert line == f"no output for 30 s; waiting on a network reply from 127.0.0.1:{port}"


@linux
def test_stopped(spawn: Spawn) -> None:
    child = spawn("sleep", "60")
    os.kill(child.pid, signal.SIGSTOP)
    assert settle(child.pid, "stopped") == Activity("stopped", f"sleep, pid {child.pid}")


@linux
def test_exited(spawn: Spawn) -> None:
    child = spawn(PY, "-c", "pass")
    assert settle(child.pid, "exited").kind == "exited"  # a zombie, not reaped yet
    child.wait()
    assert observe(child.pid).kind in ("exited", "unknown")  # reaped: no such pid


@linux
def test_no_such_pid_does_not_raise() -> None:
    assert observe(2**31 - 1).kind in ("exited", "unknown")
    assert observe(-1).kind in ("exited", "unknown")


def test_no_proc_says_what_cannot_be_known(tmp_path: Path) -> None:
    seen = observe(os.getpid(), proc=tmp_path)
    assert seen == Activity("unknown", NO_PROC)
    assert describe(seen, 30) == (
        "no output for 30 s; cannot tell what it is doing on this system (no /proc)"
    )


# -- parsers -----------------------------------------------------------------------------------

STAT_TAIL = "S 1 4321 4321 0 -1 4194304 120 0 0 0 7 5 0 0 20 0 1 0 4242 1000 200"
TCP_HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"  # noqa: E501
TCP_LINES = [
    "   0: 0100007F:CCDB 00000000:0000 0A 00000000:00000001 00:00000000 00000000     0        0 34602 2 0000000025d571c1 100 0 0 10 0",  # noqa: E501
    "   4: 0100007F:CCDB 0100007F:C6A4 01 00000000:00000000 00:00000000 00000000     0        0 34605 1 0000000067077e73 20 0 0 10 -1",  # noqa: E501
    "   5: 0100007F:97E1 0100007F:E546 06 00000000:00000000 03:0000087E 00000000     0        0 0 3 00000000bb4a6d3b",  # noqa: E501
    "   9: not a socket line",
]
TCP6_LINES = [
    "   0: 00000000000000000000000001000000:1F90 00000000000000000000000001000000:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 7001 1 0 20 4 30 10 -1",  # noqa: E501
    "   1: 00000000000000000000000001000000:D2F0 B80D0120000000000000000001000000:01BB 02 00000000:00000000 00:00000000 00000000  1000        0 7002 1 0 20 4 30 10 -1",  # noqa: E501
    "   2: 0000000000000000FFFF00000100007F:D2F1 0000000000000000FFFF00000100000A:0050 01 00000000:00000000 00:00000000 00000000  1000        0 7003 1 0 20 4 30 10 -1",  # noqa: E501
]


@pytest.mark.parametrize("name", ["python3", "my prog", "odd) (name", "a (b) c)"])
def test_parse_stat_name_with_spaces_and_parentheses(name: str) -> None:
    assert parse_stat(f"4321 ({name}) {STAT_TAIL}\n") == Stat(4321, name, "S", 1, 12, 4321)


@pytest.mark.parametrize("text", ["", "garbage", "12 (x) S", "x (y) S 1 2 3 4 5 6 7 8 9 10 11 12"])
def test_parse_stat_malformed(text: str) -> None:
    assert parse_stat(text) is None


@linux
def test_parse_stat_of_this_process() -> None:
    stat = parse_stat(Path("/proc/self/stat").read_text())
    assert stat is not None
    assert (stat.pid, stat.ppid, stat.state) == (os.getpid(), os.getppid(), "R")


def test_parse_tcp_ipv4() -> None:
    sockets = parse_tcp("\n".join([TCP_HEADER, *TCP_LINES]), byteorder="little")
    assert sockets == {
        34602: TcpSocket(34602, "0.0.0.0:0", "0A"),
        34605: TcpSocket(34605, "127.0.0.1:50852", "01"),
    }  # inode 0 (TIME_WAIT) and the broken line are left out


def test_parse_tcp_ipv6() -> None:
    sockets = parse_tcp("\n".join([TCP_HEADER, *TCP6_LINES]), byteorder="little")
    assert sockets[7001].remote == "[::1]:54000"
    assert sockets[7002] == TcpSocket(7002, "[2001:db8::1]:443", "02")
    assert sockets[7003].remote == "10.0.0.1:80"  # IPv4-mapped, shown as IPv4


def test_parse_address_byte_order() -> None:
    assert parse_address("0100007F:0050", byteorder="little") == "127.0.0.1:80"
    assert parse_address("7F000001:0050", byteorder="big") == "127.0.0.1:80"


def test_parse_syscall() -> None:
    assert parse_syscall("0 0x0 0x5634561ac8a0 0x2000 0x7f 0x0 0x0 0x7ffe 0x7f9d\n") == (0, 0)
    assert parse_syscall("45 0x3 0x7f8ce63f1d30 0x1 0x0 0x0 0x0 0x7ffc 0x7f8c") == (45, 3)
    assert parse_syscall("-1 0x7ffe 0x7f9d") == (-1, 0x7FFE)  # blocked outside a system call
    assert parse_syscall("running\n") is None
    assert parse_syscall("") is None


def test_parse_epoll_fds() -> None:
    text = (
        "pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t1038\n"
        "tfd:       14 events:       19 data:                e  pos:0 ino:8f66 sdev:f\n"
        "tfd:       17 events:       19 data:               11  pos:0 ino:3 sdev:1a\n"
    )
    assert parse_epoll_fds(text) == {14, 17}
    assert parse_epoll_fds("pos:\t0\n") == set()


# -- the line ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("activity", "says"),
    [
        (Activity("input", "/dev/pts/3"), "waiting for input on the terminal: it may be asking you something"),  # noqa: E501
        (Activity("network", "1.2.3.4:443"), "waiting on a network reply from 1.2.3.4:443"),
        (Activity("running", "python3, pid 1234"), "using CPU (running: python3, pid 1234)"),
        (Activity("sleeping", "sleep, pid 9"), "sleeping"),
        (Activity("stopped", "vim, pid 7"), "stopped (vim, pid 7): it does nothing until resumed (fg, or kill -CONT)"),  # noqa: E501
        (Activity("disk", "cp, pid 5"), "waiting on the disk (cp, pid 5)"),
        (Activity("exited", "pid 5"), "it has exited"),
        (Activity("unknown", "cannot read /proc/5/stat"), "cannot tell what it is doing (cannot read /proc/5/stat)"),  # noqa: E501
        (Activity("unknown", ""), "cannot tell what it is doing"),
        (Activity("unknown", NO_PROC), "cannot tell what it is doing on this system (no /proc)"),
    ],
)
def test_describe(activity: Activity, says: str) -> None:
    assert describe(activity, 30) == f"no output for 30 s; {says}"


def test_describe_rounds_seconds() -> None:
    assert describe(Activity("sleeping"), 89.6).startswith("no output for 90 s; ")


# -- Quiet with a fake clock -------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_quiet_due_once_then_every_quiet_after() -> None:
    clock = FakeClock()
    quiet = Quiet(30, clock)
    assert not quiet.due(29.9)
    assert quiet.due(30)
    assert not quiet.due(30)  # reported for this spell
    assert not quiet.due(59.9)
    assert quiet.due(60)
    assert not quiet.due(89.9)
    assert quiet.due(90)


def test_quiet_reset_by_output() -> None:
    clock = FakeClock()
    quiet = Quiet(30, clock)
    clock.now = 20
    quiet.saw_output()
    assert not quiet.due(30)
    assert not quiet.due(49.9)
    assert quiet.quiet_for(45) == 25
    assert quiet.due(50)
    clock.now = 55
    quiet.saw_output()  # a new spell: due again 30 s after this output
    clock.now = 84.9
    assert not quiet.due()
    clock.now = 85
    assert quiet.quiet_for() == 30
    assert quiet.due()


def test_quiet_needs_a_positive_interval() -> None:
    with pytest.raises(ValueError, match="positive"):
        Quiet(0, FakeClock())
