"""Plans and config built once (checker/rules/built.py): an unchanged text is neither parsed
nor validated again, an edited one is, and a broken or foreign cache entry only costs a
rebuild: entries are JSON data, never code."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from checker.git import blobs
from checker.rules import config, plan, yamlfile
from checker.state import Cache
from tests import sealed
from tests.conftest import AWARDS_PLAN, Repo


def _built(repo: Repo) -> Path:
    return repo.path / ".git/planscope/cache/built"


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str, name: str) -> None:
        raise AssertionError(f"{name} parsed again")

    monkeypatch.setattr(yamlfile, "parse", refuse)


def test_an_unchanged_plan_is_not_parsed_again(awards: Repo,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    valid = Cache.of(awards.path, "valid")
    first = plan.load(awards.path, "plans/awards.yaml", valid)
    assert len(list(_built(awards).iterdir())) == 1
    _no_parsing(monkeypatch)
    again = plan.load(awards.path, "plans/awards.yaml", valid)
    assert again == first and again is not first
    assert [s.id for s in again.slices] == ["tables", "views"]


def test_an_edited_plan_is_built_from_its_new_text(awards: Repo) -> None:
    valid = Cache.of(awards.path, "valid")
    plan.load(awards.path, "plans/awards.yaml", valid)
    awards.write("plans/awards.yaml", AWARDS_PLAN.replace("title: Dashboard views",
                                                          "title: The views"))
    edited = plan.load(awards.path, "plans/awards.yaml", valid)
    assert edited.slices[1].title == "The views"
    assert len(list(_built(awards).iterdir())) == 2


def test_the_same_text_under_another_name_is_another_plan(awards: Repo) -> None:
    valid = Cache.of(awards.path, "valid")
    awards.write("plans/copy.yaml", AWARDS_PLAN)
    assert plan.load(awards.path, "plans/copy.yaml", valid).path == "plans/copy.yaml"
    assert plan.load(awards.path, "plans/awards.yaml", valid).path == "plans/awards.yaml"


def test_a_broken_or_foreign_entry_is_built_again(awards: Repo, tmp_path: Path) -> None:
    valid = Cache.of(awards.path, "valid")
    first = plan.load(awards.path, "plans/awards.yaml", valid)
    (entry,) = _built(awards).iterdir()
    good = sealed.read(entry)
    assert good["key"] == entry.stem  # the key is inside the entry
    assert first.where("slices", 1, "id") == "plans/awards.yaml:20:9"
    ran = tmp_path / "ran"
    pickled = pickle.dumps(_Runs(str(ran)))  # what an old cache entry could hold: code
    for garbage in (b"", b"not json", pickled, b"[]", json.dumps({"key": "other",
                    "value": good["value"]}).encode(), json.dumps(
                    {"key": good["key"], "value": ["map", [1, 1], [[1, 2]]]}).encode(),
                    json.dumps({"key": good["key"], "value": ["set", [1, 1], []]}).encode()):
        sealed.write_raw(entry, garbage)
        again = plan.load(awards.path, "plans/awards.yaml", valid)
        assert again == first and again.where("slices", 1, "id") == "plans/awards.yaml:20:9"
    assert not ran.exists()  # never unpickled
    assert sealed.read(entry) == good  # written again, whole
    entry.write_bytes(json.dumps({"key": good["key"], "value": good["value"]}).encode())
    assert plan.load(awards.path, "plans/awards.yaml", valid) == first  # unsealed: not read
    assert sealed.read(entry) == good
    assert not list(_built(awards).glob("*.pickle"))


class _Runs:
    """An object whose unpickling would write a file."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (Path(self.path), "ran"))  # type: ignore[return-value]


def test_a_plan_that_fails_is_never_kept(awards: Repo) -> None:
    awards.write("plans/awards.yaml", AWARDS_PLAN.replace("depends_on: [tables]",
                                                          "depends_on: [nothing]"))
    valid = Cache.of(awards.path, "valid")
    for _ in range(2):
        with pytest.raises(Exception, match="nothing"):
            plan.load(awards.path, "plans/awards.yaml", valid)
    assert not _built(awards).exists() or not any(_built(awards).iterdir())


def test_config_from_the_index_is_built_once(awards: Repo,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    awards.write(".planscope.yaml", "on_drift: warn\nforbid: [secrets/**]\n")
    awards.git("add", ".planscope.yaml")
    first = config.load(awards.path, blobs.INDEX)
    assert first.on_drift == "warn" and first.source == config.CONFIG_FILE
    _no_parsing(monkeypatch)
    assert config.load(awards.path, blobs.INDEX) == first
    with pytest.raises(AssertionError, match="parsed again"):  # the working tree differs now
        awards.write(".planscope.yaml", "on_drift: block\n")
        config.load(awards.path)


def test_a_pyproject_section_is_built_once(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write("pyproject.toml", "[project]\nname = 'x'\n\n[tool.planscope]\non_drift = 'warn'\n")
    assert config.load(repo.path).on_drift == "warn"
    monkeypatch.setattr(config, "pyproject_section", None)  # calling it would fail
    assert config.load(repo.path).on_drift == "warn"
