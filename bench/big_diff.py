"""A commit changing 20,000 files in 2,000 folders, checked against a plan of 300 globs
over 10 slices: ``planscope check --range`` versus ``git diff --name-status -z -M``.

Run: python bench/big_diff.py [--runs N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PLANSCOPE, git, machine, median_time

FOLDERS, PER_FOLDER, SLICES, GLOBS_PER_SLICE = 2000, 10, 10, 30


def fast_import_stream(content: bytes, message: str, parent: bool) -> bytes:
    out = [b"commit refs/heads/main\n", b"committer Bench <b@example.com> 1700000000 +0000\n",
           b"data %d\n%s\n" % (len(message), message.encode())]
    if parent:
        out.append(b"from refs/heads/main^0\n")
    for d in range(FOLDERS):
        for f in range(PER_FOLDER):
            path = f"pkg{d % 20}/mod{d}/file{f}.py"
            out.append(b"M 644 inline %s\ndata %d\n%s\n" % (path.encode(), len(content), content))
    return b"".join(out)


def plan_text() -> str:
    lines = ["version: 1", "id: big", "title: Big", "forbid: ['**/*.pem', 'secrets/**']",
             "slices:"]
    for s in range(SLICES):
        globs = []
        for g in range(GLOBS_PER_SLICE):
            n = s * GLOBS_PER_SLICE + g
            globs.append(f"pkg{n % 20}/mod{n * 7 % FOLDERS}/**" if g % 2 else f"pkg*/mod{n}/*.py")
        lines += [f"  - id: s{s}", f"    title: Slice {s}", "    files:",
                  f"      modify: [{', '.join(repr(x) for x in globs)}]"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        git(root, "init", "-q", "-b", "main")
        git(root, "fast-import", "--quiet", stdin=fast_import_stream(b"a\n", "base", False))
        git(root, "fast-import", "--quiet",
            stdin=fast_import_stream(b"b\n", "change all\n\nPlan: plans/big.yaml#s3", True))
        (root / "plans").mkdir()
        (root / "plans/big.yaml").write_text(plan_text())
        (root / ".planscope.yaml").write_text("on_drift: block\n")
        rng = "main~1..main"
        changed = git(root, "diff", "--name-status", "-z", "-M", "main~1", "main").count(b"\0") // 2
        t_git = median_time(("git", "diff", "--name-status", "-z", "-M", "main~1", "main"),
                            root, runs)
        t_start = median_time((*PLANSCOPE, "--version"), root, runs)
        t_check = median_time((*PLANSCOPE, "check", "--range", rng, "--format", "json"), root,
                              runs, ok=(1,))
        print(f"machine: {machine()}; {changed} changed files, {SLICES * GLOBS_PER_SLICE} globs; "
              f"median of {runs} runs")
        print(f"git diff --name-status -z -M : {t_git * 1000:8.1f} ms")
        print(f"planscope --version (start-up): {t_start * 1000:8.1f} ms")
        print(f"planscope check --range       : {t_check * 1000:8.1f} ms")
        print(f"ratio check / git diff              : {t_check / t_git:6.2f}")
        print(f"ratio (check - start-up) / git diff : {(t_check - t_start) / t_git:6.2f}")


if __name__ == "__main__":
    main()
