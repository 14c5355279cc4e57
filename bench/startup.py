"""Start-up cost on the hot path: ``planscope hook pre-commit`` and ``planscope check
--staged`` on a 10-file change, against ``python -c "import yaml"``: with the plans
unchanged since the last run, and right after a plan edit (a new text every run). Lists the
modules heavier than 2 ms (``python -X importtime``) and whether click, PyYAML, jsonschema
or anthropic were imported on the warm path.

Run: python bench/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PLANSCOPE, clean_env, git, machine, median_time

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
    allow: ['tests/{id}/**']
"""
HEAVY = ("click", "yaml", "jsonschema", "anthropic")


def imports(root: Path, args: tuple[str, ...]) -> list[tuple[int, str]]:
    proc = subprocess.run((sys.executable, "-X", "importtime", *PLANSCOPE[1:], *args),
                          cwd=root, capture_output=True, text=True, env=clean_env(), check=False)
    rows = []
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "cumulative" not in line:
            _, cumulative, name = line.removeprefix("import time:").split("|", 2)
            rows.append((int(cumulative), name.rstrip()))
    return sorted(rows, reverse=True)


def after_edit(root: Path, args: tuple[str, ...], runs: int) -> float:
    """Median time of ``args`` with the claimed plan edited (and committed) before each
    run."""
    times = []
    plan = root / "plans/p0.yaml"
    base = plan.read_text()
    for i in range(runs):
        plan.write_text(base + f"# edit {time.time_ns()} {i}\n")
        git(root, "commit", "-q", "-m", "edit\n\nPlan: none", "--", "plans/p0.yaml")
        start = time.perf_counter()
        subprocess.run((*PLANSCOPE, *args), cwd=root, capture_output=True, env=clean_env(),
                       check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    # as installed from a wheel: bytecode compiled (pip does it at install time; an editable
    # checkout under PYTHONDONTWRITEBYTECODE would compile every module on every run)
    import checker

    subprocess.run((sys.executable, "-m", "compileall", "-q", str(Path(checker.__file__).parent)),
                   check=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        git(root, "init", "-q", "-b", "plan/p0/s")
        for i in range(5):
            (root / "plans").mkdir(exist_ok=True)
            (root / f"plans/p{i}.yaml").write_text(PLAN.format(id=f"p{i}"))
        (root / ".planscope.yaml").write_text("on_drift: block\nforbid: ['**/*.pem']\n")
        (root / "README.md").write_text("readme\n")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "init\n\nPlan: none")
        (root / "src/p0").mkdir(parents=True)
        for i in range(10):
            (root / f"src/p0/m{i}.py").write_text(f"x = {i}\n")
        git(root, "add", "src")
        hook = ("hook", "pre-commit")  # the branch plan/p0/s claims the slice
        check = ("check", "--staged", "--plan", "plans/p0.yaml#s")
        t_pass = median_time((sys.executable, "-c", "pass"), root, runs)
        t_yaml = median_time((sys.executable, "-c", "import yaml"), root, runs)
        warm = {name: median_time((*PLANSCOPE, *args), root, runs)
                for name, args in (("hook pre-commit", hook), ("check --staged", check))}
        cold = {name: after_edit(root, args, runs)
                for name, args in (("hook pre-commit", hook), ("check --staged", check))}
        print(f"machine: {machine()}; median of {runs} runs")
        print(f"python -c pass                       : {t_pass * 1000:6.1f} ms")
        print(f"python -c 'import yaml'              : {t_yaml * 1000:6.1f} ms")
        for name in warm:
            print(f"{name:16} plans unchanged    : {warm[name] * 1000:6.1f} ms  "
                  f"{warm[name] / t_yaml:5.2f}x import yaml  (target <= 1.5)")
            print(f"{name:16} after a plan edit  : {cold[name] * 1000:6.1f} ms  "
                  f"{cold[name] / t_yaml:5.2f}x import yaml  (target <= 3)")
        for name, args in (("hook pre-commit", hook), ("check --staged", check)):
            loaded = imports(root, args)
            names = {n.strip() for _, n in loaded}
            print(f"{name}, warm: imported {', '.join(h for h in HEAVY if h in names) or 'none'}"
                  f" of {', '.join(HEAVY)}; modules over 2 ms (cumulative):")
            for us, n in loaded:
                if us >= 2000:
                    print(f"  {us / 1000:6.1f} ms  {n}")


if __name__ == "__main__":
    main()
