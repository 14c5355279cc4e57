"""Asking models (checker/model/ask.py) through the command provider: the cache, a reply
that does not parse, offline, and a provider that cannot be asked."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from checker.errors import VerifyUnavailable
from checker.model import ask, prompt
from checker.rules.config import VerifyConfig
from tests.conftest import Repo

TOOL = {"name": "t", "description": "d", "input_schema": {"type": "object"}}


def question(repo: Repo, tmp_path: Path, reply: str, asker: str = "") -> ask.Question:
    script = tmp_path / "judge.py"
    script.write_text(f"import sys\nsys.stdin.read()\nprint({reply!r})\n")
    config = VerifyConfig(provider="command", command=(sys.executable, str(script)))
    built = prompt.build("s", TOOL, "T.", [], prompt.Files([], "diff", ""), 10)
    return ask.Question(config, built, {"x": 1}, "test", "1", asker)


def parse(data: Any, source: str) -> dict[str, Any]:
    if not isinstance(data, dict) or "ok" not in data:
        raise VerifyUnavailable(f"malformed reply from {source}")
    return {"ok": data["ok"]}


def test_an_answer_is_cached_by_what_was_asked(repo: Repo, tmp_path: Path) -> None:
    q = question(repo, tmp_path, '{"ok": 1}')
    (first,) = ask.ask(repo.path, [q], parse, timeout_s=30, what="asking")
    assert isinstance(first, ask.Answer) and first.data == {"ok": 1}
    assert (first.cached, first.calls, first.provider) == (False, 1, "command")
    (again,) = ask.ask(repo.path, [q], parse, timeout_s=30, what="asking")
    assert isinstance(again, ask.Answer) and again.cached and again.calls == 0
    assert again.key == first.key
    (other,) = ask.ask(repo.path, [question(repo, tmp_path, '{"ok": 1}', asker="b")], parse,
                       timeout_s=30, what="asking")
    assert isinstance(other, ask.Answer) and not other.cached  # another asker, another key
    (forced,) = ask.ask(repo.path, [q], parse, timeout_s=30, what="asking", no_cache=True)
    assert isinstance(forced, ask.Answer) and not forced.cached


def test_a_reply_that_does_not_parse_is_not_cached(repo: Repo, tmp_path: Path) -> None:
    q = question(repo, tmp_path, '{"no": 1}')
    for _ in range(2):
        (got,) = ask.ask(repo.path, [q], parse, timeout_s=30, what="asking")
        assert isinstance(got, VerifyUnavailable) and "malformed reply" in str(got)


def test_offline_and_unknown_providers(repo: Repo, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    q = question(repo, tmp_path, '{"ok": 1}')
    monkeypatch.setenv("PLANSCOPE_OFFLINE", "1")
    assert ask.offline()
    (got,) = ask.ask(repo.path, [q], parse, timeout_s=30, what="asking")
    assert str(got) == "PLANSCOPE_OFFLINE=1 is set, so no model is called"
    monkeypatch.delenv("PLANSCOPE_OFFLINE")
    odd = ask.Question(VerifyConfig(provider="carrier-pigeon"), q.prompt, {}, "test", "1")
    (got,) = ask.ask(repo.path, [odd], parse, timeout_s=30, what="asking")
    assert str(got) == "unknown verify.provider 'carrier-pigeon'"
