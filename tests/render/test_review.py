"""`planscope review` results for the GitHub Action (checker/render/review.py)."""

from __future__ import annotations

from pathlib import Path

from checker.errors import BadInput
from checker.render import review as show
from tests.actions import read_outputs, workflow_commands


def test_bad_input_still_reports_to_github(tmp_path: Path) -> None:
    summary, outputs = tmp_path / "summary.md", tmp_path / "output"
    env = {"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(outputs)}
    said = show.github_error(BadInput("no slice to review against"), env)
    assert said.code == 2
    assert said.stderr == "planscope: error: no slice to review against\n"
    (command,) = workflow_commands(said.stdout)
    assert (command.name, command.props, command.message) == (
        "error", {"title": "planscope review"}, "no slice to review against")
    assert read_outputs(outputs) == {"result": "error", "finding-count": "0"}
    assert summary.read_text().startswith("## planscope review: ⚠️ could not check")
