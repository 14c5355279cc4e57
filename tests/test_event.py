"""The GitHub event payload (checker/event.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker import event
from checker.errors import BadInput


@pytest.mark.parametrize(
    ("body", "ref"),
    [
        (None, ()),
        ("Adds the awards table.", ()),
        ("Adds it.\n\n---\n\nPlan: plans/awards.yaml#tables\n", ("plans/awards.yaml#tables",)),
        ("plan:   `plans/awards.yaml#views`  ", ("plans/awards.yaml#views",)),
        ("Plan: none", ("none",)),
        ("```\nPlan: plans/example.yaml#a\n```\nno line outside the fence", ()),
        ("Plan: plans/a.yaml#x\nPlan: plans/a.yaml#x", ("plans/a.yaml#x",)),
        ("Plan: plans/a.yaml#x\r\nPlan: plans/a.yaml#y\r\n", ("plans/a.yaml#x", "plans/a.yaml#y")),
        ("The Plan: plans/a.yaml#x is mentioned in prose", ()),
    ],
)
def test_plan_line_of_the_pull_request_body(body: str | None, ref: tuple[str, ...]) -> None:
    assert event.body_plan_refs(body) == ref


def test_read_event(tmp_path: Path) -> None:
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"pull_request": {
        "number": 3, "body": "Plan: plans/a.yaml#x",
        "base": {"sha": "b" * 40, "repo": {"full_name": "acme/app"}},
        "head": {"sha": "h" * 40, "ref": "topic", "repo": None},
    }}))
    ev = event.read_event({"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(path)})
    assert (ev.base, ev.head, ev.body_refs, ev.head_branch, ev.number) == (
        "b" * 40, "h" * 40, ("plans/a.yaml#x",), "topic", 3)
    assert ev.fork and ev.fork_name == "a deleted fork"
    # other events and no event: nothing to read
    assert event.read_event({"GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(path)}).base \
        is None
    assert event.read_event({}) == event.Event()
    path.write_text("{not json")
    with pytest.raises(BadInput, match="cannot read the event payload"):
        event.read_event({"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(path)})
    path.write_text(json.dumps({"merge_group": {"head_sha": "h"}}))
    with pytest.raises(BadInput, match=r"without merge_group\.base_sha"):
        event.read_event({"GITHUB_EVENT_NAME": "merge_group", "GITHUB_EVENT_PATH": str(path)})
