"""planscope stats over 10,000 commits (3 plans, 2 executors, a drifted path in every
tenth commit) against the two git log passes it is made of, on the same range.

Run: python bench/stats.py [--commits N] [--runs N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PLANSCOPE, git, machine, median_time

PLAN = """version: 1
id: p{n}
title: Plan {n}
status: in-progress
slices:
  - id: s
    title: S
    files:
      modify: ['src/p{n}/**']
"""


def stream(commits: int) -> bytes:
    out = []
    for i in range(commits):
        n = i % 3
        executor = "codex" if i % 2 else "claude-code"
        message = f"change {i}\n\nPlan: plans/p{n}.yaml#s\nExecutor: {executor}\n"
        out.append(b"commit refs/heads/main\n")
        out.append(b"committer Bench <b@example.com> %d +0000\n" % (1700000000 + i * 60))
        out.append(b"data %d\n%s\n" % (len(message), message.encode()))
        if i == 0:  # later commits of the stream follow on the branch by themselves
            config = b"on_drift: block\n"
            out.append(b"M 644 inline .planscope.yaml\ndata %d\n%s\n" % (len(config), config))
            for k in range(3):
                text = PLAN.format(n=k).encode()
                out.append(b"M 644 inline plans/p%d.yaml\ndata %d\n%s\n" % (k, len(text), text))
        body = b"x = %d\n" % i
        path = f"src/p{n}/m{i % 50}.py" if i % 10 else f"docs/note{i % 7}.md"
        out.append(b"M 644 inline %s\ndata %d\n%s\n" % (path.encode(), len(body), body))
    return b"".join(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        git(root, "init", "-q", "-b", "main")
        git(root, "fast-import", "--quiet", stdin=stream(args.commits))
        git(root, "reset", "-q", "--hard", "main")
        log = ("git", "log", "-z", "--name-status", "--format=%H%x1f%P%x1f%s", "main")
        t_log = median_time(log, root, args.runs)
        t_stats = median_time((*PLANSCOPE, "stats", "--by", "executor", "--format", "json"),
                              root, args.runs)
        import json
        import subprocess

        doc = json.loads(subprocess.run((*PLANSCOPE, "stats", "--by", "executor", "--format",
                                         "json"), cwd=root, capture_output=True, check=True,
                                        text=True).stdout)
        total = doc["total"]
        print(f"machine: {machine()}; {args.commits} commits; median of {args.runs} runs")
        print(f"counted: {total['commits']} commits, {total['drift']} drifted paths (expected "
              f"{args.commits} and {(args.commits - 1) // 10 + 5}: every tenth commit touches "
              f"docs/, the first also adds the config and the 3 plans), executors "
              f"{sorted((g['key'], g['commits']) for g in doc['groups'])}")
        print(f"git log -z --name-status (one pass) : {t_log * 1000:8.1f} ms")
        print(f"planscope stats --by executor        : {t_stats * 1000:8.1f} ms "
              f"({t_stats / t_log:.1f}x one git log pass)")


if __name__ == "__main__":
    main()
