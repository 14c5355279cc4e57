"""What is a quiet child doing? One answer for the whole process tree, read from Linux /proc.

``planscope run`` prints one line when the agent has printed nothing for a while, so a person
can tell "hung" from "waiting on me". Only reads, never raises: a process that is gone or a file
that may not be read (permissions, a kernel that hides it) just makes the answer less precise.

What is read (proc(5)), for the process and every descendant:

* ``/proc/*/stat``: name, state (R S D T t Z), parent pid (the tree; one pass over /proc works
  on kernels without ``task/*/children``) and utime+stime. Two samples ``sample_s`` apart tell
  "using CPU" even when the state reads S between time slices.
* ``/proc/PID/task/TID/syscall``: the call each thread is blocked in and its first argument:
  the descriptor of a read or recv, the epoll descriptor of epoll_wait (numbers for x86_64 and
  aarch64). It needs ptrace access, which a parent has over its own children. When it is
  unreadable, ``/proc/PID/task/TID/wchan`` names the kernel function it sleeps in (or reads 0).
* ``/proc/PID/fd/*``: what a descriptor is: a terminal (``/dev/pts/N``) or ``socket:[INODE]``;
  ``/proc/PID/fdinfo/EPFD`` lists the descriptors (``tfd:``) an epoll set watches.
* ``/proc/PID/net/tcp`` and ``tcp6``: the socket with that inode, its remote address and state
  (only 01 established and 02 connecting count: a listening socket waits on nobody).

A thread blocked reading a terminal waits for input; one blocked on a connected TCP socket waits
on a network reply. Across threads and processes the most telling state wins (``RANK``).
"""

from __future__ import annotations

import ipaddress
import os
import platform
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from checker import procfs
from checker.procfs import Stat
from checker.record import record

PROC = Path("/proc")
NO_PROC = "no /proc"
RANK = ("running", "input", "stdin", "stopped", "network", "disk", "sleeping")  # most telling first
BUSY_SHARE = 0.05  # share of one CPU between the two samples that counts as "using CPU"
CONNECTED = ("02", "01")  # TCP states SYN_SENT, ESTABLISHED; a connecting socket tells more

_MACHINE = platform.machine().lower()
_ARCH = {"amd64": "x86_64", "arm64": "aarch64"}.get(_MACHINE, _MACHINE)
# System calls whose first argument is the descriptor read: read, pread64, readv, preadv(2),
# recvfrom, recvmsg, recvmmsg; then epoll_wait/epoll_pwait(2); then poll, select and friends.
_READS = {
    "x86_64": {0, 17, 19, 45, 47, 295, 299, 327},
    "aarch64": {63, 65, 67, 69, 207, 212, 243, 286},
}
_EPOLLS = {"x86_64": {232, 281, 441}, "aarch64": {22, 441}}
_POLLS = {"x86_64": {7, 23, 270, 271}, "aarch64": {72, 73}}
# Kernel functions a thread sleeps in (wchan prefixes), when the syscall file cannot be read.
_TTY_WCHANS = ("n_tty_read", "tty_read")
_NET_WCHANS = ("sk_wait", "sk_stream_wait", "tcp_", "inet_wait_for_connect", "__skb_")
_ANY_WCHANS = ("wait_woken", "poll_schedule", "do_select", "do_sys_poll", "ep_poll", "do_epoll")
_BOTH = ("input", "network")
_WCHANS = ((_TTY_WCHANS, ("input",)), (_NET_WCHANS, ("network",)), (_ANY_WCHANS, _BOTH))


@record(frozen=True)
class Activity:
    # "input" | "stdin" | "network" | "running" | "sleeping" | "stopped" | "disk" | "exited"
    # | "unknown"
    kind: str
    detail: str = ""  # the tty, the remote address, or "name, pid N" of the busy process


@record(frozen=True)
class TcpSocket:
    inode: int
    remote: str
    state: str  # hex code as in /proc/net/tcp: "01" established, "02" SYN_SENT, "0A" listen


def parse_address(text: str, byteorder: str = sys.byteorder) -> str:
    """``0100007F:01BB`` -> ``127.0.0.1:443``; the address is 32-bit words in host byte order."""
    hex_ip, _, hex_port = text.partition(":")
    raw = bytes.fromhex(hex_ip)
    if byteorder == "little":
        raw = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    ip = ipaddress.ip_address(raw)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    host = f"[{ip}]" if ip.version == 6 else str(ip)
    return f"{host}:{int(hex_port, 16)}"


