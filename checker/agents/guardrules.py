"""What the guard judges an edit by, kept between edits: the rules of the active slice as the
one builder gives them (``checker.rules.ruleset``), in their plain-data form, with the
guard's settings. The rules come from the working tree's config and plans (the files the
agent edits against); the active slice is ``PLANSCOPE_PLAN``, else the one ``planscope use``
set for this work tree, else the branch's (DESIGN §4: staged changes and edits are claimed
the same way, with no message to read).

Kept in the work tree's ``planscope/cache/guard/`` under the one cache key recipe
(``state.key``): the bytes of the config files, of git's config, of every plan file, the
active reference and the branch. An unchanged plan is not parsed or validated again; an
entry that does not decode is built again; errors are not kept.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from checker import files, state
from checker.errors import BadInput
from checker.git import repository
from checker.record import record
from checker.rules import schemas
from checker.rules.config import CONFIG_FILE

FORMAT = 5


@record(frozen=True)
class Active:
    ref: str  # plans/x.yaml#slice, as written
    source: str  # where it came from, for messages


@record(frozen=True)
class Guarded:
    """The guard's view of one work tree."""

    rules: Any  # checker.rules.ruleset.RuleSet: of the active claim, or of no claim
    active: Active | None  # None: no active slice
    mode: str  # guard.mode: block | warn
    require_active: bool
    plans_dir: str
    config_source: str | None = None  # where the config was read (pyproject.toml's section?)
    unprotect: tuple[str, ...] = ()  # guard.unprotect: rule files the config opens to agents


def _read(path: Path) -> bytes:
    """A file's bytes for a cache key; a marker when it cannot be read."""
    try:
        return files.read(path, path.name)
    except BadInput as exc:  # the loader says what is wrong, if the file matters
        return f"\0{exc}".encode()


def _plan_files(root: Path, plans_dir: str) -> list[str]:
    from checker.rules import plan as plan_mod

    return plan_mod.plan_files(root, plans_dir)


def _settings_key(root: Path, git_dir: Path) -> list[bytes]:
    common = git_dir / "commondir"  # a linked worktree's shared git directory
    shared = git_dir / _read(common).decode("utf-8", "replace").strip() \
        if common.is_file() else git_dir
    return [_read(root / CONFIG_FILE), _read(root / "pyproject.toml"),
            _read(shared / "config")]  # git's: core.ignorecase and the like


def guarded(root: Path, git_dir: Path, env: Mapping[str, str],
            cache: state.Cache) -> Guarded:
    """The rules of the active slice (or of no slice) for edits in the work tree ``root``;
    BadInput when the config or the active plan cannot be read."""
    given = state.active_ref(git_dir, env)
    branch = None if given is not None else repository.current_branch(root)
    config_bytes = _settings_key(root, git_dir)
    plans_dir = _plans_dir(root, cache, config_bytes)
    parts: list[bytes] = [b"guard", *config_bytes, os.fsencode(plans_dir),
                          schemas.text("plan").encode(), schemas.text("config").encode(),
                          (given[0] if given else "").encode("utf-8", "surrogateescape"),
                          (given[1] if given else "").encode(),
                          os.fsencode(branch or "")]
    for rel in _plan_files(root, plans_dir):
        parts += [os.fsencode(rel), _read(root / rel)]
    key = state.key(f"guard-{FORMAT}", *parts)
    found = cache.get(key)
    if isinstance(found, dict):
        try:
            return _decode(found)
        except (KeyError, TypeError, ValueError):
            pass
    data = _compute(root, given, branch)
    cache.put(key, data)
    return _decode(data)


def _plans_dir(root: Path, cache: state.Cache, config_bytes: list[bytes]) -> str:
    """The config's plans folder, kept under the config's bytes."""
    key = state.key(f"guard-plans-dir-{FORMAT}", *config_bytes)
    found = cache.get(key)
    if isinstance(found, str):
        return found
    from checker.rules import config

    plans_dir = config.load(root).plans_dir
    cache.put(key, plans_dir)
    return plans_dir


def _compute(root: Path, given: tuple[str, str] | None, branch: str | None) -> dict[str, Any]:
    from checker.judge import claims
    from checker.rules.book import Rulebook

    book = Rulebook(root)
    if given is not None:
        claim: claims.Claim | None = claims.from_ref(given[0], book, given[1])
        active: list[str] | None = list(given) if claim and not claim.none else None
    else:
        claim = claims.from_branch(branch, book)
        active = [claim.ref, claim.source] if claim is not None else None
    cfg = book.config
    return {"format": FORMAT, "rules": book.rules(claim.parts if claim else ()).to_data(),
            "active": active, "mode": cfg.guard.mode,
            "require_active": cfg.guard.require_active, "plans_dir": cfg.plans_dir,
            "config_source": cfg.source, "unprotect": list(cfg.guard.unprotect)}


def _decode(data: Mapping[str, Any]) -> Guarded:
    from checker.rules.ruleset import RuleSet

    if data.get("format") != FORMAT:
        raise ValueError("another format")
    active = data["active"]
    return Guarded(RuleSet.from_data(data["rules"]),
                   Active(str(active[0]), str(active[1])) if active else None,
                   str(data["mode"]), bool(data["require_active"]), str(data["plans_dir"]),
                   None if data["config_source"] is None else str(data["config_source"]),
                   tuple(str(p) for p in data["unprotect"]))
