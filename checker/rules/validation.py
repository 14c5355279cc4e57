"""Validating plans: schema, semantic checks, unique ids, and lint against a revision."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from checker import errors
from checker.errors import PlanscopeError
from checker.git import blobs, revs
from checker.record import field, record
from checker.rules import globs
from checker.rules import plan as plan_mod
from checker.rules.config import Config
from checker.rules.globlint import literal


@record
class Validation:
    valid: list[plan_mod.Plan] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # invalid plans (exit 2)
    findings: list[str] = field(default_factory=list)  # plan disagrees with the repo (exit 1)
    warnings: list[str] = field(default_factory=list)  # likely not meant (exit unchanged)

    @property
    def exit_code(self) -> int:
        if self.errors:
            return errors.BAD_INPUT
        return errors.DRIFT if self.findings else errors.OK


Done = Callable[[plan_mod.Plan, plan_mod.Slice], bool]


def validate(root: Path, config: Config, rels: Sequence[str], against: str | None,
             landed: Callable[[str], Done] | None = None) -> Validation:
    """Validate the named plans (repo-relative), or every plan under ``plans_dir``.

    With ``against``, plans are linted against that revision; ``landed(sha)`` says which
    slices are done there (asked only when a finding needs it: a slice whose commits landed
    created its files, a finished plan lints clean)."""
    out = Validation()
    named = list(rels) or plan_mod.plan_files(root, config.plans_dir)
    if not named:
        out.errors.append(f"{config.plans_dir}/: no plan files (*.yaml) found")
        return out
    for rel in named:
        try:
            out.valid.append(plan_mod.load(root, rel))
        except PlanscopeError as exc:
            out.errors.extend(str(exc).splitlines())
    others = []
    for rel in plan_mod.plan_files(root, config.plans_dir):
        if rel not in named:
            # a plan not named here: its own problems are not this run's to report
            with contextlib.suppress(PlanscopeError):
                others.append(plan_mod.load(root, rel))
    out.errors.extend(plan_mod.duplicate_ids(out.valid, others))
    for p in out.valid:
        out.warnings.extend(plan_mod.glob_warnings(p))
    if against is not None:
        sha = revs.rev_parse(root, against)
        files = blobs.tracked_files(root, sha)
        done: Done | None = None
        for p in out.valid:
            found = lint(p, files, against)
            if found and landed is not None:
                done = done or landed(sha)
                found = lint(p, files, against, partial(done, p))
            out.findings.extend(found)
        out.warnings.extend(unmatched(config, out.valid, files, against))
    return out


def unmatched(config: Config, plans: Sequence[plan_mod.Plan], files: set[str],
              against: str) -> list[str]:
    """A warning for each forbid, allow, always_allow and exempt.paths pattern that names a
    place that is not there at ``against``: a literal name that matches no file, or a
    wildcard whose folder (before the first wildcard) holds no file. Such a rule protects
    (or opens) nothing and is most likely a typo (``app/_client`` for ``app/_client.py``,
    ``_transports/**`` for ``app/_transports/**``); files still to come in a folder that
    is there, and a pure wildcard (``**/*.pem``), are left alone; so are the rules of a plan
    or slice that is done (history)."""
    from checker.rules.globs import Matcher

    found: list[tuple[str, str, str]] = []  # (where, what, pattern)
    if config.found:
        found += [(config.where(key, i), label, pat)
                  for key, label, pats in (("forbid", "forbid", config.forbid),
                                           ("always_allow", "always_allow", config.always_allow))
                  for i, pat in enumerate(pats)]
        found += [(config.where("exempt", "paths", i), "exempt.paths", pat)
                  for i, pat in enumerate(config.exempt_paths)]
    for p in plans:
        if p.status == "done":  # history: its rules judge nothing now
            continue
        found += [(p.where("forbid", i), "forbid", pat) for i, pat in enumerate(p.forbid)]
        for si, sl in enumerate(p.slices):
            if sl.status == "done":
                continue
            found += [(p.where("slices", si, key, i), f"{key} of slice '{sl.id}'", pat)
                      for key, pats in (("allow", sl.allow), ("forbid", sl.forbid))
                      for i, pat in enumerate(pats)]
    out = []
    for where, what, pattern in found:
        folder = None if pattern.startswith("!") else _folder(pattern)
        if folder is None:
            matcher = Matcher([pattern])
            if not pattern.startswith("!") and not any(matcher.match(f) for f in files):
                out.append(f"{where}: warning: {what} '{pattern}' matches no file at "
                           f"{against}")
        elif folder and not any(f.startswith(folder) for f in files):
            out.append(f"{where}: warning: {what} '{pattern}': no file under {folder} at "
                       f"{against}")
    return out


def _folder(pattern: str) -> str | None:
    """The folder a wildcard pattern names before its first wildcard (``""``: none, a pure
    wildcard); None for a literal name. Files still to come in that folder are fine."""
    body = pattern.lstrip("/")
    cuts = [body.find(c) for c in "*?[\\" if c in body]
    return body[:body.rfind("/", 0, min(cuts)) + 1] if cuts else None


def lint(plan: plan_mod.Plan, files: set[str], rev: str,
         done: Callable[[plan_mod.Slice], bool] | None = None) -> list[str]:
    """Plan-versus-repo findings at ``rev`` (``files``: its tracked paths). A slice that is
    done (``done``: default, its status says so) is history: its paths and the assumptions
    of a plan whose every slice is done are not held against ``rev``."""
    is_done = done or (lambda s: s.status == "done")
    if plan.status == "done" or all(map(is_done, plan.slices)):
        return []
    dirs = {f.rsplit("/", i)[0] for f in files for i in range(1, f.count("/") + 1)}

    def exists(path: str) -> bool:
        return path in files or path in dirs

    findings = []
    earlier: set[str] = set()  # created by an earlier slice: a later one may modify it
    for si, s in enumerate(plan.slices):
        for key in ("modify", "delete", "create") if not is_done(s) else ():
            for i, pattern in enumerate(getattr(s, key)):
                path = literal(pattern)
                if path is None:
                    continue
                where = plan.where("slices", si, "files", key, i)
                if key != "create" and not exists(path) and path not in earlier:
                    findings.append(f"{where}: {key} {path!r} does not exist at {rev}")
                elif key == "create" and exists(path):
                    findings.append(f"{where}: create {path!r} already exists at {rev}")
        earlier.update(p for p in map(literal, s.create) if p is not None)
    return findings + _assumption_lint(plan, files, exists, rev)


def _assumption_lint(plan: plan_mod.Plan, files: set[str], exists: Callable[[str], bool],
                     rev: str) -> list[str]:
    """Assumption paths that name nothing at ``rev``: the plan misread the existing code."""
    findings = []
    for ai, a in enumerate(plan.assumed):
        for pi, pattern in enumerate(a.paths):
            path = literal(pattern)
            found = exists(path) if path is not None else any(
                map(globs.Matcher([pattern]).match, files))
            if not found:
                findings.append(f"{plan.where('assumptions', ai, 'paths', pi)}: assumption "
                                f"{a.id!r} is about {pattern!r}, which "
                                f"{'does not exist' if path is not None else 'matches no file'}"
                                f" at {rev}")
    return findings
