"""A push of 100 commits, each claiming a slice by its trailer: ``planscope hook pre-push``
versus ``git log --name-status -z`` over the same range (the git work it cannot avoid),
both with ``python -c pass`` taken off planscope as start-up. Target: at most 1.2.

Run: python bench/prepush.py [--runs N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PLANSCOPE, clean_env, git, machine, median_time

COMMITS = 100
PLAN = """version: 1
id: big
title: Big
status: approved
slices:
  - id: s
    title: S
    files:
      modify: ["src/**"]
"""


def _commit(message: str, files: dict[str, bytes]) -> list[bytes]:
    out = [b"commit refs/heads/main\n", b"committer Bench <b@example.com> 1700000000 +0000\n",
           b"data %d\n%s\n" % (len(message), message.encode())]
    for path, data in files.items():  # later commits on the branch follow the one before
        out.append(b"M 644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))
    return out


def fast_import_stream() -> bytes:
    out = _commit("Set up planscope", {"plans/big.yaml": PLAN.encode(),
                                       ".planscope.yaml": b"on_drift: block\n"})
    for i in range(COMMITS):
        out += _commit(f"change {i}\n\nPlan: plans/big.yaml#s",
                       {f"src/m{i % 10}/f{f}.py": f"{i}\n".encode() for f in range(3)})
    return b"".join(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        git(root, "init", "-q", "-b", "main")
        git(root, "fast-import", "--quiet", stdin=fast_import_stream())
        git(root, "checkout", "-q", "main")
        head = git(root, "rev-parse", "main").decode().strip()
        zero = "0" * 40
        push = f"refs/heads/main {head} refs/heads/main {zero}\n".encode()
        t_git = median_time(("git", "log", "--name-status", "-z", "-M", "main"), root, runs)
        t_pass = median_time((sys.executable, "-c", "pass"), root, runs)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            proc = subprocess.run((*PLANSCOPE, "hook", "pre-push", "origin", "/dev/null"),
                                  cwd=root, input=push, capture_output=True, env=clean_env())
            times.append(time.perf_counter() - start)
            if proc.returncode != 0:
                raise SystemExit(proc.stderr.decode())
        t_hook = sorted(times)[len(times) // 2]
    print(machine())
    print(f"git log --name-status -z (100 commits): {t_git * 1000:7.1f} ms")
    print(f"python -c pass (start-up)             : {t_pass * 1000:7.1f} ms")
    print(f"planscope hook pre-push (100 commits) : {t_hook * 1000:7.1f} ms")
    print(f"ratio (hook - start-up) / git log     : {(t_hook - t_pass) / t_git:7.2f}"
          f"   target: at most 1.2")


if __name__ == "__main__":
    main()