def parse_tcp(text: str, byteorder: str = sys.byteorder) -> dict[int, TcpSocket]:
    """/proc/net/tcp or tcp6 text: inode -> socket, for every line that parses."""
    sockets: dict[int, TcpSocket] = {}
    for line in text.splitlines()[1:]:
        fields = line.split()
        try:
            sock = TcpSocket(int(fields[9]), parse_address(fields[2], byteorder), fields[3].upper())
        except (ValueError, IndexError):
            continue
        if sock.inode:
            sockets[sock.inode] = sock
    return sockets


def parse_syscall(text: str) -> tuple[int, int] | None:
    """/proc/PID/syscall: (number, first argument); None when running or unreadable."""
    fields = text.split()
    try:
        return int(fields[0]), int(fields[1], 16)
    except (ValueError, IndexError):
        return None


def parse_epoll_fds(text: str) -> set[int]:
    """/proc/PID/fdinfo/EPFD of an epoll descriptor: the descriptors it watches."""
    rows = (line.split() for line in text.splitlines())
    return {int(r[1]) for r in rows if len(r) > 1 and r[0] == "tfd:" and r[1].isdigit()}


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


def _listdir(path: Path) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


def _fds(pdir: Path) -> dict[int, str]:
    """Descriptor -> what it points at (``/dev/pts/3``, ``socket:[123]``)."""
    links: dict[int, str] = {}
    for name in _listdir(pdir / "fd"):
        try:
            links[int(name)] = os.readlink(pdir / "fd" / name)
        except (OSError, ValueError):
            continue
    return links


def _tree(stats: dict[int, Stat], root: int) -> list[Stat]:
    """The root and all its descendants."""
    children: dict[int, list[int]] = {}
    for stat in stats.values():
        children.setdefault(stat.ppid, []).append(stat.pid)
    tree: dict[int, Stat] = {}
    todo = [root]
    while todo:
        pid = todo.pop()
        if pid in stats and pid not in tree:
            tree[pid] = stats[pid]
            todo.extend(children.get(pid, []))
    return list(tree.values())


def _best(found: Iterable[Activity | None]) -> Activity | None:
    ranked = [a for a in found if a is not None and a.kind in RANK]
    return min(ranked, key=lambda a: RANK.index(a.kind), default=None)


def _is_tty(target: str) -> bool:
    return target.startswith(("/dev/pts/", "/dev/tty")) or target == "/dev/console"


def _waiting_on(targets: Iterable[str], kinds: tuple[str, ...], pdir: Path) -> Activity | None:
    """A terminal among the targets -> input; else a connected TCP socket -> network."""
    targets = list(targets)
    ttys = [t for t in targets if _is_tty(t)]
    if "input" in kinds and ttys:
        return Activity("input", ttys[0])
    inodes = {int(t[8:-1]) for t in targets if t.startswith("socket:[") and t[8:-1].isdigit()}
    if "network" not in kinds or not inodes:
        return None
    tcp = {**parse_tcp(_read(pdir / "net" / "tcp")), **parse_tcp(_read(pdir / "net" / "tcp6"))}
    remotes = [tcp[i] for i in inodes if i in tcp and tcp[i].state in CONNECTED]
    remotes.sort(key=lambda s: CONNECTED.index(s.state))
    return Activity("network", remotes[0].remote) if remotes else None


def _thread(tdir: Path, fds: dict[int, str], pdir: Path) -> Activity | None:
    """What one sleeping thread waits on: its blocking call if readable, else its wchan."""
    call = parse_syscall(_read(tdir / "syscall"))
    if call is not None and call[0] >= 0 and _ARCH in _READS:
        number, arg = call
        if number in _READS[_ARCH]:
            target = fds.get(arg, "")
            if arg == 0 and target.startswith("pipe:"):
                return Activity("stdin", "a pipe")
            return _waiting_on([target], _BOTH, pdir)
        if number in _EPOLLS[_ARCH]:
            watched = parse_epoll_fds(_read(tdir / "fdinfo" / str(arg)))
            return _waiting_on((fds.get(fd, "") for fd in watched), _BOTH, pdir)
        return _waiting_on(fds.values(), _BOTH, pdir) if number in _POLLS[_ARCH] else None
    wchan = _read(tdir / "wchan").strip()
    for prefixes, kinds in _WCHANS:
        if wchan.startswith(prefixes):
            return _waiting_on(fds.values(), kinds, pdir)
    return None


