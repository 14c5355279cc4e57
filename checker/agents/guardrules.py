"""What the guard knows before it judges an edit, kept between edits: the parts of the config
it uses, what no edit may touch (every forbid), the active slice and its plan. Each is kept
in the work tree's ``planscope/cache/guard/``, keyed by a hash of the files it comes from,
the schemas and planscope's version: an unchanged plan is not parsed or validated again,
and jsonschema is not even imported."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker import __version__, files, state
from checker.errors import BadInput
from checker.git import repository
from checker.rules import config, globs, schemas
from checker.rules.globs import EXACT, Fold

if TYPE_CHECKING:  # imported where used: a cache hit needs none of them
    from checker.rules.plan import Plan, Slice

Groups = list[tuple[str, tuple[str, ...]]]  # forbid patterns by where they are written


@dataclass(frozen=True)
class Settings:
    """The parts of the config the guard uses."""

    plans_dir: str
    always_allow: tuple[str, ...]
    mode: str
    require_active: bool
    fold: Fold = EXACT  # core.ignorecase / core.precomposeUnicode


@dataclass(frozen=True)
class Active:
    ref: str  # plans/x.yaml#slice, as written
    source: str  # where it came from, for messages


# --- cache ----------------------------------------------------------------------------


def _read(path: Path) -> bytes:
    """A file's bytes for a cache key; a marker when it cannot be read."""
    try:
        return files.read(path, path.name)
    except BadInput as exc:  # the loader says what is wrong, if the file matters
        return f"\0{exc}".encode()


def _cached(cache: state.Cache, parts: Sequence[bytes], compute: Callable[[], Any],
            decode: Callable[[Any], Any]) -> Any:
    """``decode(value)`` of the entry for ``parts`` (with planscope's version and the schemas);
    on a miss, or an entry that does not decode, ``compute()`` makes the value, which is
    stored. Errors are not cached."""
    key = state.digest(b"guard-3", __version__, schemas.text("plan"), schemas.text("config"),
                       *parts)
    found = cache.get(key)
    if found is not None:
        try:
            return decode(found)
        except (KeyError, TypeError, ValueError):
            pass
    value = compute()
    decoded = decode(value)
    cache.put(key, value)
    return decoded


