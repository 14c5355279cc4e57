"""A rules change: a change that touches only planscope's rules (``checker.rules.rulefiles``)
needs no slice, and says what it changes.

It is judged by no slice: locally it passes with a line saying the pull request will need
review; the pull request check names it ``rules-changed`` (DESIGN §4). The rules it brings
judge nothing of the change that brings them: every other commit of a pull request or a
push is judged by the base's rules, so a forbid it removes never takes effect there.

``pyproject.toml`` counts as a rule file of a change only when nothing but its
``[tool.planscope]`` table changed (a dependency bump beside it is an ordinary change).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from checker.errors import BadInput, PlanscopeError
from checker.git import blobs
from checker.record import fields, record
from checker.rules.book import Rulebook
from checker.rules.config import CONFIG_FILE, Config, pyproject_doc
from checker.rules.globs import Fold
from checker.rules.plan import Plan, Slice
from checker.rules.rulefiles import PYPROJECT, rule_file

NOTE = ("a rules change (planscope's config, plans or hook settings only): it needs no "
        "plan; the pull request check reports it as rules-changed, for a person to review")
_SKIPPED = frozenset({"data", "source", "baseline"})


@record(frozen=True)
class RulesChange:
    paths: tuple[str, ...]
    said: tuple[str, ...]  # what it changes, one line each


def find(root: Path, paths: Sequence[str], before: str | None, after: str | None,
         config: Config, fold: Fold,
         exempt: Callable[[str], bool] = lambda _: False) -> RulesChange | None:
    """The rules change ``paths`` make from ``before`` to ``after`` (revisions; None: no
    history / the working tree), or None when one of them is neither a rule file nor
    ``exempt`` (a README beside the plans, say), or none is a rule file."""
    ruled = []
    for rel in paths:
        what = rule_file(rel, config.plans_dir, None, fold)
        if what is not None or (rel == PYPROJECT and _only_planscope(root, before, after)):
            ruled.append(rel)
        elif not exempt(rel):
            return None
    if not ruled:
        return None
    paths = ruled
    said: list[str] = []
    books = (Rulebook(root, before) if before is not None else None, Rulebook(root, after))
    for rel in dict.fromkeys(paths):
        said += _said(rel, books, config, fold)
    return RulesChange(tuple(dict.fromkeys(paths)), tuple(said))


def _only_planscope(root: Path, before: str | None, after: str | None) -> bool:
    """Whether ``pyproject.toml`` changed in its ``[tool.planscope]`` table only."""
    texts = [blobs.show(root, rev, PYPROJECT) if rev is not None else None
             for rev in (before, after)]
    try:
        docs = [pyproject_doc(t.decode()) if t is not None else {} for t in texts]
    except (BadInput, UnicodeDecodeError):
        return False
    for doc in docs:
        tool = doc.get("tool")
        if isinstance(tool, dict):
            tool.pop("planscope", None)
            if not tool:
                doc.pop("tool")
    return bool(docs[0] == docs[1])


def _said(rel: str, books: tuple[Rulebook | None, Rulebook], config: Config,
          fold: Fold) -> list[str]:
    if rel in (CONFIG_FILE, PYPROJECT):
        return _config_said(rel, books)
    if rule_file(rel, config.plans_dir, None, fold) == "a plan file":
        return _plan_said(rel, books)
    return [f"{rel}: {rule_file(rel, config.plans_dir, None, fold)} changed"]


# Config's fields by the keys the config file spells them with
_KEYS = {"exempt_paths": "exempt.paths", "exempt_max_changed_lines": "exempt.max_changed_lines",
         "require_plans_on_remote": "prepush.require_plans_on_remote",
         "stats_executors": "stats.executors"}


def _config_said(rel: str, books: tuple[Rulebook | None, Rulebook]) -> list[str]:
    new = books[1].config  # rules that cannot be read are no rules change (judged as any)
    try:
        old = books[0].config if books[0] is not None else Config()
    except PlanscopeError as exc:
        return [f"{rel}: changed (its earlier version cannot be read: {_one_line(exc)})"]
    lines = []
    for f in fields(Config):
        if f.name in _SKIPPED:
            continue
        was, now = getattr(old, f.name), getattr(new, f.name)
        if was == now:
            continue
        key = _KEYS.get(f.name, f.name)
        if isinstance(was, tuple) and isinstance(now, tuple) and f.name != "stats_executors":
            lines.append(f"{rel}: {key} {_delta(was, now)}")
        else:
            lines.append(f"{rel}: {key} changed")
    return lines or [f"{rel}: changed (the same rules)"]


def _plan_said(rel: str, books: tuple[Rulebook | None, Rulebook]) -> list[str]:
    old, after = _plan_or_none(books[0], rel), books[1]
    # a plan that cannot be read after the change makes it no rules change (judged as any)
    there = blobs.show(after.root, after.rev or blobs.INDEX, rel) is not None
    new = after.plan(rel, "the rules change") if there else None
    if new is None:
        return [f"{rel}: plan removed"]
    if old is None:
        count = len(new.slices)
        return [f"{rel}: new plan '{new.id}' ({count} slice{'' if count == 1 else 's'})"]
    lines = []
    if old.forbid != new.forbid:
        lines.append(f"{rel}: forbid {_delta(old.forbid, new.forbid)}")
    if old.status != new.status:
        lines.append(f"{rel}: status {old.status} -> {new.status}")
    before = {s.id: s for s in old.slices}
    for s in new.slices:
        was = before.pop(s.id, None)
        lines += [f"{rel}#{s.id}: new slice"] if was is None else _slice_said(rel, was, s)
    lines += [f"{rel}#{gone}: slice removed" for gone in before]
    return lines or [f"{rel}: changed (the same scope)"]


def _plan_or_none(book: Rulebook | None, rel: str) -> Plan | None:
    """The plan before the change; None when there was none or it cannot be read."""
    if book is None:
        return None
    try:
        return book.plan(rel, "the rules change")
    except PlanscopeError:
        return None


def _slice_said(rel: str, was: Slice, now: Slice) -> list[str]:
    lines = []
    scope_was = (*was.create, *was.modify, *was.delete, *was.allow)
    scope_now = (*now.create, *now.modify, *now.delete, *now.allow)
    if set(scope_now) - set(scope_was):
        lines.append(f"{rel}#{now.id}: widened {_delta(scope_was, scope_now)}")
    elif scope_was != scope_now:
        lines.append(f"{rel}#{now.id}: narrowed {_delta(scope_was, scope_now)}")
    if was.forbid != now.forbid:
        lines.append(f"{rel}#{now.id}: forbid {_delta(was.forbid, now.forbid)}")
    if was.status != now.status:
        lines.append(f"{rel}#{now.id}: status {was.status} -> {now.status}")
    return lines


def _delta(was: Sequence[object], now: Sequence[object]) -> str:
    added = [f"+{x}" for x in now if x not in was]
    removed = [f"-{x}" for x in was if x not in now]
    return " ".join([*added, *removed]) or "reordered"


def _one_line(exc: PlanscopeError) -> str:
    return "; ".join(line.strip() for line in str(exc).splitlines() if line.strip())[:300]
