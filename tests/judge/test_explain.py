"""checker.judge.explain called directly: the rule lists and the exit code."""

from __future__ import annotations

from checker.judge import explain
from checker.judge.pipeline import Options
from tests.conftest import Repo


def test_a_slice_forbid_negation_never_lifts_the_plans_forbid(awards: Repo) -> None:
    text = awards.path.joinpath("plans/awards.yaml").read_text()
    awards.write("plans/awards.yaml", text.replace(
        "allow: [tests/**/test_awards*.py]", "forbid: ['!app/auth/session.py']"))
    awards.git("add", "plans/awards.yaml")  # explain reads the rules as the hooks do: staged
    found = explain.explain(awards.path, ["app/auth/session.py"],
                            Options(plan_ref="plans/awards.yaml#tables"))
    assert [(e.verdict, e.rule and e.rule.list) for e in found.paths] == [
        ("forbidden", "forbid of plans/awards.yaml")]
    assert found.exit_code == 1


def test_exit_code_follows_require_plan(awards: Repo) -> None:
    found = explain.explain(awards.path, ["src/x.py"], Options())
    assert [e.verdict for e in found.paths] == ["unclaimed"] and found.exit_code == 1
    relaxed = explain.Explanation(found.claim, found.paths, require_plan=False)
    assert relaxed.exit_code == 0
