"""Make one case of the verification corpus from a real commit: the changed files before and
after (embedded, so the corpus needs no clone), the plan a reviewer would have written for the
commit's purpose, and a label per path the plan leaves out.

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


def _show(repo: Path, rev: str, path: str) -> str | None:
    done = subprocess.run(["git", "-C", str(repo), "show", f"{rev}:{path}"],
                          capture_output=True, check=False)
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


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
    paths = _git(args.repo, "diff", "--name-only", f"{sha}~1", sha).split()
    labels = {}
    for spec in args.label:
        path, _, rest = spec.partition("=")
        label, _, why = rest.partition(":")
        if label not in ("incidental", "real") or not why.strip():
            raise SystemExit(f"--label {spec!r}: PATH=incidental:WHY or PATH=real:WHY")
        labels[path] = {"label": label, "why": why.strip()}
    case = {
        "id": args.id,
        "source": {"repo": args.source, "commit": sha, "subject": subject},
        "plan": args.plan.read_text(encoding="utf-8"),
        "slice": args.slice,
        "files": {p: {"before": _show(args.repo, f"{sha}~1", p), "after": _show(args.repo, sha, p)}
                  for p in paths},
        "labels": labels,
    }
    json.dump(case, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
