"""The GitHub Action run locally the way the runner runs a composite action: ``action.yml``
parsed with PyYAML, each ``run:`` step executed with ``bash --noprofile --norc -eo pipefail``
(GitHub's ``shell: bash``) in the pull request's checkout, expressions in ``env:`` evaluated,
and ``GITHUB_EVENT_PATH``, ``GITHUB_OUTPUT``, ``GITHUB_STEP_SUMMARY`` and ``RUNNER_TEMP`` set.
A change to action.yml that breaks the action breaks these tests.

What the test substitutes, because it has no network and no runner:

- the ``uses: actions/setup-python`` step is not run; its ``python-path`` output is a
  stand-in interpreter (a bash script). Its ``-m venv DIR`` makes ``DIR/bin/planscope`` a
  wrapper that runs this checkout's planscope with the test's own Python (installed
  editable); its ``-m pip ...`` records its arguments and ``PIP_CONSTRAINT`` instead of
  downloading. The install step's own script runs unchanged.
- ``${{ github.action_path }}`` is this checkout; ``${{ inputs.* }}`` are the action's
  defaults overridden per test; ``${{ steps.*.outputs.* }}`` come from the steps' output
  files. Any other expression fails the test.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.actions import (
    Command,
    annotations_of,
    merge_group_payload,
    open_pr,
    pr_payload,
    read_outputs,
    workflow_commands,
)
from tests.conftest import AWARDS_PLAN, Repo

CHECKOUT = Path(__file__).resolve().parents[2]
ACTION = CHECKOUT / "action.yml"
TABLES = "plans/awards.yaml#tables"
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")

FAKE_PYTHON = """#!/usr/bin/env bash
# Stands in for the interpreter actions/setup-python installs.
set -eu
if [ "${{1:-}}" = -m ] && [ "${{2:-}}" = venv ]; then
  mkdir -p "$3/bin"
  cp "$0" "$3/bin/python"
  printf '#!/bin/sh\\nexec %s -m checker "$@"\\n' '{python}' > "$3/bin/planscope"
  chmod +x "$3/bin/planscope"
  exit 0
fi
if [ "${{1:-}}" = -m ] && [ "${{2:-}}" = pip ]; then
  {{ echo "PIP_CONSTRAINT=${{PIP_CONSTRAINT:-}}"; printf '%s\\n' "$@"; }} > '{log}'
  exit 0
