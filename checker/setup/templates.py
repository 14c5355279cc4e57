"""Files that ``planscope init`` and ``planscope new`` write."""

from __future__ import annotations

import os
import re
from pathlib import Path

from checker import __version__
from checker.errors import BadInput
from checker.rules import plan as plan_mod
from checker.rules.config import Config

SCHEMA_COPY = "schemas/plan.schema.json"

CONFIG = """\
# planscope configuration: every key is optional; these are the defaults unless noted.
plans_dir: plans
# Paths every slice may touch, e.g. [CHANGELOG.md, "*.lock"].
always_allow: []
# A change that claims no plan (no 'Plan:' trailer, no plan branch) fails, unless exempt.
require_plan: true
exempt:
  paths: []              # a change touching only these needs no plan, e.g. [docs/**]
  max_changed_lines: 0   # a change at most this small needs no plan; 0 turns this off
# What drift does: block (exit 1), warn (print, exit 0) or verify (ask a model).
on_drift: block          # default: verify
verify:
  provider: anthropic
  model: claude-sonnet-5-5
  timeout_s: 60
  on_error: fail         # fail: exit 3 when the pass cannot run; pass: warn and let through
  min_confidence: 0.7
# planscope plan-review: reviewers of two vendors, blind to each other, each looking
# hardest at one thing (a lens: assumptions, completeness, rollout, security, tests).
review:
  plan:
    reviewers:
      - {name: claude, provider: anthropic, model: claude-opus-5-5, focus: assumptions}
      - {name: gpt, provider: openai, model: gpt-5.5-pro, focus: completeness}
"""

PRE_COMMIT_SNIPPET = f"""\
# .pre-commit-config.yaml
default_install_hook_types: [pre-commit, commit-msg, pre-push]
repos:
  - repo: <url of planscope>
    rev: v{__version__}          # the release this planscope is
    hooks:
      - id: planscope
      - id: planscope-commit-msg
        verbose: true        # show what passed too
      - id: planscope-pre-push
        verbose: true
"""

WORKFLOW_SNIPPET = f"""\
# .github/workflows/planscope.yml
on: [pull_request, merge_group]
permissions:
  contents: read
jobs:
  planscope:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@<commit sha>
        with:
          fetch-depth: 0
          persist-credentials: false
      - uses: <owner>/planscope@<commit sha of v{__version__}>
        with:
          anthropic-api-key: ${{{{ secrets.ANTHROPIC_API_KEY }}}}
"""


def slug(title: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return s[:60].rstrip("-")


def modeline(root: Path, plan_dir: Path) -> str:
    rel = os.path.relpath(root / SCHEMA_COPY, plan_dir)
    return f"# yaml-language-server: $schema={Path(rel).as_posix()}\n"


def new_plan(title: str, plan_id: str, slices: int, schema_line: str) -> str:
    lines = [
        schema_line.rstrip("\n"),
        "version: 1",
        f"id: {plan_id}",
        f"title: {_quote(title)}",
        "status: draft",
        "summary: |",
        "  Why and what, in a paragraph.",
        "assumptions: []       # what the plan believes about the existing code",
        "forbid: []            # paths no slice may touch",
        "slices:",
    ]
    for i in range(1, slices + 1):
        lines += [
            f"  - id: s{i}",
            f"    title: Slice {i}",
            "    files:",
            "      create: []",
            "      modify: []",
            "      delete: []",
            "    allow: []",
            "    tests: []",
            f"    depends_on: [{f's{i - 1}' if i > 1 else ''}]",
        ]
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_new(root: Path, config: Config, title: str, plan_id: str | None, slices: int) -> str:
    """Write a new draft plan; returns its repo-relative path. Refuses an id already used."""
    plan_id = plan_id or slug(title)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", plan_id):
        raise BadInput(f"plan id {plan_id!r}: use lowercase letters, digits and dashes (--id)")
    if slices < 1:
        raise BadInput("--slices must be at least 1")
    rel = f"{config.plans_dir}/{plan_id}.yaml"
    if (root / rel).exists():
        raise BadInput(f"{rel}: already exists")
    for other in plan_mod.plan_files(root, config.plans_dir):
        text = (root / other).read_text(encoding="utf-8", errors="replace")
        if re.search(rf"^id:\s*['\"]?{re.escape(plan_id)}['\"]?\s*(#.*)?$", text, re.M):
            raise BadInput(f"{other}: already uses the plan id {plan_id!r}")
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new_plan(title, plan_id, slices, modeline(root, path.parent)), encoding="utf-8")
    return rel


EXAMPLE_PLAN_BODY = """\
version: 1
id: example
title: An example plan (edit or delete me)
status: draft
summary: |
  Why and what, in a paragraph. This text goes into pull request descriptions.
assumptions:
  - The code this plan changes lives under src/
# forbid: [src/auth/**]   # paths no slice of this plan may touch, while it is not done
slices:
  - id: first
    title: The first reviewable step
    files:
      create: [src/example_feature.py]
      modify: []
      delete: []
    allow: []
    forbid: ["**/*.pem", ".env*"]   # this slice's commits must not touch these
    tests:
      - path: tests/test_example_feature.py
        covers: the new feature's main case
    depends_on: []
"""


def config_text(plans_dir: str, baseline: str | None) -> str:
    """The config init writes: the defaults explained, and the baseline."""
    if baseline is None:
        line = "# baseline: none yet (no commits): every commit is checked\n"
    else:
        line = ("# The commit planscope was adopted on: it and the commits before it are never "
                f"checked.\nbaseline: {baseline}\n")
    return CONFIG.replace("plans_dir: plans\n", f"plans_dir: {plans_dir}\n{line}")


def init(root: Path, config: Config, force: bool, baseline: str | None = None) -> list[str]:
    """Write the config (with ``baseline``), an example plan and a copy of the plan schema;
    returns what it wrote."""
    from checker.rules import schemas

    plans_dir = root / config.plans_dir
    files = {
        ".planscope.yaml": config_text(config.plans_dir, baseline),
        f"{config.plans_dir}/example.yaml": modeline(root, plans_dir) + EXAMPLE_PLAN_BODY,
        SCHEMA_COPY: schemas.text("plan"),
    }
    existing = [rel for rel in files if (root / rel).exists()]
    if existing and not force:
        raise BadInput(f"{', '.join(existing)}: already exist; use --force to overwrite")
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return list(files)
