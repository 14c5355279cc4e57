"""The "untouched" list of a check: what N literal planned paths add to classifying a change
of 20,000 files (in-process, the best of --runs runs), in milliseconds and as a share of
classifying the change with no planned path. Target: 2,000 literals add at most 20 ms (the
whole-command ratios against git are in big_diff.py).

Run: python bench/untouched.py [--runs N]
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _common import machine

from checker.git.formats import Change
from checker.rules.globs import Fold
from checker.rules.scope import Forbids, Scope, classify

FILES = 20_000


def paths() -> list[str]:
    return [f"pkg{d % 20}/mod{d}/file{f}.py" for d in range(FILES // 10) for f in range(10)]


def best(scope: Scope, changes: list[Change], runs: int) -> float:
    """The best of ``runs`` timings, the garbage collector held off while timing."""
    times = []
    for _ in range(runs):
        gc.collect()
        gc.disable()
        start = time.perf_counter()
        classify(changes, scope)
        times.append(time.perf_counter() - start)
        gc.enable()
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    changes = [Change("M", p) for p in paths()]
    fold = Fold()
    allowed = fold.matcher(["pkg*/**"])
    forbidden = Forbids([("forbid", ("**/*.pem",))], fold)
    print(machine())
    base = best(Scope(allowed, forbidden, ()), changes, runs)
    print(f"classify {FILES} changed paths, no planned literal: {base * 1000:.1f} ms")
    for count in (50, 500, 2000):
        planned = tuple(f"src/never/touched{i}.py" for i in range(count - count // 2)) + \
            tuple(f"pkg{i % 20}/mod{i}" for i in range(count // 2))  # half are folders
        added = best(Scope(allowed, forbidden, planned), changes, runs) - base
        print(f"  {count:5d} literal planned paths add {added * 1000:7.1f} ms "
              f"({added / base:5.2f}x the classification)"
              + ("   target: at most 20 ms" if count == 2000 else ""))


if __name__ == "__main__":
    main()
