"""The one builder of the rules a change is judged by (DESIGN §1, §10).

``rules_for(config, plan_forbids, parts, fold)`` gives a ``RuleSet``: what the claimed slices
allow (their planned files, tests and ``allow``, and the config's ``always_allow``), every
forbid that holds for the change with a typed ``Origin`` (the config's, the plan-level forbid
of every plan not done, each claimed plan's own, each claimed slice's), the patterns of
changes that need no plan (``exempt.paths`` and the plans folder), the hand-off refusals of
the claimed plans and the slices they still wait on. Every entry point judges by a RuleSet
built here: the hooks, every ``check`` mode, pre-push, the pull request check, status, stats,
trace, explain, brief, pr-body, the guard, ``run`` and the pre-commit quick answer, which keep
its plain-data form (``to_data``) between runs.

A path is forbidden when any forbid group matches it: a ``!negation`` in one group never
lifts another group's rule (a slice cannot unforbid what its plan or the config forbids).
Several claimed slices (several ``Plan:`` trailers, or ``#a+b``) allow the union of their
scopes; every one of their forbids applies.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from checker.record import record
from checker.rules import handoff
from checker.rules.config import CONFIG_FILE, Config
from checker.rules.globlint import literal
from checker.rules.globs import Fold, Matcher
from checker.rules.plan import Plan, Slice, TestRef

CONFIG, PLAN, SLICE = "config", "plan", "slice"
FORMAT = 1  # of to_data(); an entry of another format is built again


@record(frozen=True)
class Origin:
    """Where a forbid is written: the config, a plan's plan-level list, or a slice's."""

    kind: str  # CONFIG | PLAN | SLICE
    file: str  # .planscope.yaml, pyproject.toml [tool.planscope], plans/x.yaml
    slice: str = ""

    @property
    def label(self) -> str:
        if self.kind == CONFIG:
            return f"forbid in {self.file}"
        if self.kind == PLAN:
            return f"forbid of {self.file}"
        return f"forbid of {self.file}#{self.slice}"


@record(frozen=True)
class Forbid:
    origin: Origin
    patterns: tuple[str, ...]


@record(frozen=True)
class Part:
    """One claimed plan and the slices of it that are claimed."""

    plan: Plan
    slices: tuple[Slice, ...]

    @property
    def ref(self) -> str:
        return f"{self.plan.path}#{'+'.join(s.id for s in self.slices)}"

    @property
    def patterns(self) -> tuple[str, ...]:
        """What the slices name as theirs: planned files, tests and ``allow``."""
        return tuple(p for s in self.slices for p in (*s.planned, *s.allow))

    def open_dependencies(self) -> tuple[str, ...]:
        """The slices these slices depend on, outside themselves, that are not marked done:
        what must have landed before them (``checker.judge.order`` looks in history)."""
        mine = {s.id for s in self.slices}
        wanted = [d for s in self.slices for d in s.depends_on if d not in mine]
        return tuple(d for d in dict.fromkeys(wanted)
                     if (dep := self.plan.slice(d)) is not None and dep.status != "done")


class RuleSet:
    """The rules of one change, compiled once."""

    def __init__(self, parts: Sequence[Part], always_allow: Sequence[str],
                 forbids: Sequence[Forbid], exempt: Sequence[str], fold: Fold,
                 refusals: Sequence[str] = ()) -> None:
        self.parts = tuple(parts)
        self.always_allow = tuple(always_allow)
        self.forbids = tuple(f for f in forbids if f.patterns)
        self.exempt_patterns = tuple(exempt)
        self.fold = fold
        self.refusals = tuple(refusals)  # why a claimed plan is not handed off
        self.allowed = fold.matcher([*self.always_allow, *(p for part in self.parts
                                                            for p in part.patterns)])
        self._groups = [(f, fold.matcher(f.patterns)) for f in self.forbids]
        # every forbid in one matcher when none negates (then a path matches the union iff
        # it matches some group): one lookup a path instead of one a group
        every = [p for f in self.forbids for p in f.patterns]
        self._union = None if any(p.lstrip().startswith("!") for p in every) else \
            fold.matcher(every)
        self.planned = tuple(dict.fromkeys(
            path for part in self.parts for s in part.slices
            for path in map(literal, s.planned) if path is not None))

    @property
    def claimed(self) -> bool:
        """Whether the change claims a slice (else only forbids and exemptions speak)."""
        return bool(self.parts)

    def forbidden_by(self, path: str) -> tuple[str, Forbid] | None:
        """The first rule that forbids ``path``: (the pattern, its forbid group)."""
        for forbid, matcher in self._groups:
            index = matcher.which(path)
            if index is not None:
                return matcher.patterns[index], forbid
        return None

    def forbidden(self, path: str) -> bool:
        if self._union is not None:
            return self._union.match(path)
        return any(matcher.match(path) for _, matcher in self._groups)

    def rule(self, path: str) -> str:
        """``'app/auth/**' (forbid of plans/x.yaml)``, or "" when nothing forbids ``path``."""
        hit = self.forbidden_by(path)
        return f"'{hit[0]}' ({hit[1].origin.label})" if hit else ""

    def allows(self, path: str) -> bool:
        return self.allowed.match(path)

    @functools.cached_property
    def _exempt(self) -> Matcher:
        return self.fold.matcher(self.exempt_patterns)

    def exempt(self, path: str) -> bool:
        """Whether a change to ``path`` needs no plan (``exempt.paths``, the plan files)."""
        return self._exempt.match(path)

    @functools.cached_property
    def _slice_matchers(self) -> list[tuple[tuple[str, str], Matcher]]:
        return [((part.plan.path, s.id), self.fold.matcher([*s.planned, *s.allow]))
                for part in self.parts for s in part.slices]

    def slice_for(self, path: str) -> tuple[str, str] | None:
        """(plan path, slice id) of the first claimed slice whose own patterns allow ``path``
        (claim order): what a path of a commit claiming several slices is attributed to."""
        return next((key for key, m in self._slice_matchers if m.match(path)), None)

    def needs(self) -> list[tuple[Part, tuple[str, ...]]]:
        """(part, slice ids it waits on) for every claimed part that waits on some."""
        return [(p, deps) for p in self.parts if (deps := p.open_dependencies())]

    # --- plain data, for the guard's cache and the pre-commit ticket ----------------------

    def to_data(self) -> dict[str, Any]:
        return {"format": FORMAT,
                "parts": [_part_data(p) for p in self.parts],
                "allowed": list(self.allowed.patterns),  # derived: for readers without Plan
                "always_allow": list(self.always_allow),
                "forbids": [[f.origin.kind, f.origin.file, f.origin.slice, list(f.patterns)]
                            for f in self.forbids],
                "exempt": list(self.exempt_patterns),
                "fold": [self.fold.ignore_case, self.fold.nfc],
                "refusals": list(self.refusals)}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> RuleSet:
        """The RuleSet ``to_data`` gave; ValueError (or KeyError, TypeError) for anything
        else, so that a damaged entry is built again."""
        if data.get("format") != FORMAT:
            raise ValueError("another format")
        forbids = [Forbid(Origin(_str(kind), _str(file), _str(slice_id)), _strs(patterns))
                   for kind, file, slice_id, patterns in data["forbids"]]
        ignore_case, nfc = data["fold"]
        return cls([_part_of(p) for p in data["parts"]], _strs(data["always_allow"]), forbids,
                   _strs(data["exempt"]), Fold(bool(ignore_case), bool(nfc)),
                   _strs(data["refusals"]))


def rules_for(config: Config, plan_forbids: Sequence[tuple[str, Sequence[str]]],
              parts: Sequence[Part], fold: Fold) -> RuleSet:
    """The rules of a change that claims ``parts`` (none: it claims no slice), under
    ``config``; ``plan_forbids``: (plan path, its plan-level ``forbid``) of every plan that is
    not done. The claimed plans' own forbids apply whatever their status, then each claimed
    slice's."""
    forbids: list[Forbid] = []
    if config.forbid:
        forbids.append(Forbid(Origin(CONFIG, config.source or CONFIG_FILE), config.forbid))
    claimed = list(dict.fromkeys(p.plan for p in parts))
    mine = {plan.path for plan in claimed}
    forbids += [Forbid(Origin(PLAN, rel), tuple(patterns)) for rel, patterns in plan_forbids
                if rel not in mine]
    forbids += [Forbid(Origin(PLAN, plan.path), plan.forbid) for plan in claimed]
    forbids += [Forbid(Origin(SLICE, p.plan.path, s.id), s.forbid)
                for p in parts for s in p.slices]
    refusals = [why for plan in claimed if (why := handoff.refusal(plan, config.handoff))]
    refusals += [why for p in parts for s in p.slices if (why := handoff.slice_refusal(p.plan, s))]
    exempt = [*config.exempt_paths, f"/{config.plans_dir}/**"]
    return RuleSet(parts, config.always_allow, forbids, exempt, fold, refusals)


