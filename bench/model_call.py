"""What a check that asks the model costs beyond the model's own time, against the fake
Messages API (tests/fake_api.py) on 127.0.0.1, which answers at once: CPU of
``check --commit HEAD`` with the model asked (``--no-cache``), with the answer cached, and
with ``--no-verify``, in interleaved rounds; and the wall time of a pass against a server
that never answers, with ``verify.timeout_s: 2``, from the command's start to its verdict.

Targets: asking adds <= 0.3 s CPU; a cached re-run adds <= 5 ms; the hung pass ends within
timeout_s of the pass's start (the process's start-up, before the pass, is shown apart).

Run: python bench/model_call.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]
from _common import PLANSCOPE, children_cpu, clean_env, git, machine

from tests import fake_api

PLAN = """\
version: 1
id: bench
title: Bench
status: approved
slices:
  - id: s
    title: S
    files:
      create: ['src/**']
"""


def timed(root: Path, env: dict[str, str], *args: str) -> tuple[float, float, int]:
    cpu, start = children_cpu(), time.perf_counter()
    done = subprocess.run((*PLANSCOPE, "check", "--commit", "HEAD", *args), cwd=root, env=env,
                          capture_output=True, check=False)
    return time.perf_counter() - start, children_cpu() - cpu, done.returncode


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=9)
    runs = ap.parse_args(argv).runs
    import checker

    subprocess.run((sys.executable, "-m", "compileall", "-q",
                    str(Path(checker.__file__).parent)), check=True)
    with tempfile.TemporaryDirectory() as tmp, fake_api.running() as api:
        root = Path(tmp)
        git(root, "init", "-q", "-b", "main")
        (root / "plans").mkdir()
        (root / "plans/bench.yaml").write_text(PLAN)
        (root / ".planscope.yaml").write_text("on_drift: verify\nverify: {timeout_s: 20}\n")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "plan", "-m", "Plan: none")
        (root / "src").mkdir()
        (root / "src/a.py").write_text("a = 1\n")
        (root / "README.md").write_text("the new module a\n")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "a", "-m", "Plan: plans/bench.yaml#s")
        api.default = fake_api.verdicts(("README.md", "incidental", 0.95))
        env = {**clean_env(), "ANTHROPIC_BASE_URL": api.url, "ANTHROPIC_API_KEY": "sk-bench"}
        kinds = {"--no-verify": ("--no-verify",), "asked": ("--no-cache",), "cached": ()}
        seen: dict[str, list[tuple[float, float]]] = {k: [] for k in kinds}
        timed(root, env)  # the answer cached, the rules built
        for i in range(runs):
            names = list(kinds)[i % 3:] + list(kinds)[:i % 3]
            for name in names:
                wall, cpu, code = timed(root, env, *kinds[name])
                if code != (1 if name == "--no-verify" else 0):  # no pass: drift stays
                    raise SystemExit(f"{name}: exit {code}")
                seen[name].append((wall, cpu))
        med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
               for k, v in seen.items()}
        base = med["--no-verify"][1]
        print(f"machine: {machine()}; {runs} interleaved rounds; medians; "
              f"load {os.getloadavg()[0]:.2f}")
        for name, (wall, cpu) in med.items():
            extra = "" if name == "--no-verify" else (
                f"   +{(cpu - base) * 1000:6.1f} ms CPU over --no-verify  (target <= "
                f"{'300' if name == 'asked' else '5'} ms)")
            print(f"check {name:12} wall {wall * 1000:7.1f} ms  cpu {cpu * 1000:7.1f} ms{extra}")
        api.default = fake_api.Reply(body=fake_api.message({"verdicts": []}), delay=60)
        (root / ".planscope.yaml").write_text("on_drift: verify\nverify: {timeout_s: 2}\n")
        git(root, "commit", "-q", "-am", "timeout 2", "-m", "Plan: none")
        (root / "README.md").write_text("the new module a, again\n")
        git(root, "commit", "-q", "-am", "b", "-m", "Plan: plans/bench.yaml#s")
        wall, _, code = timed(root, env, "--no-cache")
        pass_wall = timed(root, env, "--no-verify")[0]
        print(f"hung API, timeout_s 2: the check took {wall:.2f} s (exit {code}); "
              f"--no-verify {pass_wall:.2f} s: the pass {wall - pass_wall:.2f} s  "
              f"(target <= 2.0 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
