"""File contents at a revision or in the index, one at a time or many from one git cat-file
--batch."""


from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from checker.errors import BadInput
from checker.git import process, repository
from checker.git.formats import (
    parse_batch,
)


def tracked_files(root: Path, rev: str) -> set[str]:
    """Every file path in the tree of ``rev``."""
    out = process.run(root, "ls-tree", "-r", "-z", "--name-only", "--full-tree", rev)
    return {os.fsdecode(p) for p in out.split(b"\0") if p}


INDEX = ""  # as a revision: the index (what the next commit will hold)


def where(rev: str) -> str:
    """A revision as messages name it."""
    return "in the index" if rev == INDEX else f"at {rev[:9]}"


def show(root: Path, rev: str, path: str) -> bytes | None:
    """The bytes of ``path`` as committed at ``rev`` (``git show REV:PATH``, no textconv), or
    as staged in the index for ``INDEX``; None when there is no file there. An unknown
    ``rev`` raises GitError."""
    try:
        return process.run(root, "cat-file", "blob", f"{rev}:{path}")
    except process.GitError:
        if rev != INDEX and not repository.commit_exists(root, rev):
            raise process.GitError(f"unknown revision {rev!r} (not a commit in this "
                                   f"repository)") from None
        return None


def show_text(root: Path, rev: str, path: str, max_bytes: int) -> str | None:
    """``show`` decoded as UTF-8; BadInput when the file is larger than ``max_bytes`` or is
    not UTF-8 text; None when ``rev`` has no file there."""
    raw = show(root, rev, path)
    return None if raw is None else text_of(raw, rev, path, max_bytes)


def read_blobs(root: Path, ids: Sequence[str]) -> dict[str, bytes]:
    """blob id → its bytes, for many blobs from one ``git cat-file --batch``; an id that
    names no blob is left out."""
    if not ids:
        return {}
    return parse_batch(process.run(root, "cat-file", "--batch", stdin="".join(
        f"{i}\n" for i in ids).encode("ascii")))


def read_at(root: Path, specs: Sequence[str]) -> list[bytes | None]:
    """The bytes of each ``REV:PATH`` of ``specs``, in order (None where there is no such
    file), from one ``git cat-file --batch``. A spec holding a newline is not asked."""
    asked = [spec for spec in specs if "\n" not in spec]
    out = process.run(root, "cat-file", "--batch", stdin="".join(f"{s}\n" for s in asked).encode(
        "utf-8", "surrogateescape")) if asked else b""
    found: dict[str, bytes | None] = {}
    at = 0
    for spec in asked:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            found[spec] = out[at:at + size]
            at += size + 1
        else:
            if len(header) == 3:  # a tree or a commit there: skip its content
                at += int(header[2]) + 1
            found[spec] = None
    return [found.get(spec) for spec in specs]


def text_of(raw: bytes, rev: str, path: str, max_bytes: int) -> str:
    """A file's bytes at ``rev`` as UTF-8 text; BadInput when it is larger than
    ``max_bytes`` or is not UTF-8."""
    name = f"{path} ({where(rev)})"
    if len(raw) > max_bytes:
        raise BadInput(f"{name}: file is {len(raw)} bytes, larger than the {max_bytes} allowed")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{name}: not UTF-8 text (byte {exc.start})") from None


def files_under(root: Path, rev: str, folder: str) -> list[str]:
    """Paths of the files committed under ``folder`` at ``rev`` (staged, for ``INDEX``),
    sorted."""
    spec = "." if folder in ("", ".") else folder
    if rev == INDEX:
        out = process.run(root, "ls-files", "-z", "--cached", "--full-name", "--", f":(top){spec}")
        return sorted({os.fsdecode(p) for p in out.split(b"\0") if p})
    out = process.run(root, "ls-tree", "-r", "-z", "--name-only", "--full-tree", rev, "--", spec)
    return sorted(os.fsdecode(p) for p in out.split(b"\0") if p)


LINK = "120000"  # the mode git gives a symbolic link


def entries(root: Path, rev: str, paths: Sequence[str]) -> dict[str, tuple[str, str]]:
    """path → (mode, object id) of every file at or under ``paths`` (files or folders) at
    ``rev`` (staged, for ``INDEX``): what they hold, named by one git call, not read."""
    specs = ["." if p in ("", ".") else p for p in paths]
    if rev == INDEX:
        out = process.run(root, "ls-files", "-s", "-z", "--full-name", "--",
                          *(f":(top,literal){s}" if s != "." else ":(top)." for s in specs))
        rows = (line.split(b"\t", 1) for line in out.split(b"\0") if line)
        return {os.fsdecode(path): (meta.split()[0].decode(), meta.split()[1].decode())
                for meta, path in rows}
    out = process.run(root, "ls-tree", "-r", "-z", "--full-tree", rev, "--", *specs)
    rows = (line.split(b"\t", 1) for line in out.split(b"\0") if line)
    return {os.fsdecode(path): (meta.split()[0].decode(), meta.split()[2].decode())
            for meta, path in rows}


def object_ids(root: Path, specs: Sequence[str]) -> list[str | None]:
    """The object id each ``REV:PATH`` of ``specs`` names (None where there is none), from
    one ``git cat-file --batch-check``. A spec holding a newline is not asked."""
    asked = [spec for spec in specs if "\n" not in spec]
    out = process.run(root, "cat-file", "--batch-check=%(objectname)", stdin="".join(
        f"{s}\n" for s in asked).encode("utf-8", "surrogateescape")) if asked else b""
    lines = out.decode("ascii", "replace").split("\n")
    found = {spec: (line if len(line) in (40, 64) and " " not in line else None)
             for spec, line in zip(asked, lines, strict=False)}
    return [found.get(spec) for spec in specs]
