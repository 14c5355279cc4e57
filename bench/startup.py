"""Start-up cost on the hot path: ``planscope check --staged`` on a 10-file change versus
``python -c "import yaml"``, and the modules heavier than 5 ms (``python -X importtime``).

Run: python bench/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PLANSCOPE, clean_env, git, machine, median_time

PLAN = """\
version: 1
id: small
title: Small
forbid: [secrets/**]
slices:
  - id: s
    title: S
    files:
      create: ['src/*.py']
"""


def heavy_imports(root: Path, threshold_us: int = 5000) -> list[tuple[int, str]]:
    proc = subprocess.run((sys.executable, "-X", "importtime", *PLANSCOPE[1:], "check",
                           "--staged", "--plan", "plans/small.yaml#s"),
                          cwd=root, capture_output=True, text=True, env=clean_env(), check=False)
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        # "import time:   self | cumulative | name" (name indented by depth)
        _, cumulative, name = line.removeprefix("import time:").split("|", 2)
        if int(cumulative) >= threshold_us:
            rows.append((int(cumulative), name.rstrip()))
    return sorted(rows, reverse=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        git(root, "init", "-q", "-b", "main")
        (root / "plans").mkdir()
        (root / "plans/small.yaml").write_text(PLAN)
        (root / ".planscope.yaml").write_text("on_drift: block\n")
        (root / "src").mkdir()
        for i in range(10):
            (root / f"src/m{i}.py").write_text(f"x = {i}\n")
        git(root, "add", "src")
        t_yaml = median_time((sys.executable, "-c", "import yaml"), root, runs)
        t_check = median_time((*PLANSCOPE, "check", "--staged", "--plan", "plans/small.yaml#s"),
                              root, runs)
        heavy = heavy_imports(root)
        print(f"machine: {machine()}; median of {runs} runs")
        print(f"python -c 'import yaml'        : {t_yaml * 1000:7.1f} ms")
        print(f"planscope check --staged       : {t_check * 1000:7.1f} ms")
        print(f"ratio                          : {t_check / t_yaml:7.2f}  (target <= 3)")
        print("imports over 5 ms (cumulative):")
        for us, name in heavy:
            print(f"  {us / 1000:7.1f} ms  {name}")
        imported_anthropic = any(name.strip() == "anthropic" for _, name in heavy_imports(root, 0))
        print(f"anthropic imported: {'YES' if imported_anthropic else 'no'}")


if __name__ == "__main__":
    main()
