"""What a reviewing model is asked about a change, and how its reply is read.

``planscope review`` asks one question: the slice, the plan's summary and assumptions, the
changed paths (in and out of the slice), the facts planscope checks itself (so the model does
not report them) and the whole diff (``verify.max_diff_bytes``, secret paths by name only,
forbidden paths never). The reply is a forced tool call: does the change match the plan
(with a confidence), findings by severity, untested behaviour, unplanned changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from checker.errors import VerifyUnavailable
from checker.model import hunks
from checker.model import prompt as mprompt
from checker.model import reply as mreply
from checker.record import record
from checker.rules.plan import Plan, Slice, slice_yaml
from checker.rules.scope import ScopeResult

PROMPT_VERSION = "1"
TOOL_NAME = "record_review"
SEVERITIES = ("blocker", "major", "minor")
BLOCKER, MAJOR, MINOR = SEVERITIES

INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "matches_plan": {
            "type": "boolean",
            "description": "True when the change does what the slice describes, and nothing "
                           "it does contradicts the plan.",
        },
        "confidence": {"type": "number", "description": "0 to 1: how sure you are of "
                                                        "matches_plan."},
        "findings": {
            "type": "array",
            "description": "Problems in the change, most severe first; empty when none.",
            "items": {
                "type": "object",
                "properties": {
                    "severity": {"type": "string", "enum": list(SEVERITIES)},
                    "path": {"type": "string", "description": "The changed path it is about, "
                                                              "exactly as listed."},
                    "line": {"type": "integer", "description": "Line in the new version of "
                                                               "the file."},
                    "message": {"type": "string", "description": "One sentence."},
                },
                "required": ["severity", "message"],
                "additionalProperties": False,
            },
        },
        "missing_tests": {
            "type": "array", "items": {"type": "string"},
            "description": "Behaviour the change adds or alters that no test in the change "
                           "covers, one sentence each.",
        },
        "unplanned_changes": {
            "type": "array", "items": {"type": "string"},
            "description": "What the change does that the slice does not describe, one "
                           "sentence each (inside planned files too).",
        },
    },
    "required": ["matches_plan", "confidence", "findings", "missing_tests",
                 "unplanned_changes"],
    "additionalProperties": False,
}

TOOL: dict[str, Any] = {
    "name": TOOL_NAME,
    "description": "Record the review of the change against its plan slice.",
    "input_schema": INPUT_SCHEMA,
    "strict": True,
}

REPLY_FORMAT = ('{"matches_plan": bool, "confidence": 0..1, "findings": [{"severity": '
                '"blocker"|"major"|"minor", "path"?, "line"?, "message"}], '
                '"missing_tests": [str], "unplanned_changes": [str]} on stdout')

SYSTEM = f"""\
You review one change to a git repository against the plan slice it claims to implement. \
The plan says why and what; the slice lists the files the work creates, modifies and \
deletes, and the tests it adds. You see the slice, the plan's summary and assumptions, the \
changed paths, and the change's unified diff.

Decide whether the change does what the slice describes (matches_plan), with a confidence \
between 0 and 1. Report findings, most severe first:
- "blocker": the change contradicts the plan, breaks something, or is unsafe (e.g. it \
removes checks, leaks secrets, does work the plan rules out);
- "major": a real defect or a clear departure from the slice that should be fixed first;
- "minor": worth a look, not worth holding the change.
Give a finding the changed path and line it is about when it has one. List in \
missing_tests the behaviour the change adds or alters that no test in the change covers, \
and in unplanned_changes what the change does that the slice does not describe (in planned \
files too). Planned files the change does not touch, planned test files that do not exist, \
and changed paths outside the slice's file lists are checked separately: do not report them.

When in doubt, say so in a finding: a wrong "matches" lets unplanned work through. Answer by \
calling the {TOOL_NAME} tool once.

