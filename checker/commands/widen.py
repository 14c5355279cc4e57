"""``planscope widen PLAN#SLICE (--staged | --commit REV | --base REF) [--write]``: the
paths a change drifted out of a slice, folded back into the slice's ``allow`` with the reason
the verification pass gave (when it ran), shown as a diff of the plan; ``--write`` edits the
plan in place. The result is a rules change: a commit of its own, never the change it
excuses (that one is judged by the plan as it was)."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from checker import errors
from checker.errors import Outcome
from checker.history import judged, planrecord
from checker.judge import claims, targets
from checker.judge.changes import Target
from checker.judge.pipeline import Options
from checker.render.text import display
from checker.rules import globlint, yamlfile
from checker.rules.book import Rulebook
from checker.rules.config import Config


def literal_pattern(path: str) -> str:
    """``path`` as a pattern that names it and nothing else: anchored at the top, every
    character the glob dialect reads specially escaped (a file named ``**`` must not
    become a rule that allows everything)."""
    escaped = re.sub(r"([*?\[\]\\!#])", r"\\\1", path)
    if escaped.endswith(" "):
        escaped = escaped[:-1] + "\\ "
    return "/" + escaped


def widen(root: Path, config: Config, ref: str, target: Target, write: bool) -> Outcome:
    book = Rulebook(root, config=config)
    plan, slices = claims.named_slices(root, book, ref)
    if len(slices) != 1:
        raise errors.BadInput(f"{ref}: name one slice to widen (PLAN#SLICE)")
    s = slices[0]
    recorded = judged.recorded_verdicts(root)  # the reasons the verification pass gave
    opts = Options(plan_ref=f"{plan.path}#{s.id}", plan_source="planscope widen", verify=False,
                   recorded=recorded)
    results, _ = targets.judge_target(root, target, opts)
    drifted: dict[str, str] = {}
    for r in results:
        if r.scope is None:
            continue
        for t in r.scope.drift:
            v = r.verdicts.get(t.path) or recorded.get((r.unit.sha or "", t.path))
            drifted.setdefault(t.path, v.reason if v is not None else "")
    forbidden = sorted({t.path for r in results if r.scope for t in r.scope.forbidden})
    note = ([f"planscope: forbidden paths are never widened into a slice: "
             f"{', '.join(display(p) for p in forbidden)}"] if forbidden else [])
    if not drifted:
        return Outcome.of(errors.OK, [f"planscope: nothing drifted out of {plan.path}#{s.id}; "
                                      f"nothing to widen", *note])
    odd = [p for p in drifted if globlint.literal(literal_pattern(p)) != p]
    if odd:
        note.append(f"planscope: paths no pattern names exactly are not widened: "
                    f"{', '.join(display(p) for p in odd)}")
    items = [(literal_pattern(p), why) for p, why in drifted.items() if p not in odd]
    if not items:
        return Outcome.of(errors.OK, [f"planscope: nothing to widen in {plan.path}#{s.id}",
                                      *note])
    before = yamlfile.read(root / plan.path, plan.path, root)
    after = planrecord.add_allowed(before, plan.path, s.id, items)
    diff = list(difflib.unified_diff(before.splitlines(keepends=True),
                                     after.splitlines(keepends=True),
                                     f"a/{plan.path}", f"b/{plan.path}"))
    lines = [display(line.rstrip("\n")) for line in diff]
    if write:
        planrecord.write_widened(root, plan.path, s.id, before, after, [p for p, _ in items])
        lines.append(f"planscope: wrote {plan.path}: {len(items)} path(s) added to the allow "
                     f"of slice '{s.id}'. Commit it on its own: a rules change, for review; "
                     f"the change it excuses is judged by the plan as it was")
    else:
        lines.append(f"planscope: {plan.path} not written (--write edits it in place)")
    return Outcome.of(errors.OK, [*lines, *note])
