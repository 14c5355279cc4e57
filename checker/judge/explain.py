"""Why a path is in scope, drift, forbidden or exempt: the pattern that decides it and where
it is written (``planscope explain``, like ``git check-ignore -v``). Decided from the same
rules (``checker.rules.ruleset``), in the same order, as ``check``: forbidden first (any
forbid group), then the claimed slices' patterns and ``always_allow``; with no slice
claimed, ``exempt.paths`` and the plan files, else the path needs a plan."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from checker import errors
from checker.git import blobs
from checker.judge.changes import Unit
from checker.judge.claims import Claim
from checker.judge.pipeline import Judge, Options
from checker.record import record
from checker.rules import rulefiles
from checker.rules.book import Rulebook
from checker.rules.config import Config
from checker.rules.globs import Fold
from checker.rules.plan import Plan, Slice
from checker.rules.ruleset import CONFIG, PLAN, RuleSet

FORBIDDEN, IN_SCOPE, DRIFT, EXEMPT, UNCLAIMED = (
    "forbidden", "in-scope", "drift", "exempt", "unclaimed")
BLOCKING = (FORBIDDEN, DRIFT, UNCLAIMED)


@record(frozen=True)
class Rule:
    pattern: str
    where: str  # FILE:LINE:COL where the pattern is written (the file alone for pyproject)
    list: str  # which list holds it: "files.modify of slice 'tables'", "forbid of plans/x.yaml"


@record(frozen=True)
class Explained:
    path: str
    verdict: str  # one of FORBIDDEN, IN_SCOPE, DRIFT, EXEMPT, UNCLAIMED
    rule: Rule | None  # None: no pattern decides (drift, unclaimed)


@record(frozen=True)
class Explanation:
    claim: Claim | None
    paths: tuple[Explained, ...]
    require_plan: bool = True  # an unclaimed path blocks only then

    @property
    def exit_code(self) -> int:
        blocking = BLOCKING if self.require_plan else (FORBIDDEN, DRIFT)
        return errors.DRIFT if any(p.verdict in blocking for p in self.paths) else errors.OK


def _decide(path: str, rules: Sequence[Rule], fold: Fold) -> Rule | None:
    index = fold.matcher([r.pattern for r in rules]).which(path)
    return None if index is None else rules[index]


def _config_rules(cfg: Config, keys: tuple[str, ...], patterns: Sequence[str]) -> list[Rule]:
    return [Rule(p, cfg.where(*keys, i), ".".join(keys)) for i, p in enumerate(patterns)]


def _plans_dir_where(cfg: Config) -> str:
    has_key = isinstance(cfg.data, dict) and "plans_dir" in cfg.data
    return cfg.where("plans_dir") if has_key else "the default plans_dir"


def _slice_rules(plan: Plan, s: Slice) -> list[Rule]:
    """The slice's scope, in the order ``scope.compile_scope`` reads it."""
    si = plan.slices.index(s)
    out = [Rule(p, plan.where("slices", si, "files", key, i), f"files.{key} of slice '{s.id}'")
           for key in ("create", "modify", "delete")
           for i, p in enumerate(getattr(s, key))]
    out += [Rule(t.path, plan.where("slices", si, "tests", i, "path"), f"tests of slice '{s.id}'")
            for i, t in enumerate(s.tests)]
    return out + [Rule(p, plan.where("slices", si, "allow", i), f"allow of slice '{s.id}'")
                  for i, p in enumerate(s.allow)]


def _forbid_rules(book: Rulebook, rules: RuleSet) -> list[list[Rule]]:
    """Each forbid group of the change's rules on its own (a negation never crosses
    groups), every pattern with the place it is written."""
    cfg = book.config
    out = []
    for forbid in rules.forbids:
        origin = forbid.origin
        if origin.kind == CONFIG:
            group = _config_rules(cfg, ("forbid",), forbid.patterns)
        else:
            plan = book.plan(origin.file, origin.label)
            if origin.kind == PLAN:
                group = [Rule(p, plan.where("forbid", i), origin.label)
                         for i, p in enumerate(forbid.patterns)]
            else:
                si = next(i for i, s in enumerate(plan.slices) if s.id == origin.slice)
                group = [Rule(p, plan.where("slices", si, "forbid", i),
                              f"forbid of slice '{origin.slice}'")
                         for i, p in enumerate(forbid.patterns)]
        out.append(group)
    return [g for g in out if g]


class Explainer:
    """The rules that decide a path's class, read once: every later ``explain`` answers from
    the rules as they were when this was made (``planscope run`` judges an executor by the
    plan it started with, not by one it edited)."""

    def __init__(self, judge: Judge) -> None:
        cfg = judge.config
        self.claim = judge.claim(Unit("explain", None, (), cached=True))
        self.rules = judge.rules(self.claim)
        self.forbids = _forbid_rules(judge.book, self.rules)
        self.fold = self.rules.fold
        self.require_plan = cfg.require_plan
        # a staged change of only a rule file is a rules change (``--plan`` judges it as any)
        self.rule_files = (cfg.plans_dir, cfg.source) if judge.opts.plan_ref is None else None
        if self.claim is not None and not self.claim.none:
            self.allowed = [*_config_rules(cfg, ("always_allow",), cfg.always_allow),
                            *(r for part in self.claim.parts for s in part.slices
                              for r in _slice_rules(part.plan, s))]
        else:
            self.allowed = [*_config_rules(cfg, ("exempt", "paths"), cfg.exempt_paths),
                            Rule(f"/{cfg.plans_dir}/**", _plans_dir_where(cfg),
                                 "plans_dir: plan files")]

    def explain(self, paths: Sequence[str]) -> Explanation:
        claimed = self.claim is not None and not self.claim.none
        found = []
        for path in paths:
            forbidden = next((r for g in self.forbids if (r := _decide(path, g, self.fold))),
                             None)
            rule = forbidden or _decide(path, self.allowed, self.fold)
            what = None if forbidden is not None or self.rule_files is None else \
                rulefiles.rule_file(path, *self.rule_files, self.fold)
            if what is not None:
                verdict, rule = EXEMPT, Rule(f"/{path}", "planscope's rule files",
                                             f"{what}: a change of only rule files is a "
                                             f"rules change")
            elif forbidden is not None:
                verdict = FORBIDDEN
            elif claimed:
                verdict = DRIFT if rule is None else IN_SCOPE
            else:
                verdict = UNCLAIMED if rule is None else EXEMPT
            found.append(Explained(path, verdict, rule))
        return Explanation(self.claim, tuple(found), self.require_plan)


def explain(root: Path, paths: Sequence[str], opts: Options) -> Explanation:
    """Each path judged as a staged change to it would be: claimed as the hooks claim, by
    the rules staged in the index."""
    return Explainer(Judge(root, Rulebook(root, blobs.INDEX), opts)).explain(paths)
