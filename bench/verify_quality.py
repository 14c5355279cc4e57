"""How good is the verification pass? Each case of a labelled corpus (``bench/corpus/``: real
commits, the plan a reviewer would have written for their purpose, a label per path the plan
leaves out) is replayed in a fresh git repository and checked by ``planscope check`` with the
verification pass of each configuration given; the verdicts are scored against the labels.
"Real drift" is the positive class: precision, recall and F1 of the paths the pass called
drift, with the calls, tokens, cost and time it took.

    python bench/verify_quality.py --config bench/judges/by_path.yaml
    python bench/verify_quality.py --config my-anthropic.yaml --config my-openai.yaml

A configuration is a ``.planscope.yaml`` fragment: its ``verify:`` (provider, model, ...)
and ``prices:``; the key comes from the environment as for any check. Not a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from corpus_files import rebuild  # bench/ is not a package


@dataclass
class Score:
    name: str
    model: str = ""
    cases: int = 0
    paths: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float | None = None
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def ratios(self) -> tuple[float, float, float]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


def _git(repo: Path, *args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def _write(repo: Path, diffs: dict[str, str], which: int) -> None:
    for path, diff in diffs.items():
        target = repo / path
        text = rebuild(diff)[which]
        if text is None:
            if target.exists():
                target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def replay(case: dict[str, Any], config: dict[str, Any], workdir: Path) -> dict[str, Any]:
    """The case's commit made in a fresh repository whose rules are the case's plan and
    ``config``; what ``planscope check --commit HEAD --format json`` says of it."""
    repo = workdir / case["id"]
    repo.mkdir()
    env = {**os.environ, "GIT_AUTHOR_NAME": "corpus", "GIT_AUTHOR_EMAIL": "corpus@example.com",
           "GIT_COMMITTER_NAME": "corpus", "GIT_COMMITTER_EMAIL": "corpus@example.com"}
    _git(repo, "init", "-q", env=env)
    (repo / "plans").mkdir()
    (repo / "plans" / "case.yaml").write_text(case["plan"], encoding="utf-8")
    rules = {**config, "on_drift": "verify"}
    (repo / ".planscope.yaml").write_text(yaml.safe_dump(rules), encoding="utf-8")
    _write(repo, case["diffs"], 0)
    _git(repo, "add", "-A", env=env)
    _git(repo, "commit", "-q", "-m", "before", env=env)
    _write(repo, case["diffs"], 1)
    _git(repo, "add", "-A", env=env)
    _git(repo, "commit", "-q", "--no-verify", "-m",
         f"{case['source']['subject']}\n\nPlan: plans/case.yaml#{case['slice']}", env=env)
    done = subprocess.run([sys.executable, "-m", "checker", "check", "--commit", "HEAD",
                           "--format", "json"], cwd=repo, capture_output=True, text=True,
                          env=env, timeout=900, check=False)
    try:
        return dict(json.loads(done.stdout))
    except ValueError:
        return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1]}


def _timed(case: dict[str, Any], config: dict[str, Any], tmp: Path) -> tuple[dict[str, Any],
                                                                                float]:
    start = time.monotonic()
    said = replay(case, config, tmp)
    return said, time.monotonic() - start


def score(name: str, config: dict[str, Any], cases: list[dict[str, Any]],
          jobs: int = 1) -> Score:
    out = Score(name, str(config.get("verify", {}).get("model") or
                          " ".join(config.get("verify", {}).get("command") or ())))
    prices = {m: (p.get("input_per_mtok", 0), p.get("output_per_mtok", 0))
              for m, p in (config.get("prices") or {}).items()}
    with tempfile.TemporaryDirectory(prefix="planscope-corpus-") as tmp, \
            ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        replies = pool.map(lambda c: _timed(c, config, Path(tmp)), cases)
        for case, (said, seconds) in zip(cases, replies, strict=True):
            out.seconds += seconds  # the cases' own time, added up: not the wall time
            out.cases += 1
            if said.get("error") and not said.get("drift"):
                out.errors.append(f"{case['id']}: {said['error']}")
            verdicts = {d["path"]: d.get("verdict") for d in said.get("drift") or ()}
            unlabelled = sorted(set(verdicts) - set(case["labels"]))
            if unlabelled:
                out.errors.append(f"{case['id']}: drifted but not labelled: "
                                  f"{', '.join(unlabelled)}")
            ver = said.get("verification") or {}
            out.calls += int(ver.get("calls") or 0)
            tokens = int(ver.get("input_tokens") or 0), int(ver.get("output_tokens") or 0)
            out.input_tokens += tokens[0]
            out.output_tokens += tokens[1]
            price = prices.get(str(ver.get("model") or ""))
            if price is not None:
                out.cost = (out.cost or 0.0) + (tokens[0] * price[0] + tokens[1] * price[1]) / 1e6
            for path, label in case["labels"].items():
                out.paths += 1
                real = label["label"] == "real"
                called = verdicts.get(path, "drift") != "incidental"  # unjudged: drift
                out.tp += real and called
                out.fp += (not real) and called
                out.fn += real and not called
                out.tn += (not real) and not called
    return out


def load_corpus(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def report(scores: list[Score], cases: int) -> str:
    lines = [f"verification quality on {cases} cases ('real drift' is positive)",
             f"{'config':<16} {'model':<24} {'paths':>5} {'prec':>6} {'recall':>6} {'F1':>6} "
             f"{'TP':>3} {'FP':>3} {'FN':>3} {'TN':>3} {'calls':>5} {'tok in':>7} "
             f"{'tok out':>7} {'cost':>8} {'time':>7}"]
    for s in scores:
        p, r, f1 = s.ratios()
        cost = "-" if s.cost is None else f"{s.cost:.4f}"
        lines.append(f"{s.name:<16} {s.model[:24]:<24} {s.paths:>5} {p:>6.3f} {r:>6.3f} "
                     f"{f1:>6.3f} {s.tp:>3} {s.fp:>3} {s.fn:>3} {s.tn:>3} {s.calls:>5} "
                     f"{s.input_tokens:>7} {s.output_tokens:>7} {cost:>8} {s.seconds:>6.1f}s")
        lines += [f"  error: {e}" for e in s.errors]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=HERE / "corpus")
    ap.add_argument("--config", type=Path, action="append", required=True,
                    help="a .planscope.yaml fragment with verify: (and prices:); repeatable")
    ap.add_argument("--jobs", type=int, default=1,
                    help="cases replayed at once (each is a git repository and a check)")
    args = ap.parse_args(argv)
    cases = load_corpus(args.corpus)
    if not cases:
        raise SystemExit(f"{args.corpus}: no cases (*.json)")
    scores = []
    for path in args.config:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        verify = config.get("verify", {})
        if verify.get("provider") == "command":  # relative to the config file
            verify["command"] = [str((path.parent / c).resolve()) if i == 0 and c.startswith(".")
                                 else c for i, c in enumerate(verify.get("command") or ())]
        scores.append(score(path.stem, config, cases, args.jobs))
    sys.stdout.write(report(scores, len(cases)))
    return 1 if any(s.errors for s in scores) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
