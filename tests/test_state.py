"""What planscope keeps under .git/planscope (checker/state.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from checker import state
from checker.errors import BadInput
from tests import sealed
from tests.conftest import Repo


def test_atomic_write_replaces_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b.txt"
    state.atomic_write(target, "one\n", mode=0o600)
    state.atomic_write(target, b"two\n")
    assert target.read_text() == "two\n"
    assert list(target.parent.iterdir()) == [target]
    (tmp_path / "blocked").write_text("a file where a folder should be")
    with pytest.raises(OSError):
        state.atomic_write(tmp_path / "blocked" / "x", "y")


def test_digest_parts_cannot_run_into_each_other() -> None:
    assert state.digest("ab", "c") != state.digest("a", "bc")
    assert state.digest("x") == state.digest(b"x")


def test_cache_stores_json_and_survives_damage(repo: Repo) -> None:
    cache = state.Cache.of(repo.path, "kind")
    assert cache.folder == (repo.path / ".git/planscope/cache/kind").resolve()
    assert cache.get("k") is None
    cache.put("k", {"a": [1, 2]})
    assert cache.get("k") == {"a": [1, 2]}
    assert cache.folder is not None
    entry = cache.folder / "k.json"
    assert sealed.read(entry) == {"key": "k", "value": {"a": [1, 2]}}
    sealed.write_raw(entry, b"{broken")
    assert cache.get("k") is None
    # an entry copied from another key, or with no key, is not this key's
    cache.put("other", {"a": "relaxed"})
    entry.write_bytes((cache.folder / "other.json").read_bytes())
    assert cache.get("k") is None
    sealed.write(entry, {"a": [1, 2]})
    assert cache.get("k") is None
    sealed.write_raw(entry, b"[" * 100000)  # nested past the parser's depth
    assert cache.get("k") is None
    # well formed, for this key, but not sealed by planscope here: forged, not read
    entry.write_text(json.dumps({"key": "k", "value": {"a": "forged"}}))
    assert cache.get("k") is None
    sealed.write(entry, {"key": "k", "value": {"a": "forged"}})
    assert cache.get("k") == {"a": "forged"}  # (the seal is what tells them apart)
    assert state.Cache(None).get("k") is None
    state.Cache(None).put("k", 1)  # nothing kept, nothing raised


def test_cache_keeps_only_the_newest_entries(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(state, "CACHE_ENTRIES", 3)
    cache = state.Cache(tmp_path / "c")
    for i in range(5):
        cache.put(f"k{i}", i)
        os.utime(tmp_path / "c" / f"k{i}.json", (1000 + i, 1000 + i))
    cache.put("k5", 5)
    assert sorted(p.stem for p in (tmp_path / "c").iterdir()) == ["k3", "k4", "k5"]


def test_outside_a_repository_the_cache_keeps_nothing(tmp_path: Path) -> None:
    assert state.Cache.of(tmp_path, "kind").folder is None


def test_logs_append_one_json_line_each(repo: Repo) -> None:
    state.append_log(repo.path, "test.jsonl", {"n": 1})
    state.append_log(repo.path, "test.jsonl", {"n": 2})
    lines = (repo.path / ".git/planscope/test.jsonl").read_text().splitlines()
    assert [json.loads(line)["n"] for line in lines] == [1, 2]
    assert all("at" in json.loads(line) for line in lines)
    state.append_log(repo.path / "nowhere", "test.jsonl", {"n": 3})  # lost, never raised


def test_active_slice_round_trip_and_environment(repo: Repo) -> None:
    git_dir = repo.path / ".git"
    assert state.read_active(git_dir) is None and state.active_ref(git_dir, {}) is None
    state.write_active(git_dir, "plans/a.yaml#s")
    assert state.active_ref(git_dir, {}) == ("plans/a.yaml#s", "planscope use")
    assert state.active_ref(git_dir, {"PLANSCOPE_PLAN": " plans/b.yaml#t "}) == (
        "plans/b.yaml#t", "PLANSCOPE_PLAN")
    assert state.clear_active(git_dir) == "plans/a.yaml#s"
    assert state.clear_active(git_dir) is None
    state.active_file(git_dir).write_bytes(b"\xff\xfe")
    with pytest.raises(BadInput, match="cannot read the active slice"):
        state.read_active(git_dir)
