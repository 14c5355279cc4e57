"""Verdicts cached under ``.git/planscope/cache/`` and an audit log of every verdict used.

The cache key is the sha256 of the provider, the model (or the command's argv), the prompt
version, and the whole request: the slice YAML, plan summary and assumptions, in-scope paths
and the drifted hunks. Any change to what the model would see is a different key, so a re-run
of the same check makes no call. Cache and log failures (read-only .git, full disk) never
fail a check: the cache is skipped and the log line is lost.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from checker import gitio
from checker.errors import VerifyUnavailable
from checker.verify import reply
from checker.verify.prompt import PROMPT_VERSION, Prompt
from checker.verify.result import Verdict, Verification

CACHE_DIR = ("planscope", "cache")
LOG_FILE = ("planscope", "verdicts.jsonl")


def key(provider: str, model: str, command: Sequence[str] | None, prompt: Prompt,
        extra: Sequence[str] = ()) -> str:
    """``extra``: what else tells requests apart (another command's kind, prompt version and
    tool schema); the verification pass passes none."""
    doc = [provider, model, list(command or ()), PROMPT_VERSION, prompt.system, prompt.user,
           *extra]
    return hashlib.sha256(json.dumps(doc, ensure_ascii=False).encode("utf-8",
                                                                       "surrogatepass")).hexdigest()


def _dir(root: Path) -> Path:
    return gitio.common_dir(root).joinpath(*CACHE_DIR)


def load_doc(root: Path, cache_key: str) -> dict[str, Any] | None:
    """The cached JSON object for ``cache_key``; None when absent or unreadable."""
    try:
        path = _dir(root) / f"{cache_key}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, gitio.GitError):
        return None
    return data if isinstance(data, dict) else None


def load(root: Path, cache_key: str) -> Verification | None:
    """The cached verification for ``cache_key``; None when absent or unreadable."""
    data = load_doc(root, cache_key)
    if data is None:
        return None
    try:
        verdicts = reply.parse(data, "the cache")
        return Verification(
            provider=str(data["provider"]), model=str(data["model"]), verdicts=verdicts,
            cached=True, calls=0,
            input_tokens=int(data.get("input_tokens", 0)),
            output_tokens=int(data.get("output_tokens", 0)),
        )
    except (ValueError, KeyError, TypeError, VerifyUnavailable):
        return None


def store(root: Path, cache_key: str, verification: Verification) -> None:
    store_doc(root, cache_key, {
        "version": 1,
        "provider": verification.provider,
        "model": verification.model,
        "verdicts": reply.to_json(verification.verdicts),
        "input_tokens": verification.input_tokens,
        "output_tokens": verification.output_tokens,
        "at": _now(),
    })


def store_doc(root: Path, cache_key: str, doc: dict[str, Any]) -> None:
    """Write ``doc`` (JSON) as the cache entry for ``cache_key``, atomically; failures are
    ignored (the next run asks again)."""
    with contextlib.suppress(OSError, gitio.GitError):
        folder = _dir(root)
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"at": _now(), **doc}, fh)
            os.replace(tmp, folder / f"{cache_key}.json")
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def log(root: Path, cache_key: str, record: dict[str, Any],
        verdicts: Sequence[Verdict]) -> None:
    """Append one line to ``.git/planscope/verdicts.jsonl``: what was judged, and how."""
    line = {"at": _now(), "key": cache_key, **record, "verdicts": reply.to_json(tuple(verdicts))}
    with contextlib.suppress(OSError, gitio.GitError):
        path = gitio.common_dir(root).joinpath(*LOG_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(line) + "\n")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
