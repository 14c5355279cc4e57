"""What a plan reviewer is asked, and how its reply is read.

Every reviewer gets the same request, built from the plan and the repository only: the plan
as YAML (its recorded ``reviews:`` left out, so no reviewer sees an earlier answer), the
repository's file list at HEAD and the current content of the files the plan says to
modify, both cut to ``verify.max_diff_bytes`` (the list takes at most a quarter). The reply
is a forced tool call: a confidence that the plan is ready, ready or not, the gaps, the
assumptions the repository contradicts, and the blocking findings: those that must be fixed
before a slice is built, each naming the slice it stops.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from checker.errors import VerifyUnavailable
from checker.git import blobs
from checker.model import prompt as mprompt
from checker.model import reply as mreply
from checker.model.hunks import FileDiff, fit
from checker.record import replace
from checker.rules import globs
from checker.rules.config import Reviewer
from checker.rules.globlint import literal
from checker.rules.plan import Plan, plan_yaml

PROMPT_VERSION = "3"  # 2: wrong assumptions start with their [id]; 3: blockers
TOOL_NAME = "record_plan_review"

INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "confidence": {"type": "number",
                       "description": "0 to 1: how confident you are that the plan is ready "
                                      "to build as written."},
        "ready": {"type": "boolean",
                  "description": "True only if you would start building it as written now."},
        "gaps": {"type": "array", "items": {"type": "string"},
                 "description": "What the plan is missing or gets wrong about the work, one "
                                "sentence each; empty when nothing."},
        "wrong_assumptions": {"type": "array", "items": {"type": "string"},
                              "description": "Assumptions or file references of the plan "
                                             "that the repository contradicts, one sentence "
                                             "each."},
        "blockers": {"type": "array", "items": {"type": "string"},
                     "description": "Findings that must be fixed before a slice is built, one "
                                    "sentence each, starting with the id of the slice it "
                                    "stops in brackets, or [plan] when it stops every slice; "
                                    "empty when nothing blocks."},
    },
    "required": ["confidence", "ready", "gaps", "wrong_assumptions", "blockers"],
    "additionalProperties": False,
}

TOOL: dict[str, Any] = {
    "name": TOOL_NAME,
    "description": "Record your review of the plan's readiness.",
    "input_schema": INPUT_SCHEMA,
    "strict": True,
}

SYSTEM = f"""\
You review a plan for a change to a git repository before anyone builds it. The plan \
explains why and what, states its assumptions about the existing code, and splits the work \
into slices, each listing the files it creates, modifies and deletes and the tests it adds. \
You see the plan, the repository's file list and the current content of the files the plan \
says to modify.

Judge whether an engineer could build the plan as written without surprises: do its \
assumptions hold for the code shown, are the files it names the right ones, are steps, \
files, tests, migrations or rollbacks missing, are the slices ordered and sized so each can \
be reviewed on its own. Answer with your confidence between 0 and 1 that the plan is ready \
to build, whether you would start building it now (ready), the gaps (one sentence each), \
and the assumptions or file references the repository contradicts (wrong_assumptions). Be \
concrete: name the file, slice or assumption; a wrong assumption that has an id in the plan \
starts with that id in brackets, like "[members-file] nothing in app/models/member.py has an \
id column". A finding that must be fixed before a slice is built (it would be built wrong, \
or could not be built at all) is also a blocker: it starts with the id of the slice it stops \
in brackets, like "[parse] the parser it extends was removed", or [plan] when it stops every \
slice; the rest are gaps. Answer by calling the {TOOL_NAME} tool once.

