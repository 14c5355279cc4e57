"""Check results as one JSON object (checker/render/json.py)."""

from __future__ import annotations

import json

from checker.judge import pipeline, targets
from checker.judge.changes import Target
from checker.judge.pipeline import Options
from checker.render import json as as_json
from tests.conftest import TABLES, Repo


def test_a_range_sums_up_its_commits(awards: Repo) -> None:
    first = awards.head()
    awards.write("db/migrations/0042_awards.sql")
    awards.commit("table", plan=TABLES)
    awards.write("app/views/home.py")
    awards.commit("view", plan=TABLES)
    results = targets.judge_target(awards.path, Target("range", f"{first}..HEAD"), Options())[0]
    code = pipeline.exit_code(results)
    doc = json.loads(as_json.to_json(results, code, per_commit=True))
    assert doc["ok"] is False and doc["exit_code"] == 1
    assert (doc["plan"], doc["slice"]) == ("plans/awards.yaml", "tables")
    assert doc["changed"] == ["db/migrations/0042_awards.sql", "app/views/home.py"]
    assert [d["path"] for d in doc["drift"]] == ["app/views/home.py"]
    assert doc["drift"][0]["commit"] == awards.head()
    assert "db/migrations/0042_awards.sql" not in doc["untouched"]  # touched by a commit
    assert [c["commit"] for c in doc["commits"]][-1] == awards.head()
    assert len(doc["commits"]) == 2 and doc["verification"] is None


def test_one_change_is_one_object(awards: Repo) -> None:
    awards.write("db/migrations/0042_awards.sql")
    awards.commit("table", plan=TABLES)
    results = targets.judge_target(awards.path, Target("commit", "HEAD"), Options())[0]
    doc = json.loads(as_json.to_json(results, 0, per_commit=False))
    assert doc["commit"] == awards.head() and doc["claimed_by"].startswith("'Plan:' trailer")
    assert "commits" not in doc
