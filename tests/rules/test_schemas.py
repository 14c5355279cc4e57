"""The JSON Schemas (checker/schemas.py): errors with positions, remembered valid texts."""

from __future__ import annotations

from pathlib import Path

from checker import state
from checker.rules import schemas


def test_errors_without_positions_name_the_file() -> None:
    problems = schemas.errors("config", {"on_drift": "sometimes"}, "pyproject.toml")
    assert problems == ["pyproject.toml: on_drift: 'sometimes' is not one of "
                        "['block', 'warn', 'verify']"]


def test_a_valid_text_is_remembered_and_an_invalid_one_never(tmp_path: Path) -> None:
    cache = state.Cache(tmp_path / "valid")
    assert schemas.checked_errors("config", {}, "c", "{}", cache) == []
    assert len(list((tmp_path / "valid").iterdir())) == 1
    bad = {"on_drift": 3}
    assert schemas.checked_errors("config", bad, "c", "on_drift: 3", cache)
    assert len(list((tmp_path / "valid").iterdir())) == 1
    assert schemas.checked_errors("config", bad, "c", "{}", cache) == []  # the text decides
