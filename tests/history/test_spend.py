"""What the workflow costs (checker/history/spend.py): every model call logged with its
provider, model, tokens and wall time; prices give cost; stats shows calls, tokens, cost and
the plan-to-merge lead time per plan and per slice."""

from __future__ import annotations

import json
import os
import subprocess

from tests import fake_api
from tests.conftest import Repo
from tests.model.test_openai import _configure, verdicts
from tests.model.test_verify import STANDARD, commit_change


def test_calls_tokens_cost_and_lead_time(awards: Repo, gpt: fake_api.FakeAPI) -> None:
    _configure(awards, gpt)
    text = (awards.path / ".planscope.yaml").read_text()
    awards.write(".planscope.yaml", text + "prices:\n  gpt-5.5: {input_per_mtok: 2.0, "
                                          "output_per_mtok: 8.0}\n")
    commit_change(awards, STANDARD)
    gpt.replies.append(verdicts(("README.md", "incidental", 0.9),
                                ("app/registry.py", "incidental", 0.95)))
    assert awards.planscope("check", "--commit", "HEAD").code == 0
    (call,) = [json.loads(line) for line in
               (awards.path / ".git/planscope/calls.jsonl").read_text().splitlines()]
    assert call["kind"] == "verify" and call["about"] == "plans/awards.yaml#tables"
    assert (call["provider"], call["model"]) == ("openai", "gpt-5.5")
    assert (call["input_tokens"], call["output_tokens"]) == (210, 34) and call["ok"] is True
    assert call["elapsed_s"] >= 0
    assert awards.planscope("check", "--commit", "HEAD").code == 0  # cached: no call
    assert len((awards.path / ".git/planscope/calls.jsonl").read_text().splitlines()) == 1

    doc = json.loads(awards.planscope("stats", "--by", "slice", "--format", "json").out)
    (tables,) = [s for s in doc["spend"] if s["key"] == "plans/awards.yaml#tables"]
    assert (tables["calls"], tables["input_tokens"], tables["output_tokens"]) == (1, 210, 34)
    assert tables["cost"] == round((210 * 2.0 + 34 * 8.0) / 1e6, 4)
    assert tables["lead_time_days"] is not None and tables["lead_time_days"] >= 0
    text = awards.planscope("stats", "--by", "plan").out
    assert "model calls and lead time" in text and "plans/awards.yaml" in text


def test_lead_time_is_plan_added_to_last_claiming_commit(awards: Repo) -> None:
    """The plan came with the first commit; the slice's last commit lands three days on."""
    first = awards.git("log", "-1", "--format=%aI").strip()[:10]
    awards.write("db/migrations/0042_awards.sql", "t\n")
    awards.git("add", "-A")
    env = {**os.environ, "GIT_AUTHOR_DATE": "2099-01-04T10:00:00+00:00"}
    subprocess.run(["git", "commit", "-q", "--no-verify", "-m",
                    "table\n\nPlan: plans/awards.yaml#tables"], cwd=awards.path, env=env,
                   check=True)
    doc = json.loads(awards.planscope("stats", "--by", "plan", "--format", "json").out)
    (row,) = [s for s in doc["spend"] if s["key"] == "plans/awards.yaml"]
    assert row["calls"] == 0 and row["cost"] is None and row["lead_time_days"] > 365, (
        first, row)