def _strs(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("not a list of strings")
    return tuple(value)


def settings(root: Path, git_dir: Path, cache: state.Cache) -> Settings:
    def compute() -> dict[str, Any]:
        cfg = config.load(root)
        fold = globs.fold_of(root)
        return {"plans_dir": cfg.plans_dir, "always_allow": list(cfg.always_allow),
                "mode": cfg.guard.mode, "require_active": cfg.guard.require_active,
                "fold": [fold.ignore_case, fold.nfc]}

    def decode(v: Any) -> Settings:
        ignore_case, nfc = v["fold"]
        return Settings(str(v["plans_dir"]), _strs(v["always_allow"]), str(v["mode"]),
                        bool(v["require_active"]), Fold(bool(ignore_case), bool(nfc)))

    common = git_dir / "commondir"  # a linked worktree's shared git directory
    shared = git_dir / _read(common).decode("utf-8", "replace").strip() \
        if common.is_file() else git_dir
    parts = [b"settings", _read(root / config.CONFIG_FILE), _read(root / "pyproject.toml"),
             _read(shared / "config")]  # git's: core.ignorecase and the like
    result: Settings = _cached(cache, parts, compute, decode)
    return result


def forbids(root: Path, settings: Settings, cache: state.Cache) -> Groups:
    """What no edit may touch: the config's forbid and every plan's plan-level forbid (plans
    not done), from the config and plan files' bytes (cached like the rest)."""
    from checker.rules import plan as plan_mod

    def compute() -> list[list[Any]]:
        from checker.judge import claims

        cfg = config.load(root)
        own = [[f"forbid in {cfg.source}", list(cfg.forbid)]] if cfg.forbid else []
        others = claims.Plans(root, cfg).forbids()
        return own + [[f"forbid of {rel}", list(patterns)] for rel, patterns in others]

    def decode(v: Any) -> Groups:
        return [(str(origin), _strs(patterns)) for origin, patterns in v]

    parts = [b"forbids", _read(root / config.CONFIG_FILE), _read(root / "pyproject.toml")]
    for rel in plan_mod.plan_files(root, settings.plans_dir):
        parts += [os.fsencode(rel), _read(root / rel)]
    found: Groups = _cached(cache, parts, compute, decode)
    return found


def _encode_target(plan: Plan, slices: Sequence[Slice]) -> dict[str, Any]:
    """What scope.compile_scope and the messages need from a plan and its active slices."""
    return {
        "path": plan.path, "id": plan.id, "title": plan.title, "status": plan.status,
        "forbid": list(plan.forbid),
        "slices": [
            {"id": s.id, "title": s.title, "status": s.status, "create": list(s.create),
             "modify": list(s.modify), "delete": list(s.delete), "allow": list(s.allow),
             "forbid": list(s.forbid), "tests": [t.path for t in s.tests]}
            for s in slices
        ],
    }


def _decode_target(v: Any) -> tuple[Plan, tuple[Slice, ...]]:
    from checker.rules.plan import Plan, Slice, TestRef

    slices = tuple(
        Slice(id=str(s["id"]), title=str(s["title"]), status=str(s["status"]),
              create=_strs(s["create"]), modify=_strs(s["modify"]), delete=_strs(s["delete"]),
              allow=_strs(s["allow"]), forbid=_strs(s["forbid"]),
              tests=tuple(TestRef(p) for p in _strs(s["tests"])))
        for s in v["slices"]
    )
    if not slices:
        raise ValueError("no slices")
    plan = Plan(path=str(v["path"]), id=str(v["id"]), title=str(v["title"]),
                status=str(v["status"]), slices=slices, forbid=_strs(v["forbid"]))
    return plan, slices


# --- the active slice -----------------------------------------------------------------


def active(root: Path, git_dir: Path, env: Mapping[str, str], settings: Settings,
            cache: state.Cache) -> Active | None:
    given = state.active_ref(git_dir, env)
    if given is not None:
        return Active(*given)
    branch = repository.current_branch(root)
    if branch is None:
        return None
    from checker.rules import plan as plan_mod

    rels = plan_mod.plan_files(root, settings.plans_dir)

    def compute() -> str | None:
        from checker.judge import claims

        plans = claims.Plans(root, config.Config(plans_dir=settings.plans_dir))
        claim = claims.from_branch(branch, plans)
        return claim.ref if claim is not None else None

    def decode(v: Any) -> str | None:
        if v is not None and not isinstance(v, str):
            raise ValueError("not a reference")
        return v

    parts = [b"branch", os.fsencode(branch), settings.plans_dir.encode()]
    for rel in rels:
        parts += [os.fsencode(rel), _read(root / rel)]
    found: str | None = _cached(cache, parts, compute, decode)
    return Active(found, f"branch {branch}") if found else None


def target(root: Path, active: Active,
            cache: state.Cache) -> tuple[Plan, tuple[Slice, ...]] | None:
    """The plan and slices ``active`` names; None for ``none``. Invalid ones raise BadInput."""
    if active.ref.lower() == "none":  # claims.NONE, without importing resolve on a hit
        return None
    rel = active.ref.partition("#")[0].strip()

    def compute() -> dict[str, Any]:
        from checker.judge import claims

        claim = claims.from_ref(active.ref, claims.Plans(root, config.Config()), active.source)
        assert claim.plan is not None
        return _encode_target(claim.plan, claim.slices)

    parts = [b"target", active.ref.encode("utf-8", "surrogateescape"), _read(root / rel)]
    result: tuple[Plan, tuple[Slice, ...]] = _cached(cache, parts, compute, _decode_target)
    return result