fi
echo "stand-in python: unexpected arguments: $*" >&2
exit 97
"""


def load_action() -> dict[str, Any]:
    doc = yaml.safe_load(ACTION.read_text())
    assert isinstance(doc, dict)
    return doc


@dataclass
class ActionRun:
    code: int  # the exit code of the step that failed, else 0
    out: str
    err: str
    outputs: dict[str, str]  # the action's outputs
    summary: str
    steps: dict[str, dict[str, str]] = field(default_factory=dict)
    pip_log: list[str] = field(default_factory=list)

    @property
    def commands(self) -> list[Command]:
        return workflow_commands(self.out)

    def annotations(self, name: str) -> list[Command]:
        return [c for c in annotations_of(self.commands) if c.name == name]


class Runner:
    """Runs action.yml's steps for one job."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.n = 0

    def __call__(self, repo: Repo, payload: dict[str, Any], *, event: str = "pull_request",
                 inputs: dict[str, str] | None = None,
                 env: dict[str, str] | None = None) -> ActionRun:
        self.n += 1
        work = self.tmp / f"job-{self.n}"
        work.mkdir()
        (work / "temp").mkdir()
        pip_log = work / "pip-args"
        fake = work / "python"
        fake.write_text(FAKE_PYTHON.format(python=sys.executable, log=pip_log))
        fake.chmod(0o755)
        event_path = work / "event.json"
        event_path.write_text(json.dumps(payload))
        summary = work / "summary.md"
        summary.write_text("")
        action = load_action()
        given = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
        for name, value in (inputs or {}).items():
            assert name in given, f"action.yml has no input {name!r}"
            given[name] = value
        steps: dict[str, dict[str, str]] = {}

        def evaluate(text: str) -> str:
            def one(m: re.Match[str]) -> str:
                expr = m.group(1)
                if expr.startswith("inputs."):
                    return given[expr.removeprefix("inputs.")]
                if expr == "github.action_path":
                    return str(CHECKOUT)
                sm = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr)
                if sm:
                    return steps.get(sm.group(1), {}).get(sm.group(2), "")
                raise AssertionError(f"this test runner cannot evaluate ${{{{ {expr} }}}}")
            return EXPR.sub(one, text)

        runner_env = {
            **os.environ,
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": event,
            "GITHUB_EVENT_PATH": str(event_path),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_WORKSPACE": str(repo.path),
            "GITHUB_ACTION_PATH": str(CHECKOUT),
            "RUNNER_TEMP": str(work / "temp"),
            **(env or {}),
        }
        out, err, code = [], [], 0
        for i, step in enumerate(action["runs"]["steps"]):
            sid = step.get("id", f"step{i}")
            if "uses" in step:
                assert step["uses"].startswith("actions/setup-python@"), step["uses"]
                with_ = {k: evaluate(str(v)) for k, v in step.get("with", {}).items()}
                assert with_["python-version"] == given["python-version"]
                steps[sid] = {"python-path": str(fake), "python-version": with_["python-version"]}
                continue
            assert step["shell"] == "bash"
            script = work / f"{sid}.sh"
            script.write_text(step["run"])
            output = work / f"{sid}.output"
            output.write_text("")
            step_env = {**runner_env, "GITHUB_OUTPUT": str(output)}
            step_env.update({k: evaluate(str(v)) for k, v in step.get("env", {}).items()})
            proc = subprocess.run(
                ("bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)),
                cwd=repo.path, env=step_env, capture_output=True, text=True, check=False,
                timeout=120,
            )
            out.append(proc.stdout)
            err.append(proc.stderr)
            steps[sid] = read_outputs(output)
            if proc.returncode != 0:
                code = proc.returncode
                break
        outputs = {name: evaluate(spec["value"]) for name, spec in action["outputs"].items()}
        stderr = "".join(err)
        assert "Traceback" not in stderr, stderr
        return ActionRun(code, "".join(out), stderr, outputs, summary.read_text(), steps,
                         pip_log.read_text().splitlines() if pip_log.exists() else [])


@pytest.fixture
def action(tmp_path: Path) -> Runner:
    return Runner(tmp_path)


# --- action.yml itself -------------------------------------------------------------------------

def test_action_yml_shape_and_hygiene() -> None:
    action = load_action()
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"base", "plan", "verify", "anthropic-api-key", "fail-on",
                                     "python-version", "version"}
    assert set(action["outputs"]) == {"result", "drift-count"}
    for step in action["runs"]["steps"]:
        if "uses" in step:  # third-party code only at a full commit id
            assert PINNED.match(step["uses"]), step["uses"]
        else:  # inputs and secrets reach scripts through env: only
            assert "${{" not in step["run"], step["run"]
    secret_steps = [s for s in action["runs"]["steps"]
                    if "anthropic-api-key" in json.dumps(s.get("env", {}))]
    assert [s["id"] for s in secret_steps] == ["check"]
    setup = action["runs"]["steps"][0]
    assert setup["with"]["update-environment"] is False  # the caller's PATH stays theirs


