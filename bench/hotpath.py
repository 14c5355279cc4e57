"""Where people and agents wait, in one interleaved run: the edit-time guard (one Edit, 30
and 3,000 globs in the slice), ``hook commit-msg`` on its full path and ``hook pre-commit``,
each with the rules unchanged since the last call and right after a plan edit, against
``python -c "import yaml"``. Every round runs each command once, in turn, so a busy moment
of a shared machine weighs on all of them alike; the figure is the ratio of medians (wall
time and CPU time, the process and its children), printed beside its target.

Run: python bench/hotpath.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PLANSCOPE, children_cpu, clean_env, git, machine

PLAN = """\
version: 1
id: {id}
title: Plan {id}
status: in-progress
forbid: [secrets/**]
slices:
  - id: s
    title: S
    files:
      create: ['src/{id}/*.py']
      modify: [README.md]
    allow: [{allow}]
"""


class Case:
    """One command line, with what to do before each run (not timed)."""

    def __init__(self, name: str, cmd: Sequence[str], cwd: Path, stdin: bytes = b"",
                 before: Callable[[], None] | None = None, ok: Sequence[int] = (0,)) -> None:
        self.name, self.cmd, self.cwd, self.stdin, self.before, self.ok = (
            name, tuple(cmd), cwd, stdin, before, ok)
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def run(self, env: dict[str, str]) -> None:
        if self.before is not None:
            self.before()
        cpu, start = children_cpu(), time.perf_counter()
        done = subprocess.run(self.cmd, cwd=self.cwd, input=self.stdin, capture_output=True,
                              env=env, check=False)
        self.wall.append(time.perf_counter() - start)
        self.cpu.append(children_cpu() - cpu)
        if done.returncode not in self.ok:
            raise SystemExit(f"{self.name}: exit {done.returncode}: {done.stderr.decode()}")

    def median(self) -> tuple[float, float]:
        return statistics.median(self.wall), statistics.median(self.cpu)


def repo(root: Path, globs: int) -> None:
    git(root, "init", "-q", "-b", "p0/s")
    (root / "plans").mkdir()
    allow = ", ".join(f"'tests/p0/g{i}/**'" for i in range(globs))
    for i in range(5):
        (root / f"plans/p{i}.yaml").write_text(PLAN.format(id=f"p{i}", allow=allow or "x"))
    (root / ".planscope.yaml").write_text("on_drift: block\nforbid: ['**/*.pem']\n")
    (root / "README.md").write_text("readme\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "init\n\nPlan: none")
    (root / "src/p0").mkdir(parents=True)
    for i in range(10):
        (root / f"src/p0/m{i}.py").write_text(f"x = {i}\n")
    git(root, "add", "src")
    (root / ".git/MSG").write_text("work\n\nPlan: plans/p0.yaml#s\n")
    subprocess.run((*PLANSCOPE, "use", "plans/p0.yaml#s"), cwd=root, check=True,
                   capture_output=True, env=clean_env())


def editor(root: Path) -> Callable[[], None]:
    """Before each run: the claimed plan edited and committed (a new text every time)."""
    plan = root / "plans/p0.yaml"
    base = plan.read_text()

    def edit() -> None:
        plan.write_text(base + f"# edit {time.time_ns()}\n")
        git(root, "commit", "-q", "-m", "edit\n\nPlan: none", "--", "plans/p0.yaml")
    return edit


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    runs = ap.parse_args(argv).runs
    import checker  # as a wheel installs it: bytecode compiled

    subprocess.run((sys.executable, "-m", "compileall", "-q",
                    str(Path(checker.__file__).parent)), check=True)
    env = clean_env()
    with tempfile.TemporaryDirectory() as tmp:
        small, big, edited = Path(tmp, "g30"), Path(tmp, "g3000"), Path(tmp, "edited")
        for root, n in ((small, 30), (big, 3000), (edited, 30)):
            root.mkdir()
            repo(root, n)

        def edit(root: Path) -> bytes:
            return json.dumps({"hook_event_name": "PreToolUse", "tool_name": "Edit",
                               "cwd": str(root), "tool_input": {
                                   "file_path": str(root / "src/p0/m1.py"),
                                   "old_string": "x", "new_string": "y"}}).encode()
        bump = editor(edited)
        cases = [
            Case("python -c pass", (sys.executable, "-c", "pass"), small),
            Case("import yaml", (sys.executable, "-c", "import yaml"), small),
            Case("guard, 30 globs", (*PLANSCOPE, "guard"), small, edit(small)),
            Case("guard, 3,000 globs", (*PLANSCOPE, "guard"), big, edit(big)),
            Case("guard after a plan edit", (*PLANSCOPE, "guard"), edited, edit(edited),
                 bump),
            Case("hook commit-msg", (*PLANSCOPE, "hook", "commit-msg", ".git/MSG"), small),
            Case("commit-msg after a plan edit", (*PLANSCOPE, "hook", "commit-msg",
                                                  ".git/MSG"), edited, before=bump),
            Case("hook pre-commit", (*PLANSCOPE, "hook", "pre-commit"), small),
        ]
        for c in cases[2:]:  # one run each first: the caches a warm call finds
            c.run(env)
            c.wall.clear()
            c.cpu.clear()
        for i in range(runs):
            for c in cases[i % len(cases):] + cases[:i % len(cases)]:
                c.run(env)
    yaml_wall, yaml_cpu = cases[1].median()
    targets = {"guard, 30 globs": 1.5, "guard, 3,000 globs": 1.5,
               "guard after a plan edit": 3.0, "hook commit-msg": 1.5,
               "commit-msg after a plan edit": 3.0, "hook pre-commit": 1.5}
    print(f"machine: {machine()}; {runs} interleaved rounds; medians; "
          f"load {os.getloadavg()[0]:.2f}")
    print(f"{'':30} {'wall':>8} {'cpu':>8}   {'x yaml (wall)':>13} {'x yaml (cpu)':>12}  target")
    for c in cases:
        wall, cpu = c.median()
        target = targets.get(c.name)
        tail = (f"   {wall / yaml_wall:10.2f}x {cpu / yaml_cpu:11.2f}x  <= {target}  "
                f"{'met' if cpu / yaml_cpu <= target else 'missed'}" if target else "")
        print(f"{c.name:30} {wall * 1000:6.1f}ms {cpu * 1000:6.1f}ms{tail}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
