"""Model calls of the verification pass: N commits, each with a drifted path, checked by the
pre-push entry against the fake Messages API (tests/fake_api.py) on 127.0.0.1, twice.
Target: at most one call per commit on the first run, none on the second (the cache).

Run: python bench/api_calls.py [--commits N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]
from _common import PLANSCOPE, clean_env, git, machine

from tests import fake_api

PLAN = """\
version: 1
id: bench
title: Bench
slices:
  - id: s
    title: S
    files:
      create: ['src/**']
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commits", type=int, default=10)
    n = parser.parse_args().commits
    with tempfile.TemporaryDirectory() as tmp, fake_api.running() as api:
        root = Path(tmp)
        git(root, "init", "-q", "-b", "main")
        (root / "plans").mkdir()
        (root / "plans/bench.yaml").write_text(PLAN)
        (root / ".planscope.yaml").write_text(
            "on_drift: verify\nverify: {timeout_s: 20}\nexempt: {paths: [.planscope.yaml]}\n"
        )
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "plan", "-m", "Plan: none")
        for i in range(n):
            (root / "src").mkdir(exist_ok=True)
            (root / f"src/m{i}.py").write_text(f"x = {i}\n")
            (root / f"docs{i}.md").write_text(f"notes {i}\n")  # the drifted path
            git(root, "add", "-A")
            git(root, "commit", "-q", "-m", f"change {i}", "-m", "Plan: plans/bench.yaml#s")
        api.default = fake_api.verdicts(*((f"docs{i}.md", "incidental", 0.9) for i in range(n)))
        head = git(root, "rev-parse", "HEAD").decode().strip()
        push = f"refs/heads/main {head} refs/heads/main {'0' * 40}\n"
        env = clean_env() | {"ANTHROPIC_BASE_URL": api.url, "ANTHROPIC_API_KEY": "sk-bench"}
        calls = []
        for _ in range(2):
            before = len(api.requests)
            start = time.perf_counter()
            proc = subprocess.run((*PLANSCOPE, "hook", "pre-push", "origin", "file:///dev/null"),
                                  cwd=root, input=push.encode(), capture_output=True, env=env,
                                  check=False)
            elapsed = time.perf_counter() - start
            if proc.returncode != 0:
                raise SystemExit(f"pre-push exited {proc.returncode}: {proc.stderr.decode()}")
            calls.append((len(api.requests) - before, elapsed))
        print(f"machine: {machine()}; {n} commits, each with one drifted path")
        for label, (count, elapsed) in zip(("first run", "second run"), calls, strict=True):
            print(f"{label:<11}: {count:3d} model calls ({count / n:.2f} per commit), "
                  f"{elapsed:5.2f} s")


if __name__ == "__main__":
    main()
