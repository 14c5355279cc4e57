"""bench/verify_quality.py, the harness that scores the verification pass on the labelled
corpus, run with the deterministic judge (bench/judges/by_path.py): the scores it prints are
the ones the labels and that judge's rule give."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import checker

TOP = Path(checker.__file__).resolve().parent.parent
BENCH = TOP / "bench"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    # not measured: 65 checks of code the other tests measure, five times slower measured
    env = {k: v for k, v in os.environ.items() if k != "COVERAGE_PROCESS_CONFIG"}
    return subprocess.run([sys.executable, str(BENCH / "verify_quality.py"), *args],
                          capture_output=True, text=True, timeout=600, check=False,
                          cwd=TOP, env=env)


def test_the_harness_scores_the_corpus_with_the_deterministic_judge() -> None:
    cases = [json.loads(p.read_text()) for p in sorted((BENCH / "corpus").glob("*.json"))]
    labels = [lab["label"] for c in cases for lab in c["labels"].values()]
    assert cases and all(c["labels"] and c["source"]["commit"] for c in cases)
    done = _run("--config", str(BENCH / "judges/by_path.yaml"), "--jobs", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    row = done.stdout.splitlines()[2].split()
    paths, precision, recall, f1, tp, fp, fn, tn, calls = row[2:11]
    assert int(paths) == len(labels) and int(tp) + int(fn) == labels.count("real")
    assert int(fp) + int(tn) == labels.count("incidental") and int(calls) == len(cases)
    assert len(cases) >= 60 and done.stdout.count("error:") == 0
    assert (precision, recall, f1) == ("0.602", "0.649", "0.625")


def test_a_drifted_path_with_no_label_is_an_error(tmp_path: Path) -> None:
    case = json.loads((BENCH / "corpus/httpx-lazy-certifi.json").read_text())
    del case["labels"]["tests/test_config.py"]
    (tmp_path / "case.json").write_text(json.dumps(case))
    done = _run("--corpus", str(tmp_path), "--config", str(BENCH / "judges/by_path.yaml"))
    assert done.returncode == 1
    assert "httpx-lazy-certifi: drifted but not labelled: tests/test_config.py" in done.stdout
