"""Reading a file planscope was pointed at, safely: a regular file only (a FIFO, a device or
a socket is refused, never waited on), opened without blocking, read up to a size limit,
and, with ``inside``, only when it resolves to a place inside that folder (a symlink to a
file elsewhere is refused without a byte of it being read, so no error message can echo
it)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from checker.errors import BadInput

MAX_BYTES = 1024 * 1024


def read(path: Path, name: str, max_bytes: int = MAX_BYTES, inside: Path | None = None) -> bytes:
    """The bytes of ``path``; BadInput naming ``name`` when it cannot or must not be read."""
    if inside is not None:
        _check_inside(path, name, inside)
    fd = _open(path, name)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise BadInput(f"{name}: is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise BadInput(f"{name}: not a regular file (a FIFO, device or socket); "
                           f"planscope reads only regular files")
        if info.st_size > max_bytes:
            raise BadInput(f"{name}: file is {info.st_size} bytes, larger than the "
                           f"{max_bytes} allowed")
        data = _read_at_most(fd, max_bytes + 1)
    except OSError as exc:
        raise BadInput(f"{name}: cannot read: {exc.strerror}") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:  # it grew while being read
        raise BadInput(f"{name}: larger than the {max_bytes} bytes allowed")
    return data


def _check_inside(path: Path, name: str, inside: Path) -> None:
    try:
        path.resolve().relative_to(inside.resolve())
    except ValueError:
        raise BadInput(f"{name}: a symlink to a file outside the repository; planscope reads "
                       f"only files inside it") from None
    except OSError as exc:
        raise BadInput(f"{name}: cannot read: {exc.strerror or exc}") from None


def _open(path: Path, name: str) -> int:
    """A descriptor that never waits: O_NONBLOCK makes opening a FIFO return at once."""
    try:
        return os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise BadInput(f"{name}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"{name}: is a directory, not a file") from None
    except OSError as exc:
        raise BadInput(f"{name}: cannot read: {exc.strerror}") from None


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks, size = [], 0
    while size < limit:
        chunk = os.read(fd, min(1 << 16, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)
