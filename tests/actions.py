"""Helpers for what GitHub Actions sees: workflow commands, outputs, event payloads, and a
runner of `planscope check --format github` with the variables the runner sets."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.conftest import Repo


@dataclass(frozen=True)
class Command:
    """One workflow command as the runner reads it: name, properties, message, unescaped."""

    name: str
    props: dict[str, str]
    message: str


def _unescape(text: str, prop: bool) -> str:
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if prop else [])
    for code, char in [*pairs, ("%25", "%")]:
        text = text.replace(code, char)
    return text


def workflow_commands(stdout: str) -> list[Command]:
    """The workflow commands in a step's output, honouring ``::stop-commands::TOKEN``."""
    found: list[Command] = []
    stopped: str | None = None
    for line in stdout.splitlines():
        if stopped is not None:
            if line == f"::{stopped}::":
                stopped = None
            continue
        m = re.match(r"^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$", line)
        if m is None:
            continue
        name, raw_props, message = m.group(1), m.group(2) or "", m.group(3)
        if name == "stop-commands":
            stopped = message
            continue
        props = {}
        for item in filter(None, raw_props.split(",")):
            key, _, value = item.partition("=")
            props[key] = _unescape(value, prop=True)
        found.append(Command(name, props, _unescape(message, prop=False)))
    return found


def annotations_of(commands: list[Command]) -> list[Command]:
    return [c for c in commands if c.name in ("error", "warning", "notice")]


def read_outputs(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    lines = iter(path.read_text().splitlines()) if path.exists() else iter(())
    for line in lines:
        if "<<" in line and "=" not in line.split("<<", 1)[0]:
            name, delim = line.split("<<", 1)
            out[name] = "\n".join(iter(lambda: next(lines), delim))
        elif "=" in line:
            name, _, value = line.partition("=")
            out[name] = value
    return out


def open_pr(repo: Repo) -> str:
    """Start the pull request branch ``feature`` from the current commit: the base."""
    base = repo.git("rev-parse", "HEAD").strip()
    repo.git("checkout", "-q", "-b", "feature")
    return base


def pr_payload(repo: Repo, base: str, *, body: str | None = None, fork: bool = False,
               head: str | None = None, head_ref: str = "feature") -> dict[str, Any]:
    head = head or repo.git("rev-parse", "HEAD").strip()
    return {
        "action": "synchronize",
        "number": 7,
        "pull_request": {
            "number": 7,
            "body": body,
            "base": {"sha": base, "ref": "main", "repo": {"full_name": "acme/app"}},
            "head": {"sha": head, "ref": head_ref,
                     "repo": {"full_name": "someone/app" if fork else "acme/app"}},
        },
    }


def merge_group_payload(base: str, head: str) -> dict[str, Any]:
    return {
        "action": "checks_requested",
        "merge_group": {
            "head_sha": head,
            "head_ref": f"refs/heads/gh-readonly-queue/main/pr-7-{base}",
            "base_sha": base,
            "base_ref": "refs/heads/main",
            "head_commit": {"id": head, "message": "Merge queue", "tree_id": "0" * 40},
        },
    }


@dataclass
class GhRun:
    code: int
    out: str
    err: str
    commands: list[Command]
    summary: str
    outputs: dict[str, str]

    def errors(self) -> dict[str, Command]:
        return {c.props.get("file", ""): c for c in self.commands if c.name == "error"}


class Gh:
    """Runs ``planscope check --format github`` with the variables the runner sets."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tmp = tmp_path
        self.mp = monkeypatch
        self.n = 0

    def __call__(self, repo: Repo, *args: str, event: str = "pull_request",
                 payload: dict[str, Any] | None = None, cwd: Path | None = None) -> GhRun:
        self.n += 1
        summary, outputs = self.tmp / f"summary-{self.n}.md", self.tmp / f"output-{self.n}"
        summary.write_text("")
        outputs.write_text("")
        self.mp.setenv("GITHUB_STEP_SUMMARY", str(summary))
        self.mp.setenv("GITHUB_OUTPUT", str(outputs))
        if payload is None:
            self.mp.delenv("GITHUB_EVENT_PATH", raising=False)
            self.mp.delenv("GITHUB_EVENT_NAME", raising=False)
        else:
            path = self.tmp / f"event-{self.n}.json"
            path.write_text(json.dumps(payload))
            self.mp.setenv("GITHUB_EVENT_PATH", str(path))
            self.mp.setenv("GITHUB_EVENT_NAME", event)
        r = repo.planscope("check", "--format", "github", *args, cwd=cwd)
        return GhRun(r.code, r.out, r.err, workflow_commands(r.out), summary.read_text(),
                     read_outputs(outputs))