def _process(proc: Path, stat: Stat, busy: bool) -> Activity:
    """The most telling activity among one process's threads."""
    who = f"{stat.name}, pid {stat.pid}"
    if busy or stat.state == "R":
        return Activity("running", who)
    if stat.state in ("T", "t"):
        return Activity("stopped", who)
    pdir = proc / str(stat.pid)
    fds = _fds(pdir)
    found: list[Activity | None] = []
    for tid in _listdir(pdir / "task") or [str(stat.pid)]:
        tdir = pdir / "task" / tid
        state = (procfs.parse_stat(_read(tdir / "stat")) or stat).state
        if state in ("R", "D"):
            found.append(Activity("running" if state == "R" else "disk", who))
        else:
            found.append(_thread(tdir, fds, pdir))
    return _best(found) or Activity("disk" if stat.state == "D" else "sleeping", who)


def observe(pid: int, *, proc: Path = PROC, sample_s: float = 0.2) -> Activity:
    """What the process tree rooted at pid is doing now; sample_s apart are the two CPU samples.

    Never raises: "exited" when the process is gone or a zombie, "unknown" when it cannot be read.
    """
    if not (proc / "stat").is_file():
        return Activity("unknown", NO_PROC)
    if not (proc / str(pid)).exists():
        return Activity("exited", f"pid {pid}")
    before = procfs.processes(str(proc))
    if sample_s > 0:
        time.sleep(sample_s)
    now = procfs.processes(str(proc))
    root = now.get(pid)
    if root is None or root.state in ("Z", "X"):
        if root is None and (proc / str(pid)).exists():
            return Activity("unknown", f"cannot read {proc}/{pid}/stat")
        return Activity("exited", f"pid {pid}")
    threshold = max(sample_s, 0.0) * (os.sysconf("SC_CLK_TCK") or 100) * BUSY_SHARE
    found = []
    for stat in _tree(now, pid):
        if stat.state not in ("Z", "X"):
            old = before.get(stat.pid)
            busy = old is not None and sample_s > 0 and stat.cpu_ticks - old.cpu_ticks >= threshold
            found.append(_process(proc, stat, busy))
    return _best(found) or Activity("sleeping")


_SAYS = {
    "input": "waiting for input on the terminal: it may be asking you something",
    "stdin": "waiting for input on its stdin ({detail}): it reads what is piped to it",
    "network": "waiting on a network reply from {detail}",
    "running": "using CPU (running: {detail})",
    "sleeping": "sleeping",
    "stopped": "stopped ({detail}): it does nothing until resumed (fg, or kill -CONT)",
    "disk": "waiting on the disk ({detail})",
    "exited": "it has exited",
}


def describe(activity: Activity, quiet_s: float) -> str:
    """The one line for a person, e.g. "no output for 30 s; sleeping"."""
    if activity.kind in _SAYS:
        what = _SAYS[activity.kind].format(detail=activity.detail)
    elif activity.detail == NO_PROC:
        what = "cannot tell what it is doing on this system (no /proc)"
    else:
        what = "cannot tell what it is doing" + (f" ({activity.detail})" if activity.detail else "")
    return f"no output for {quiet_s:.0f} s; {what}"


class Quiet:
    """When the child's last output was, and whether a quiet spell is due a report.

    ``due`` is true once the child has been quiet for ``quiet_after`` seconds, then again every
    ``quiet_after`` seconds while the spell lasts; ``saw_output`` starts a new spell. The clock
    (monotonic seconds) is injected so tests can drive it without waiting.
    """

    def __init__(self, quiet_after: float, clock: Callable[[], float] = time.monotonic) -> None:
        if quiet_after <= 0:
            raise ValueError(f"quiet_after must be positive, not {quiet_after}")
        self.quiet_after = quiet_after
        self._clock = clock
        self._last = clock()
        self._next = self._last + quiet_after

    def saw_output(self) -> None:
        self._last = self._clock()
        self._next = self._last + self.quiet_after

    def quiet_for(self, now: float | None = None) -> float:
        """Seconds since the last output (or since the start)."""
        return (self._clock() if now is None else now) - self._last

    def due(self, now: float | None = None) -> bool:
        now = self._clock() if now is None else now
        if now < self._next:
            return False
        self._next = now + self.quiet_after
        return True
