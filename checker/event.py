"""The GitHub Actions event a check runs for, from ``$GITHUB_EVENT_NAME`` and the JSON payload
at ``$GITHUB_EVENT_PATH``.

A ``pull_request`` gives the base (``pull_request.base.sha``), the head, the head branch and
the body, whose ``Plan:`` lines claim slices (their union, like several trailers) for
commits that carry no trailer (squash-merge style); a ``merge_group`` (merge queue) gives
``merge_group.base_sha`` and ``head_sha``.
Every other event, and a run outside GitHub Actions, gives an empty Event.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from checker.errors import BadInput
from checker.record import record

PR_EVENTS = ("pull_request", "pull_request_target")
MERGE_GROUP = "merge_group"


@record(frozen=True)
class Event:
    """What planscope uses from the workflow's event payload."""

    name: str = ""  # GITHUB_EVENT_NAME; "" outside GitHub Actions
    base: str | None = None  # the sha the change is judged against
    head: str | None = None  # the sha being checked
    body_refs: tuple[str, ...] = ()  # the pull request body's "Plan:" lines
    head_branch: str | None = None  # the pull request's head branch (HEAD is detached)
    number: int | None = None
    fork: bool = False  # a pull request from another repository: it gets no secrets
    fork_name: str = ""

    @property
    def checks_a_change(self) -> bool:
        return self.base is not None


_PLAN_LINE = re.compile(r"^[ \t]*plan:[ \t]*`?([^`\s]+)`?[ \t]*$", re.IGNORECASE)
_FENCE = re.compile(r"^[ \t]*(```|~~~)")


def body_plan_refs(body: str | None) -> tuple[str, ...]:
    """The ``Plan: plans/x.yaml#slice`` lines of a pull request body (outside code fences),
    each once: together they claim the union of their slices, like several trailers."""
    if not body:
        return ()
    found: list[str] = []
    fenced = False
    for line in body.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        m = None if fenced else _PLAN_LINE.match(line)
        if m and m.group(1) not in found:
            found.append(m.group(1))
    return tuple(found)


def _dig(doc: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(doc, dict):
            return None
        doc = doc.get(key)
    return doc


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def read_event(env: Mapping[str, str]) -> Event:
    """The event from ``GITHUB_EVENT_NAME`` and the JSON at ``GITHUB_EVENT_PATH``; an empty
    Event for other events and outside GitHub Actions."""
    name = env.get("GITHUB_EVENT_NAME", "")
    path = env.get("GITHUB_EVENT_PATH", "")
    if name not in (*PR_EVENTS, MERGE_GROUP) or not path:
        return Event(name=name)
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BadInput(f"GITHUB_EVENT_PATH {path}: cannot read the event payload: {exc}") from None
    if name == MERGE_GROUP:
        base = _str(_dig(doc, "merge_group", "base_sha"))
        if base is None:
            raise BadInput(f"GITHUB_EVENT_PATH {path}: a merge_group event without "
                           f"merge_group.base_sha")
        return Event(name=name, base=base, head=_str(_dig(doc, "merge_group", "head_sha")))
    pr = _dig(doc, "pull_request")
    base = _str(_dig(pr, "base", "sha"))
    if base is None:
        raise BadInput(f"GITHUB_EVENT_PATH {path}: a {name} event without "
                       f"pull_request.base.sha")
    head_repo = _str(_dig(pr, "head", "repo", "full_name"))
    base_repo = _str(_dig(pr, "base", "repo", "full_name"))
    number = _dig(pr, "number")
    return Event(
        name=name,
        base=base,
        head=_str(_dig(pr, "head", "sha")),
        body_refs=body_plan_refs(_str(_dig(pr, "body"))),
        head_branch=_str(_dig(pr, "head", "ref")),
        number=number if isinstance(number, int) else None,
        fork=head_repo is None or (base_repo is not None and head_repo != base_repo),
        fork_name=head_repo or "a deleted fork",
    )
