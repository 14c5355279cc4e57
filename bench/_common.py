"""Shared helpers for the benchmarks: temp repositories and median timings."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

_SCRIPT = Path(sys.executable).with_name("planscope")
# The console script as users and hooks run it (``python -m checker`` adds runpy).
PLANSCOPE = (sys.executable, str(_SCRIPT)) if _SCRIPT.is_file() else (
    sys.executable, "-m", "checker")


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "ANTHROPIC_"))}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull,
               GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.com",
               GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="bench@example.com")
    return env


def git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    return subprocess.run(("git", *args), cwd=root, input=stdin, capture_output=True,
                          check=True, env=clean_env()).stdout


def children_cpu() -> float:
    """CPU seconds (user and system) of this process's finished children so far."""
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def median_time(cmd: Sequence[str], cwd: Path, runs: int, ok: Sequence[int] = (0,)) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, env=clean_env(), check=False)
        times.append(time.perf_counter() - start)
        if proc.returncode not in ok:
            raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.decode()}")
    return statistics.median(times)


def machine() -> str:
    import platform

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