def test_workflows_pin_actions_and_read_only_permissions() -> None:
    for name in ("ci.yml", "planscope.yml"):
        doc = yaml.safe_load((CHECKOUT / ".github" / "workflows" / name).read_text())
        assert doc["permissions"] == {"contents": "read"}, name
        for job in doc["jobs"].values():
            for step in job["steps"]:
                uses = step.get("uses")
                assert uses is None or uses == "./" or PINNED.match(uses), (name, uses)
    doc = yaml.safe_load((CHECKOUT / ".github" / "workflows" / "planscope.yml").read_text())
    events = doc[True]  # PyYAML reads the key `on` as True
    assert set(events) == {"pull_request", "merge_group"}
    (job,) = doc["jobs"].values()
    assert job["steps"][0]["with"]["fetch-depth"] == 0 and job["steps"][1]["uses"] == "./"


def test_install_step_installs_this_checkout_with_pinned_dependencies(
    awards: Repo, action: Runner
) -> None:
    base = open_pr(awards)
    r = action(awards, pr_payload(awards, base))
    assert r.code == 0, r.err
    constraint = r.pip_log[0].removeprefix("PIP_CONSTRAINT=")
    assert Path(constraint) == CHECKOUT / ".github" / "action-constraints.txt"
    pins = [line for line in Path(constraint).read_text().splitlines()
            if line and not line.startswith("#")]
    assert pins and all(re.fullmatch(r"[a-z0-9-]+==[\w.]+", p) for p in pins), pins
    assert r.pip_log[1:] == ["-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                             "--no-input", str(CHECKOUT)]
    assert r.steps["install"]["planscope"].endswith("/planscope-venv/bin/planscope")


def test_version_input_must_match_the_checkout(awards: Repo, action: Runner) -> None:
    from checker import __version__

    base = open_pr(awards)
    assert action(awards, pr_payload(awards, base), inputs={"version": __version__}).code == 0
    r = action(awards, pr_payload(awards, base), inputs={"version": "9.9.9"})
    assert r.code == 2
    (err,) = r.annotations("error")
    assert f"expects planscope 9.9.9 but this action ref is planscope {__version__}" in err.message
    assert r.outputs == {"result": "", "drift-count": ""}  # the check step never ran


# --- pull requests -----------------------------------------------------------------------------

def test_clean_pull_request(awards: Repo, action: Runner) -> None:
    base = open_pr(awards)
    awards.write("db/migrations/0042_awards.sql", "create table awards;\n")
    awards.write("app/models/__init__.py", "from .award import Award\n")
    awards.commit("Add awards table", plan=TABLES)
    r = action(awards, pr_payload(awards, base))
    assert r.code == 0, r.out + r.err
    assert r.outputs == {"result": "pass", "drift-count": "0"}
    assert annotations_of(r.commands) == []
    assert r.summary.startswith("## planscope: ✅ in scope")
    assert "| `app/models/__init__.py` | modified | ✅ in scope |" in r.summary
    assert "Planned files not touched: `app/auth/session.py`, `tests/test_awards_migration.py`" \
        in r.summary


def test_drifted_pull_request(awards: Repo, action: Runner) -> None:
    base = open_pr(awards)
    awards.write("db/migrations/0042_awards.sql", "create table awards;\n")
    awards.write("app/views/awards.py", "dashboard\n")
    sha = awards.commit("Add awards table", plan=TABLES)
    r = action(awards, pr_payload(awards, base))
    assert r.code == 1
    assert r.outputs == {"result": "drift", "drift-count": "1"}
    (err,) = r.annotations("error")
    assert err.props == {"file": "app/views/awards.py", "title": "planscope: drift"}
    assert err.message.startswith(f"app/views/awards.py is outside slice {TABLES} "
                                  f"(commit {sha[:9]}).")
    assert r.summary.startswith("## planscope: ❌ drift")
    assert f"| `app/views/awards.py` | added | ❌ drift |  | `{sha[:9]}` |" in r.summary


@pytest.mark.parametrize(("fail_on", "code"), [("drift", 1), ("forbidden", 0), ("never", 0)])
def test_fail_on_with_drift(awards: Repo, action: Runner, fail_on: str, code: int) -> None:
    base = open_pr(awards)
    awards.write("app/views/awards.py", "dashboard\n")
    awards.commit("A view", plan=TABLES)
    r = action(awards, pr_payload(awards, base), inputs={"fail-on": fail_on})
    assert r.code == code
    assert r.outputs == {"result": "drift", "drift-count": "1"}
    assert len(r.annotations("error")) == 1  # reported either way
    notices = [c.message for c in r.annotations("notice")]
    assert notices == ([] if fail_on == "drift" else [
        f"{'findings reported (drift)' if fail_on == 'never' else 'drift reported'}; "
        f"fail-on is {fail_on}, so the step passes"])


@pytest.mark.parametrize(("fail_on", "code"), [("forbidden", 1), ("never", 0)])
def test_forbidden_path(awards: Repo, action: Runner, fail_on: str, code: int) -> None:
    base = open_pr(awards)
    awards.write("app/auth/session.py", "changed\n")
    awards.commit("Touch auth", plan=TABLES)
    r = action(awards, pr_payload(awards, base), inputs={"fail-on": fail_on})
    assert r.code == code
    assert r.outputs == {"result": "forbidden", "drift-count": "1"}
    (err,) = r.annotations("error")
    assert err.props == {"file": "app/auth/session.py", "title": "planscope: forbidden path"}
    assert ("| `app/auth/session.py` | modified | ⛔ forbidden | forbidden by 'app/auth/\\*\\*' "
            "\\(forbid of plans/awards\\.yaml\\) |") in r.summary


def test_pull_request_that_widens_its_own_plan(awards: Repo, action: Runner) -> None:
    base = open_pr(awards)
    awards.write("plans/awards.yaml", AWARDS_PLAN.replace(
        "allow: [tests/**/test_awards*.py]", "allow: [tests/**/test_awards*.py, app/views/**]"))
    awards.write("app/views/awards.py", "dashboard\n")
    awards.commit("Tables, and a view the plan now allows", plan=TABLES)
    r = action(awards, pr_payload(awards, base), inputs={"fail-on": "forbidden"})
    assert r.code == 1  # fail-on forbidden still fails on plan-changed
    assert r.outputs == {"result": "plan-changed", "drift-count": "2"}
    errs = {c.props["file"]: c for c in r.annotations("error")}
    assert errs["plans/awards.yaml"].props["title"] == "planscope: plan changed"
    assert errs["app/views/awards.py"].props["title"] == "planscope: drift"
    assert "## planscope: ❌ the pull request changes its own plan" in r.summary
    assert "### plan-changed: `plans/awards.yaml`" in r.summary
    assert "```diff\n" in r.summary and "+    allow: [tests/**/test_awards*.py, app/views/**]" \
        in r.summary


def test_shallow_clone(awards: Repo, action: Runner, tmp_path: Path) -> None:
    base = open_pr(awards)
    awards.write("db/migrations/0042_awards.sql", "x\n")
    awards.commit("Add awards table", plan=TABLES)
    clone = Repo(tmp_path / "clone")
    awards.git("clone", "-q", "--depth", "1", "--branch", "feature", f"file://{awards.path}",
               str(clone.path))
    r = action(clone, pr_payload(awards, base))
    assert r.code == 2
    assert r.outputs == {"result": "error", "drift-count": "0"}
    (err,) = r.annotations("error")
    assert f"the base commit {base} is not in this clone" in err.message
    assert "set 'fetch-depth: 0' on the actions/checkout step" in err.message
    assert "fetch-depth: 0" in r.err and r.summary.startswith("## planscope: ⚠️ could not check")


def test_merge_group(awards: Repo, action: Runner) -> None:
    base = open_pr(awards)
    awards.write("db/migrations/0042_awards.sql", "x\n")
    awards.commit("Add awards table", plan=TABLES)
    awards.write("app/views/awards.py", "x\n")
    head = awards.commit("Add the view", plan="plans/awards.yaml#views")
    r = action(awards, merge_group_payload(base, head), event="merge_group")
    assert r.code == 0, r.out
    assert r.outputs == {"result": "pass", "drift-count": "0"}
    assert "Merge group: 2 commits" in r.summary
    assert "### `plans/awards.yaml#tables`" in r.summary
    assert "### `plans/awards.yaml#views`" in r.summary


def test_pull_request_body_plan_line(awards: Repo, action: Runner) -> None:
    base = open_pr(awards)
    awards.write("db/migrations/0042_awards.sql", "x\n")
    awards.commit("wip")
    awards.write("app/models/__init__.py", "y\n")
    awards.commit("more wip")
    body = "## New database tables\n\n---\n\nPlan: plans/awards.yaml#tables\n"
    r = action(awards, pr_payload(awards, base, body=body))
    assert r.code == 0, r.out
    assert r.outputs == {"result": "pass", "drift-count": "0"}
    assert "claimed by the 'Plan:' line of the pull request body" in r.summary
    r = action(awards, pr_payload(awards, base, body="Forgot the plan."))
    assert r.code == 2 and r.outputs["result"] == "error"


def test_a_two_slice_pr_body_claims_the_squash_commit(awards: Repo, action: Runner) -> None:
    """What ``pr-body`` writes for two slices is a description the check accepts: its
    ``Plan:`` lines claim the union, as several trailers do."""
    base = open_pr(awards)
    body = awards.planscope("pr-body", TABLES, "plans/awards.yaml#views").out
    assert body.rstrip().endswith(f"Plan: {TABLES}\nPlan: plans/awards.yaml#views")
    awards.write("db/migrations/0042_awards.sql", "x\n")
    awards.write("app/views/awards.py", "x\n")
    awards.commit("Awards (#12)")  # a squash commit: no trailer of its own
    r = action(awards, pr_payload(awards, base, body=body))
    assert r.code == 0, r.out
    assert r.outputs == {"result": "pass", "drift-count": "0"}
    awards.write("app/auth/session.py", "x\n")
    awards.commit("and auth (#13)")
    r = action(awards, pr_payload(awards, base, body=body))
    assert r.code == 1 and r.outputs["result"] == "forbidden", r.out
    # beside a commit nothing claims (bad input), the forbidden path still names the result
    r = action(awards, pr_payload(awards, base, body="No plan line."))
    assert r.code == 2 and r.outputs["result"] == "forbidden", r.out


def test_inputs_reach_planscope(awards: Repo, action: Runner) -> None:
    """base, plan, verify and the API key, each through env: only."""
    awards.write(".planscope.yaml", "on_drift: verify\n")
    awards.commit("verify", plan="none")
    open_pr(awards)
    awards.write("app/views/awards.py", "x\n")
    awards.commit("no trailer")
    payload = {"action": "opened"}  # a push-like event: base from the input
    r = action(awards, payload, event="push",
               inputs={"base": "main", "plan": TABLES, "verify": "false"})
    assert r.code == 1 and r.outputs["result"] == "drift"
    assert "Off for this run (`verify: false` / `--no-verify`)" in r.summary
    r = action(awards, payload, event="push", inputs={"base": "main", "plan": TABLES},
               env={"PLANSCOPE_OFFLINE": "1"})
    assert r.code == 3 and r.outputs["result"] == "unverified"
    assert "PLANSCOPE\\_OFFLINE=1 is set" in r.summary
    r = action(awards, payload, event="push", inputs={"base": "main", "plan": TABLES},
               env={"ANTHROPIC_API_KEY": ""})
    assert "no ANTHROPIC\\_API\\_KEY" in r.summary
    r = action(awards, payload, event="push", inputs={"verify": "maybe"})
    assert r.code == 2 and r.outputs["result"] == "error"
    assert r.annotations("error")[0].message == "the verify input must be true or false"
