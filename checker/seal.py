"""What planscope writes into the repository's git directory, sealed with a secret of the
user's own: the caches and the pre-commit ticket are read back only when planscope itself
wrote them, on this machine.

The git directory is writable by whatever runs in the work tree, and may come from
elsewhere (a repository copied with its ``.git``): a cache entry that planscope did not write
could otherwise make a check judge by rules no plan holds, or run a judge command no config
names. Each sealed file starts with a line holding the keyed BLAKE2b MAC of the rest (RFC
7693's keyed mode, a MAC as HMAC-SHA256 is; the built-in ``_blake2`` module loads in 0.2 ms
where ``hashlib`` and ``hmac`` load OpenSSL in ~4 ms, on every edit the guard judges), keyed
by 32 random bytes kept in ``$XDG_STATE_HOME/planscope/seal-key`` (``~/.local/state/...``, mode
0600), made on first use. A file whose seal does not match is not read (it is built again).
Without a place to keep the key nothing is sealed, and nothing is read back.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

try:  # the built-in modules: no OpenSSL to load
    from _blake2 import blake2b
    from _operator import _compare_digest as same
except ImportError:  # pragma: no cover - a Python built without them
    from hashlib import blake2b
    from hmac import compare_digest as same  # type: ignore[no-redef]

__all__ = ["blake2b", "seal", "unseal"]

_KEY_BYTES = 32


def _key() -> bytes | None:
    state = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"),
                                                               ".local", "state")
    return _key_at(Path(state) / "planscope" / "seal-key")


@functools.lru_cache(maxsize=4)
def _key_at(path: Path) -> bytes | None:
    """The key kept at ``path``, made there when there is none."""
    try:
        found = path.read_bytes()
        if len(found) == _KEY_BYTES:
            return found
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another planscope made it meanwhile (or a bad one is there)
        try:
            found = path.read_bytes()
        except OSError:
            return None
        return found if len(found) == _KEY_BYTES else None
    except OSError:
        return None
    made = os.urandom(_KEY_BYTES)
    with os.fdopen(fd, "wb") as fh:
        fh.write(made)
    return made


def seal(data: bytes) -> bytes | None:
    """``data`` behind its seal line; None when no key can be kept (then write nothing)."""
    key = _key()
    if key is None:
        return None
    return blake2b(data, key=key, digest_size=32).hexdigest().encode() + b"\n" + data


def unseal(raw: bytes) -> bytes | None:
    """What ``seal`` sealed, or None when the seal is missing or does not match."""
    key = _key()
    mark, sep, data = raw.partition(b"\n")
    if key is None or not sep:
        return None
    expected = blake2b(data, key=key, digest_size=32).hexdigest().encode()
    return data if same(mark, expected) else None
