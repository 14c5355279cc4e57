"""checker.files: regular files only, never waited on, size-limited, inside the repository."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from checker import files
from checker.errors import BadInput


def test_a_regular_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"x" * 10)
    assert files.read(tmp_path / "a", "a", max_bytes=10) == b"x" * 10
    with pytest.raises(BadInput, match=r"^a: file is 10 bytes, larger than the 9 allowed$"):
        files.read(tmp_path / "a", "a", max_bytes=9)


SPECIAL = "not a regular file (a FIFO, device or socket); planscope reads only regular files"


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: os.mkfifo(p), SPECIAL),
    (lambda p: p.symlink_to("/dev/null"), SPECIAL),
    (lambda p: p.mkdir(), "is a directory, not a file"),
    (lambda p: None, "no such file"),
])
def test_what_is_not_a_regular_file(tmp_path: Path, make: object, message: str) -> None:
    path = tmp_path / "f"
    make(path)  # type: ignore[operator]
    with pytest.raises(BadInput) as info:
        files.read(path, "f")
    assert str(info.value) == f"f: {message}"


def test_inside(tmp_path: Path) -> None:
    repo, outside = tmp_path / "repo", tmp_path / "outside.txt"
    repo.mkdir()
    outside.write_text("secret")
    (repo / "in.txt").write_text("ok")
    (repo / "link-in").symlink_to("in.txt")
    (repo / "link-out").symlink_to(outside)
    assert files.read(repo / "link-in", "link-in", inside=repo) == b"ok"
    with pytest.raises(BadInput, match="a symlink to a file outside the repository") as info:
        files.read(repo / "link-out", "link-out", inside=repo)
    assert "secret" not in str(info.value)
