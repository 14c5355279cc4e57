"""Linux ``/proc``, read in one place: a process's stat line (name, state, parent, process
group, CPU ticks) and argv, every visible process, and this process's children. Nothing here
raises: what cannot be read is absent. Cheap to import (the commit hook asks it whether it
runs under ``git commit --amend``)."""

from __future__ import annotations

import os
from typing import NamedTuple

PROC = "/proc"


class Stat(NamedTuple):
    pid: int
    name: str
    state: str  # R S D T t Z X
    ppid: int
    cpu_ticks: int  # utime + stime, in clock ticks
    pgrp: int = 0  # process group


def parse_stat(text: str) -> Stat | None:
    """One ``/proc/PID/stat`` line. The name sits in parentheses and may hold spaces and
    ``)``: it ends at the last ``)``."""
    head, _, tail = text.rpartition(")")
    pid, _, name = head.partition(" (")
    fields = tail.split()
    try:
        return Stat(int(pid), name, fields[0], int(fields[1]),
                    int(fields[11]) + int(fields[12]), int(fields[2]))
    except (ValueError, IndexError):
        return None


def read_text(path: str) -> str:
    """A /proc file's text; "" when it cannot be read."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError:
        return ""


def available(proc: str = PROC) -> bool:
    return os.path.isfile(os.path.join(proc, "self", "stat"))


def stat(pid: int | str, proc: str = PROC) -> Stat | None:
    return parse_stat(read_text(os.path.join(proc, str(pid), "stat")))


def cmdline(pid: int | str, proc: str = PROC) -> list[str] | None:
    """A process's argv (names decoded like ``os.fsdecode``); None when it cannot be read."""
    try:
        with open(os.path.join(proc, str(pid), "cmdline"), "rb") as fh:
            raw = fh.read()
    except OSError:
        return None
    return [os.fsdecode(a) for a in raw.split(b"\0") if a]


def listdir(path: str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


def processes(proc: str = PROC) -> dict[int, Stat]:
    """Every visible process's stat, by pid."""
    found = (stat(name, proc) for name in listdir(proc) if name.isdigit())
    return {s.pid: s for s in found if s is not None}


def my_children(proc: str = PROC) -> set[int]:
    """This process's children as the kernel lists them (adopted orphans included): one
    small read per thread, quick enough to catch a process that keeps forking away."""
    found: set[int] = set()
    tasks = os.path.join(proc, "self", "task")
    for tid in listdir(tasks):
        try:
            found.update(int(p) for p in read_text(os.path.join(tasks, tid, "children")).split())
        except ValueError:
            continue
    return found