Data blocks. {mprompt.DATA_RULE}
"""


@record(frozen=True)
class Finding:
    severity: str  # blocker | major | minor
    message: str
    path: str | None = None
    line: int | None = None
    source: str = "model"  # model | local (computed here, never asked)

    def to_json(self) -> dict[str, Any]:
        return {"severity": self.severity, "path": self.path, "line": self.line,
                "message": self.message, "source": self.source}


@record(frozen=True)
class ModelReview:
    matches_plan: bool
    confidence: float
    findings: tuple[Finding, ...]
    missing_tests: tuple[str, ...]
    unplanned_changes: tuple[str, ...]



def build_prompt(plan: Plan, slices: Sequence[Slice], scope: ScopeResult,
                 files: Sequence[hunks.FileDiff], missing: Sequence[str],
                 max_diff_bytes: int) -> mprompt.Prompt:
    """The request: the slice, the plan's text, the changed paths and the whole diff."""
    q = mprompt.quoted
    inside = {t.path for t in scope.in_scope}
    changed = "".join(
        f"{q(t.path)} ({t.status}) {'in the slice' if t.path in inside else 'outside the slice'}\n"
        for t in (*scope.in_scope, *scope.drift)
    ) or "(none)\n"
    facts = "".join(
        [f"planned, not touched: {q(p)}\n" for p in scope.untouched if p not in missing]
        + [f"planned test file, does not exist: {q(p)}\n" for p in missing]
        + [f"changed outside the slice: {q(t.path)}\n" for t in scope.drift]
    ) or "(none)\n"
    blocks = [
        *mprompt.plan_blocks([(plan, slices)]),
        mprompt.Block("changed-paths",
                      "The changed paths (git status letter; whether the slice lists them):",
                      changed),
        mprompt.Block("checked-separately",
                      "Facts planscope checks itself (do not report these):", facts),
    ]
    shown = mprompt.Files(
        files, "diff", "The whole diff (3 lines of context), one block per file.",
        when_cut="Review what is shown and say in a finding what you could not see.",
        when_none="No diff text to show (every change is named above, content withheld).",
        budget=max_diff_bytes)
    return mprompt.build(SYSTEM, TOOL, "Review one change against the plan slice it claims.",
                         blocks, shown, 4096)


def command_request(built: mprompt.Prompt, plan: Plan, slices: Sequence[Slice],
                    scope: ScopeResult, missing: Sequence[str], model: str) -> dict[str, Any]:
    """What a ``command`` provider reads on stdin (``kind: review``)."""
    inside = {t.path for t in scope.in_scope}
    return mprompt.command_request(
        built, "review", PROMPT_VERSION, model, REPLY_FORMAT,
        plan={"path": plan.path, "id": plan.id, "title": plan.title, "summary": plan.summary,
              "assumptions": list(plan.assumptions)},
        slice_yaml=slice_yaml(plan, slices),
        changed=[{"path": t.path, "status": t.status, "in_slice": t.path in inside}
                 for t in (*scope.in_scope, *scope.drift)],
        files=mprompt.files_json(built.files),
        checked_separately={"untouched": [p for p in scope.untouched if p not in missing],
                            "missing_test_files": list(missing),
                            "drift": [t.path for t in scope.drift]})


def parse_reply(data: Any, source: str) -> dict[str, Any]:
    """The reply as plain JSON, validated.

    Unusable as a whole (VerifyUnavailable, so ``verify.on_error`` decides): not an object,
    ``matches_plan`` not a boolean, ``confidence`` not a number in [0, 1], a list field that
    is not a list. A finding without a message is dropped; one whose severity is not
    blocker, major or minor counts as a blocker (fail closed), its message saying so; a bad
    ``path`` or ``line`` is left out of the finding.
    """
    if not isinstance(data, dict):
        raise VerifyUnavailable(f"malformed reply from {source}: expected an object with "
                                f"'matches_plan', got {type(data).__name__}")
    matches = data.get("matches_plan")
    if not isinstance(matches, bool):
        raise VerifyUnavailable(f"malformed reply from {source}: 'matches_plan' is not "
                                f"true or false")
    sure = mreply.required_confidence(data, source)
    items = data.get("findings")
    if items is None:
        items = []
    if not isinstance(items, list):
        raise VerifyUnavailable(f"malformed reply from {source}: 'findings' is not a list")
    findings = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("message"), str):
            continue
        message = mreply.clean_reason(item["message"])
        if not message:
            continue
        severity = item.get("severity")
        if severity not in SEVERITIES:
            message = mreply.clean_reason(f"{message} (severity {severity!r} not understood: "
                                          f"counted as a blocker)")
            severity = BLOCKER
        path, line = item.get("path"), item.get("line")
        findings.append({
            "severity": severity,
            "message": message,
            "path": path if isinstance(path, str) and path.strip() else None,
            "line": line if isinstance(line, int) and not isinstance(line, bool) and line > 0
            else None,
        })
    return {
        "matches_plan": matches,
        "confidence": sure,
        "findings": findings,
        "missing_tests": list(mreply.lines(data.get("missing_tests"), source, "missing_tests")),
        "unplanned_changes": list(mreply.lines(data.get("unplanned_changes"), source,
                                               "unplanned_changes")),
    }


def model_review(data: Mapping[str, Any]) -> ModelReview:
    return ModelReview(
        matches_plan=bool(data["matches_plan"]),
        confidence=float(data["confidence"]),
        findings=tuple(Finding(f["severity"], f["message"], f["path"], f["line"])
                       for f in data["findings"]),
        missing_tests=tuple(data["missing_tests"]),
        unplanned_changes=tuple(data["unplanned_changes"]),
    )