# --- plain data of a claimed part ---------------------------------------------------------


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("not a string")
    return value


def _strs(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("not a list of strings")
    return tuple(value)


def _part_data(part: Part) -> dict[str, Any]:
    plan = part.plan
    return {"path": plan.path, "id": plan.id, "title": plan.title, "status": plan.status,
            "forbid": list(plan.forbid),
            "slices": [{"id": s.id, "title": s.title, "status": s.status,
                        "create": list(s.create), "modify": list(s.modify),
                        "delete": list(s.delete), "allow": list(s.allow),
                        "forbid": list(s.forbid), "tests": [t.path for t in s.tests],
                        "depends_on": list(s.depends_on)}
                       for s in part.slices]}


def _part_of(data: Mapping[str, Any]) -> Part:
    slices = tuple(
        Slice(id=_str(s["id"]), title=_str(s["title"]), status=_str(s["status"]),
              create=_strs(s["create"]), modify=_strs(s["modify"]), delete=_strs(s["delete"]),
              allow=_strs(s["allow"]), forbid=_strs(s["forbid"]),
              tests=tuple(TestRef(p) for p in _strs(s["tests"])),
              depends_on=_strs(s["depends_on"]))
        for s in data["slices"])
    if not slices:
        raise ValueError("a part with no slice")
    plan = Plan(path=_str(data["path"]), id=_str(data["id"]), title=_str(data["title"]),
                status=_str(data["status"]), slices=slices, forbid=_strs(data["forbid"]))
    return Part(plan, slices)
