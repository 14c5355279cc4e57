"""Make one case of the verification corpus from a real commit: the commit's diff of each
changed file (embedded, so the corpus needs no clone; ``corpus_files.py`` rebuilds the files
from it), the plan a reviewer would have written for the commit's purpose, and a label per
path the plan leaves out.

    python bench/corpus_case.py REPO SHA --id ID --plan PLAN.yaml --slice SLICE \\
        --label PATH=incidental:"why" --label PATH=real:"why" > bench/corpus/ID.json

Every changed path the slice does not cover must have a label: a case is only as good as
the reason given for each label.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          check=True).stdout


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("repo", type=Path)
    ap.add_argument("sha")
    ap.add_argument("--id", required=True)
    ap.add_argument("--source", required=True, help="owner/name of the public repository")
    ap.add_argument("--plan", type=Path, required=True)
    ap.add_argument("--slice", required=True)
    ap.add_argument("--label", action="append", default=[], metavar="PATH=LABEL:WHY")
    args = ap.parse_args(argv)
    sha = _git(args.repo, "rev-parse", args.sha).strip()
    subject = _git(args.repo, "log", "-1", "--format=%s", sha).strip()
    paths = _git(args.repo, "diff", "--no-renames", "--name-only", "-z", f"{sha}~1",
                 sha).split("\0")[:-1]
    labels = {}
    for spec in args.label:
        path, _, rest = spec.partition("=")
        label, _, why = rest.partition(":")
        if label not in ("incidental", "real") or not why.strip():
            raise SystemExit(f"--label {spec!r}: PATH=incidental:WHY or PATH=real:WHY")
        labels[path] = {"label": label, "why": why.strip()}
    diffs = {p: _git(args.repo, "diff", "--no-renames", "-U3", f"{sha}~1", sha, "--", p)
             for p in paths}
    no_hunks = [p for p, d in diffs.items() if "\n@@ " not in d]
    if no_hunks:  # a binary file, an empty one, a mode change: no diff to rebuild it from
        raise SystemExit(f"{sha}: no text diff for {', '.join(no_hunks)}: pick another commit")
    if unknown := sorted(set(labels) - set(paths)):
        raise SystemExit(f"--label {', '.join(unknown)}: not changed by {sha}")
    case = {
        "id": args.id,
        "source": {"repo": args.source, "commit": sha, "subject": subject},
        "plan": args.plan.read_text(encoding="utf-8"),
        "slice": args.slice,
        "diffs": diffs,
        "labels": labels,
    }
    json.dump(case, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
