"""checker.globs.Matcher against pathspec: 20,000 paths, 30 / 300 / 3,000 globs and 2,000
literal paths. Each figure is compile + match every path, the best of --runs runs (other
work on a shared machine only ever adds time).

Run: python bench/globs.py [--runs N] [--no-pathspec]
(pathspec is not a dependency of planscope: ``pip install pathspec`` for the comparison.)
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _common import machine

from checker.rules.globs import Matcher

FOLDERS, PER_FOLDER = 2000, 10


def paths() -> list[str]:
    """20,000 paths in 2,000 module folders: code, tests, docs and images."""
    out = []
    for d in range(FOLDERS):
        for f in range(PER_FOLDER):
            if f < 6:
                out.append(f"pkg{d % 20}/mod{d}/file{f}.py")
            elif f < 8:
                out.append(f"pkg{d % 20}/mod{d}/tests/test_{f}.py")
            elif f == 8:
                out.append(f"docs/mod{d}/page.md")
            else:
                out.append(f"assets/mod{d}/img/logo.png")
    return out


def globs(count: int) -> list[str]:
    """Plan-like globs: folder trees, '*.py' in a folder, tests, docs folders, '**/' globs,
    negations."""
    kinds: list[Callable[[int], str]] = [
        lambda n: f"pkg{n % 20}/mod{n * 7 % FOLDERS}/**",
        lambda n: f"pkg*/mod{n}/*.py",
        lambda n: f"pkg{n % 20}/mod{n}/tests/test_*.py",
        lambda n: f"docs/mod{n * 3 % FOLDERS}/",
        lambda n: f"**/mod{n * 11 % FOLDERS}/img/*.png",
        lambda n: f"!pkg{n % 20}/mod{n * 13 % FOLDERS}/file0.py",
    ]
    return [kinds[n % len(kinds)](n) for n in range(count)]


def literals(count: int) -> list[str]:
    rnd = random.Random(7)
    return [f"pkg{d % 20}/mod{d}/file{rnd.randrange(6)}.py"
            for d in rnd.sample(range(FOLDERS), count)]


def run_globs(patterns: Sequence[str], data: Sequence[str]) -> int:
    matcher = Matcher(patterns)
    return sum(map(matcher.match, data))


def run_pathspec(patterns: Sequence[str], data: Sequence[str]) -> int:
    import pathspec

    spec = pathspec.PathSpec.from_lines("gitignore", patterns)
    return sum(map(spec.match_file, data))


def best_ms(fn: Callable[[Sequence[str], Sequence[str]], int], patterns: Sequence[str],
              data: Sequence[str], runs: int) -> tuple[float, int]:
    times, hits = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        hits = fn(patterns, data)
        times.append(time.perf_counter() - start)
    return min(times) * 1000, hits


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-pathspec", action="store_true")
    args = parser.parse_args()
    try:
        import pathspec  # noqa: F401
    except ImportError:
        args.no_pathspec = True
    data = paths()
    cases = {"30 globs": globs(30), "300 globs": globs(300), "3000 globs": globs(3000),
             "2000 literal paths": literals(2000)}
    print(f"{machine()}; {len(data)} paths; best of {args.runs} runs (pathspec: 1 run at 3000)")
    ours: dict[str, float] = {}
    for name, patterns in cases.items():
        ours[name], hits = best_ms(run_globs, patterns, data, args.runs)
        line = f"{name:>20}: globs {ours[name]:8.1f} ms ({hits} matched)"
        if not args.no_pathspec:
            runs = 1 if len(patterns) > 1000 else args.runs
            theirs, their_hits = best_ms(run_pathspec, patterns, data, runs)
            line += f"   pathspec {theirs:9.1f} ms ({their_hits} matched)"
        print(line)
    print(f"ratio 3000/30 globs: {ours['3000 globs'] / ours['30 globs']:.2f}")
    print(f"ratio 2000 literals/30 globs: {ours['2000 literal paths'] / ours['30 globs']:.2f}")


if __name__ == "__main__":
    main()