Data blocks. {mprompt.DATA_RULE}
"""


def file_list(files: Collection[str], budget: int) -> tuple[str, int]:
    """(one quoted path a line, as many as fit ``budget`` bytes; how many were listed)."""
    out, used = [], 0
    for p in sorted(files):
        line = mprompt.quoted(p) + "\n"
        size = len(line.encode("utf-8"))
        if used + size > budget:
            break
        out.append(line)
        used += size
    return "".join(out), len(out)


def modify_files(root: Path, plan: Plan, rev: str, secret_paths: Sequence[str],
                 budget: int) -> list[FileDiff]:
    """The current content (at ``rev``) of the literal paths the plan's slices modify, cut to
    ``budget`` together; secret paths, folders and binary files by name only."""
    secret = globs.fold_of(root).matcher(secret_paths)
    paths = list(dict.fromkeys(p for s in plan.slices for p in map(literal, s.modify) if p))
    out = []
    for p in paths:
        if secret.match(p):
            out.append(FileDiff(p, "M", None, "secret path (verify.secret_paths): content "
                                              "withheld"))
            continue
        raw = blobs.show(root, rev, p)
        if raw is None:
            out.append(FileDiff(p, "M", None, "a folder (or not a file): see the file list"))
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = "\0"
        if "\0" in text:
            out.append(FileDiff(p, "M", None, "binary file: content not sent"))
            continue
        out.append(FileDiff(p, "M", text, total_bytes=len(raw)))
    return fit(out, budget)


def build_prompt(plan: Plan, listing: str, listed: int, total: int,
                 files: Sequence[FileDiff], budget: int) -> mprompt.Prompt:
    fit_note = f"; only the first {listed}, by name, fit" if listed < total else ""
    blocks = [
        mprompt.Block("plan", f"The plan ({plan.path}), as YAML:", plan_yaml(plan)),
        mprompt.Block("file-list", f"The repository's files at HEAD ({total} files{fit_note}):",
                      listing or "(none)\n"),
    ]
    shown = mprompt.Files(
        files, "file",
        "The current content of the files the plan says to modify, one block each.",
        budget=budget, status=False)
    return mprompt.build(SYSTEM, TOOL, "Review the readiness of one plan.", blocks, shown, 2048)


# The named lenses a reviewer's ``focus`` may name; anything else is taken as written.
LENSES = {
    "assumptions": "the plan's assumptions about the existing code: which of them the files "
                   "shown contradict or do not support, and which slices rely on them",
    "completeness": "what the goal needs that no slice plans: files, callers, migrations, "
                    "configuration, documentation",
    "rollout": "the order of the slices: whether each can land and run on its own, and what "
               "breaks between one slice and the next",
    "security": "what the change could weaken: secrets, authentication, input handling, "
                "permissions the plan touches or forgets",
    "tests": "the tests: whether each slice's tests would show it works and catch what it "
             "could break",
}


def lens(focus: str) -> str:
    """The text a ``focus`` stands for: a named lens's, or the focus itself."""
    return LENSES.get(focus.strip().lower(), focus.strip())


def focused(built: mprompt.Prompt, reviewer: Reviewer) -> mprompt.Prompt:
    """The prompt as this reviewer gets it: with its own focus, and no other's."""
    if not reviewer.focus.strip():
        return built
    return replace(built, user=f"{built.user}\nYou are one of several reviewers, each asked "
                                f"to look hardest at one thing. Yours: {lens(reviewer.focus)}. "
                                f"Still judge the whole plan's readiness.\n")


def command_request(built: mprompt.Prompt, plan: Plan, reviewer: Reviewer, listing: str,
                    total: int) -> dict[str, Any]:
    """What a ``command`` reviewer reads on stdin: the rendered prompt and its content."""
    return {
        "planscope_request": 1,
        "kind": "plan-review",
        "prompt_version": PROMPT_VERSION,
        "reviewer": reviewer.name,
        "model": reviewer.model or None,
        "focus": lens(reviewer.focus) or None,
        "system": built.system,
        "prompt": built.user,
        "request_id": built.request_id,
        "tool": {k: TOOL[k] for k in ("name", "description", "input_schema")},
        "reply_format": '{"confidence": 0..1, "ready": bool, "gaps": [str], '
                        '"wrong_assumptions": [str], "blockers": [str]} on stdout',
        "plan": {"path": plan.path, "id": plan.id, "title": plan.title},
        "plan_yaml": plan_yaml(plan),
        "files": [json.loads(line) for line in listing.splitlines()],
        "files_total": total,
        "modify": [{"path": f.path, "content": f.text, "not_shown": f.why or None,
                    "cut": f.cut or None} for f in built.files],
    }


def parse_reply(data: Any, source: str) -> dict[str, Any]:
    """Unusable as a whole (VerifyUnavailable): not an object, ``confidence`` not a number in
    [0, 1], ``ready`` not a boolean, ``gaps``/``wrong_assumptions``/``blockers`` present but
    not lists.
    Items that are not strings are dropped; each kept one is cleaned to one line."""
    if not isinstance(data, dict):
        raise VerifyUnavailable(f"malformed reply from {source}: expected an object with "
                                f"'confidence', got {type(data).__name__}")
    sure = mreply.required_confidence(data, source)
    ready = data.get("ready")
    if not isinstance(ready, bool):
        raise VerifyUnavailable(f"malformed reply from {source}: 'ready' is not true or false")
    return {
        "confidence": sure,
        "ready": ready,
        "gaps": list(mreply.lines(data.get("gaps"), source, "gaps")),
        "wrong_assumptions": list(mreply.lines(data.get("wrong_assumptions"), source,
                                               "wrong_assumptions")),
        "blockers": list(mreply.lines(data.get("blockers"), source, "blockers")),
    }
