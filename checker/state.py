"""What planscope keeps in the repository's git directory, and how it is written.

In the shared git directory (``.git/planscope/``, the same for every linked worktree):

- ``cache/<kind>/<digest>.json``: values derived from inputs, stored under a digest of those
  inputs (validated plan and config texts, plans and config as built, the guard's settings,
  verdicts and reviews). Every entry is plain JSON data holding its own key, sealed with the
  user's own secret (``checker.seal``): one that does not parse, holds another key, or that
  planscope did not write on this machine (a forged or copied file) is built again. Nothing
  in a cache is ever code, and no entry can change what a check is judged by. An entry is
  found only while every input is unchanged, so nothing in it is ever stale; a broken,
  missing or unwritable cache only costs time.
- ``verdicts.jsonl``: one JSON line for every verdict a check used.
- ``hooks/``: the git hooks of ``planscope install --hooks-path``.

In the work tree's own git directory (``.git/worktrees/NAME/planscope/`` for a linked one):

- ``active``: the slice ``planscope use`` set for this work tree.

Every file is written whole or not at all (a temporary file, then ``os.replace``): hooks of
two commits may run side by side.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from checker.errors import BadInput
from checker.git import process, repository

DIR = "planscope"
ACTIVE = "active"
ENV_PLAN = "PLANSCOPE_PLAN"
VERDICT_LOG = "verdicts.jsonl"
CACHE_ENTRIES = 512  # per kind; the oldest go first


def shared_dir(root: Path) -> Path:
    """``.git/planscope`` of the repository at ``root`` (shared by its worktrees)."""
    return repository.common_dir(root) / DIR


def worktree_dir(git_dir: Path) -> Path:
    """``planscope`` in a work tree's own git directory (``git rev-parse --absolute-git-dir``)."""
    return git_dir / DIR


def hooks_dir(root: Path) -> Path:
    return shared_dir(root) / "hooks"


def atomic_write(path: Path, data: str | bytes, *, mode: int | None = None) -> None:
    """Write ``path`` whole or not at all; OSError when it cannot be written."""
    import tempfile  # only paid for when something is written

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def key(kind: str, *inputs: str | bytes) -> str:
    """The one cache key recipe, for every cache: the kind of entry, planscope's version, the
    stamp of its code (``checker.stamp``: an edited checkout decides again) and the inputs."""
    return digest(kind, _code(), *inputs)


@functools.cache
def _code() -> str:
    """planscope's version and the stamp of its code, digested once a run."""
    from checker import __version__, stamp

    return digest(__version__, *stamp.modules())


def digest(*parts: str | bytes) -> str:
    """BLAKE2b-256 of ``parts``, each length-prefixed (no two lists of parts collide)."""
    from checker.seal import blake2b  # built in: no OpenSSL to load

    h = blake2b(digest_size=32)
    for part in parts:
        raw = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(raw).to_bytes(8, "big"))
        h.update(raw)
    return h.hexdigest()


class Cache:
    """JSON values under digest keys, one file each, in ``cache/<kind>/``."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder  # None: nothing is kept (outside a repository)

    @classmethod
    def of(cls, root: Path, kind: str) -> Cache:
        try:
            return cls(shared_dir(root) / "cache" / kind)
        except process.GitError:
            return cls(None)

    def get(self, key: str) -> Any | None:
        """The value stored under ``key``; None when absent, unreadable, or an entry that
        does not say it is ``key``'s."""
        if self.folder is None:
            return None
        from checker import seal

        try:
            data = seal.unseal((self.folder / f"{key}.json").read_bytes())
            entry = json.loads(data) if data is not None else None
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        return entry.get("value")

    def sibling(self, kind: str) -> Cache:
        """The cache of another kind, beside this one."""
        return Cache(None if self.folder is None else self.folder.parent / kind)

    def put(self, key: str, value: Any) -> None:
        """Store ``value`` (JSON-able) under ``key``; a cache that cannot be written is
        skipped. Beyond CACHE_ENTRIES entries, the oldest are removed."""
        if self.folder is None:
            return
        from checker import seal

        with contextlib.suppress(OSError, ValueError):
            sealed = seal.seal(json.dumps({"key": key, "value": value}).encode())
            if sealed is not None:
                atomic_write(self.folder / f"{key}.json", sealed)
                self._prune()

    def _prune(self) -> None:
        entries = list(os.scandir(self.folder))
        if len(entries) <= CACHE_ENTRIES:
            return
        entries.sort(key=lambda e: e.stat().st_mtime)
        for entry in entries[: len(entries) - CACHE_ENTRIES]:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def now() -> str:
    """The time in UTC, ISO 8601 to the second (``2026-12-07T01:17:01+00:00``); no datetime
    import on the hot path."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())


def append_log(root: Path, name: str, record: dict[str, Any]) -> None:
    """Append one JSON line to ``.git/planscope/NAME``; a log that cannot be written loses
    the line, never the check."""
    with contextlib.suppress(OSError, process.GitError):
        path = shared_dir(root) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"at": now(), **record}) + "\n")


def read_log(root: Path, name: str) -> list[dict[str, Any]]:
    """The records of ``.git/planscope/NAME``, oldest first; lines that are not a JSON
    object (a torn write) are skipped; no log, no records."""
    try:
        with (shared_dir(root) / name).open(encoding="utf-8", errors="replace") as fh:
            lines = fh.readlines()
    except (OSError, process.GitError):
        return []
    out = []
    for line in lines:
        with contextlib.suppress(ValueError):
            record = json.loads(line)
            if isinstance(record, dict):
                out.append(record)
    return out


# --- the active slice (planscope use) ---------------------------------------------------


def active_ref(git_dir: Path, env: Mapping[str, str]) -> tuple[str, str] | None:
    """(reference, where it came from) of the active slice: ``PLANSCOPE_PLAN``, else the file
    ``planscope use`` wrote for this work tree; None when neither is set."""
    ref = env.get(ENV_PLAN, "").strip()
    if ref:
        return ref, ENV_PLAN
    ref = read_active(git_dir) or ""
    return (ref, "planscope use") if ref else None


def active_file(git_dir: Path) -> Path:
    return worktree_dir(git_dir) / ACTIVE


def read_active(git_dir: Path) -> str | None:
    """The slice ``planscope use`` set in this work tree, or None."""
    path = active_file(git_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: cannot read the active slice: {exc}") from None
    return text.strip() or None


def write_active(git_dir: Path, ref: str) -> Path:
    path = active_file(git_dir)
    atomic_write(path, ref + "\n")
    return path


def clear_active(git_dir: Path) -> str | None:
    """Forget the active slice; returns the one that was set, if any."""
    previous = read_active(git_dir)
    active_file(git_dir).unlink(missing_ok=True)
    return previous
