"""YAML with line marks (checker/yamlfile.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.errors import BadInput
from checker.rules import yamlfile


def test_every_value_knows_where_it_starts() -> None:
    data = yamlfile.parse("a: 1\nb:\n  - x\n  - {c: 2}\n", "f.yaml")
    assert yamlfile.locate(data, ["b", 1, "c"]) == (4, 9)
    assert yamlfile.locate(data, ["b", 1, "c"], key=True) == (4, 6)
    assert yamlfile.locate(data, ["b", 9]) == (3, 3)  # as deep as the path exists
    assert yamlfile.dotted(["slices", 0, "files", "create"]) == "slices[0].files.create"


def test_plain_drops_the_marks() -> None:
    data = yamlfile.parse("a: [1, {b: 2}]\n", "f.yaml")
    plain = yamlfile.plain(data)
    assert plain == {"a": [1, {"b": 2}]}
    assert type(plain) is dict and type(plain["a"]) is list


@pytest.mark.parametrize(("setup", "message"), [
    (lambda p: None, "f.yaml: no such file"),
    (lambda p: p.mkdir(), "f.yaml: is a directory, not a file"),
    (lambda p: p.write_bytes(b"a: \xff\n"), "f.yaml: not UTF-8 text (byte 3)"),
])
def test_unreadable_files_are_named(tmp_path: Path, setup: object, message: str) -> None:
    path = tmp_path / "f.yaml"
    setup(path)  # type: ignore[operator]
    with pytest.raises(BadInput) as info:
        yamlfile.read(path, "f.yaml")
    assert str(info.value) == message


def test_a_non_scalar_key_is_an_error_with_its_line() -> None:
    with pytest.raises(BadInput, match=r"^f.yaml:2:3: a mapping key must be a plain value"):
        yamlfile.parse("a: 1\n? [x]\n: 2\n", "f.yaml")
