"""Big changes: a commit changing 20,000 files in 2,000 folders, checked against one slice
of 300 globs (``planscope check --commit``), in text and in JSON, against ``git diff
--name-status -z -M`` on the same commit, with ``python -c pass`` as start-up; the same
check with 30 and with 3,000 globs; and 100,000 changed files for time and memory.

Targets (issue "hot path and scale"): (check - start-up) / git diff <= 1.3 in text, <= 2.0
in JSON; 3,000 globs <= 2x the 30-glob time; <= 0.3 KB per changed path in text; 100,000
changed paths in under 2 s.

Run: python bench/big_diff.py [--runs N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PLANSCOPE, clean_env, git, machine, median_time

PER_FOLDER = 10


def fast_import_stream(folders: int, content: bytes, message: str, parent: bool) -> bytes:
    out = [b"commit refs/heads/main\n", b"committer Bench <b@example.com> 1700000000 +0000\n",
           b"data %d\n%s\n" % (len(message), message.encode())]
    if parent:
        out.append(b"from refs/heads/main^0\n")
    for d in range(folders):
        for f in range(PER_FOLDER):
            path = f"pkg{d % 20}/mod{d}/file{f}.py"
            out.append(b"M 644 inline %s\ndata %d\n%s\n" % (path.encode(), len(content), content))
    return b"".join(out)


def plan_text(globs: int, folders: int) -> str:
    """One slice of ``globs`` patterns, half folder globs, half file globs."""
    patterns = [f"pkg{n % 20}/mod{n * 7 % folders}/**" if n % 2 else f"pkg*/mod{n}/*.py"
                for n in range(globs)]
    return "\n".join(["version: 1", "id: big", "title: Big", "status: in-progress",
                      "forbid: ['**/*.pem', 'secrets/**']", "slices:", "  - id: s",
                      "    title: S", "    files:",
                      f"      modify: [{', '.join(repr(p) for p in patterns)}]"]) + "\n"


def repo(root: Path, folders: int) -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "fast-import", "--quiet", stdin=fast_import_stream(folders, b"a\n", "base", False))
    git(root, "tag", "bench-base", "main")


def use_plan(root: Path, globs: int, folders: int) -> None:
    """The rules (config and a plan of ``globs`` patterns) committed on the base, then the
    change of every file on top: a commit is judged by its parent's rules."""
    git(root, "reset", "-q", "--hard", "bench-base")
    (root / ".planscope.yaml").write_text("on_drift: block\n")
    (root / "plans").mkdir(exist_ok=True)
    (root / "plans/big.yaml").write_text(plan_text(globs, folders))
    git(root, "add", ".planscope.yaml", "plans/big.yaml")
    git(root, "-c", "user.name=Bench", "-c", "user.email=b@example.com", "commit", "-q",
        "--no-verify", "-m", "rules\n\nPlan: none")
    git(root, "fast-import", "--quiet", stdin=fast_import_stream(
        folders, b"b\n", "change all\n\nPlan: plans/big.yaml#s", True))
    subprocess.run((*PLANSCOPE, "validate"), cwd=root, capture_output=True, env=clean_env(),
                   check=False)  # built once, as on any machine that ran a check before


def max_rss_kib(cmd: tuple[str, ...], root: Path) -> int:
    out = subprocess.run(("/usr/bin/time", "-f", "%M", *cmd), cwd=root, capture_output=True,
                         text=True, env=clean_env(), check=False).stderr
    return int(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    check = (*PLANSCOPE, "check", "--commit", "main")
    print(f"machine: {machine()}; median of {runs} runs")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        repo(root, 2000)
        use_plan(root, 30, 2000)
        diff = ("git", "diff", "--name-status", "-z", "-M", "main~1", "main")
        t_git = median_time(diff, root, runs)
        t_pass = median_time((sys.executable, "-c", "pass"), root, runs)
        print(f"20,000 changed files; git diff --name-status -z -M: {t_git * 1000:.1f} ms; "
              f"python -c pass: {t_pass * 1000:.1f} ms")
        times = {}
        for globs in (30, 300, 3000):
            use_plan(root, globs, 2000)
            times[globs] = median_time(check, root, runs, ok=(1,))
            if globs == 300:
                t_json = median_time((*check, "--format", "json"), root, runs, ok=(1,))
        text_ratio = (times[300] - t_pass) / t_git
        json_ratio = (t_json - t_pass) / t_git
        print(f"300 globs, text : {times[300] * 1000:7.1f} ms  (check - start-up) / git diff = "
              f"{text_ratio:5.2f}  (target <= 1.3)")
        print(f"300 globs, JSON : {t_json * 1000:7.1f} ms  (check - start-up) / git diff = "
              f"{json_ratio:5.2f}  (target <= 2.0)")
        print(f"30 globs: {times[30] * 1000:.1f} ms; 3,000 globs: {times[3000] * 1000:.1f} ms;"
              f" ratio {times[3000] / times[30]:.2f}  (target <= 2)")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        repo(root, 10000)
        use_plan(root, 300, 10000)
        t_big = median_time(check, root, max(1, runs // 2), ok=(1,))
        small = Path(tmp) / "small"
        small.mkdir()
        repo(small, 1)
        use_plan(small, 300, 10000)
        rss_big, rss_small = max_rss_kib(check, root), max_rss_kib(check, small)
        per_path = (rss_big - rss_small) * 1024 / 100_000
        print(f"100,000 changed files, text: {t_big:.2f} s  (target < 2 s); max RSS "
              f"{rss_big / 1024:.1f} MiB against {rss_small / 1024:.1f} MiB for 10 files: "
              f"{per_path / 1024:.2f} KB per changed path  (target <= 0.3)")


if __name__ == "__main__":
    main()
