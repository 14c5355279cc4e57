"""``provider: openai`` (checker/model/openai_chat.py) against a fake OpenAI-compatible Chat
Completions server on 127.0.0.1: what is sent, structured answers, 429 with retry-after,
5xx, a malformed reply, a huge one, the deadline, the key; and a plan review by an anthropic
and an openai reviewer, each with its own lens."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests import fake_api
from tests.conftest import OPENAI_KEY, Repo
from tests.model.test_verify import STANDARD, commit_change
from tests.reviewing import cli_run, plan_reply

KEY = OPENAI_KEY
MODEL = "gpt-5.5"


def chat(answer: Any, *, tokens: tuple[int, int] = (210, 34), raw: str | None = None
         ) -> fake_api.Reply:
    """A Chat Completions reply whose message content is ``answer`` as JSON text."""
    content = raw if raw is not None else json.dumps(answer)
    return fake_api.Reply(body={
        "id": "chatcmpl-fake", "object": "chat.completion", "model": MODEL,
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": tokens[0], "completion_tokens": tokens[1]}})


def verdicts(*items: tuple[str, str, float]) -> fake_api.Reply:
    return chat({"verdicts": [{"path": p, "verdict": v, "confidence": c,
                               "reason": f"{p}: {v} says the fake gpt"} for p, v, c in items]})


def oops(status: int, headers: dict[str, str] | None = None) -> fake_api.Reply:
    return fake_api.Reply(status, {"error": {"message": f"scripted {status}",
                                             "type": "server_error"}}, dict(headers or {}))


def _configure(repo: Repo, server: fake_api.FakeAPI, timeout_s: float = 20,
               **extra: str) -> None:
    lines = ["on_drift: verify", "verify:", "  provider: openai", f"  model: {MODEL}",
             f"  base_url: {server.url}/v1", f"  timeout_s: {timeout_s}"]
    lines += [f"  {k}: {v}" for k, v in extra.items()]
    repo.write(".planscope.yaml", "\n".join(lines) + "\n")


def test_verdicts_from_an_openai_compatible_endpoint(awards: Repo, gpt: fake_api.FakeAPI
                                                     ) -> None:
    _configure(awards, gpt)
    commit_change(awards, STANDARD)
    gpt.replies.append(verdicts(("README.md", "incidental", 0.9),
                                ("app/registry.py", "incidental", 0.95)))
    r = awards.planscope("check", "--commit", "HEAD", "--format", "json")
    assert r.code == 0, r.out + r.err
    doc = json.loads(r.out)
    assert doc["verification"]["provider"] == "openai"
    assert doc["verification"]["model"] == MODEL
    (seen,) = gpt.requests
    assert seen.path == "/v1/chat/completions"
    headers = {k.lower(): v for k, v in seen.headers.items()}
    assert headers["authorization"] == f"Bearer {KEY}"
    body = seen.body
    assert body["model"] == MODEL and body["max_completion_tokens"] > 0
    system, user = body["messages"]
    assert system["role"] == "system" and user["role"] == "user"
    assert "+REGISTRY = ['awards']" in user["content"]
    schema = body["response_format"]["json_schema"]
    assert body["response_format"]["type"] == "json_schema"
    assert schema["name"] == "record_verdicts" and schema["strict"] is True
    assert schema["schema"]["required"] == ["verdicts"]
    assert "claude" not in seen.text


def test_429_with_retry_after_then_an_answer(awards: Repo, gpt: fake_api.FakeAPI) -> None:
    _configure(awards, gpt)
    commit_change(awards, STANDARD)
    gpt.replies += [oops(429, {"retry-after": "1"}),
                    verdicts(("README.md", "incidental", 0.9),
                             ("app/registry.py", "incidental", 0.9))]
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 0 and len(gpt.requests) == 2, r.out + r.err


@pytest.mark.parametrize(("replies", "said"), [
    ([oops(503), oops(500), oops(502)], "the API failed (HTTP 502"),
    ([oops(401)], "the API key was rejected (HTTP 401"),
    ([oops(429, {"retry-after": "600"})], "the server asks to retry after 600s"),
    ([chat(None, raw="not json {")], "the answer is not JSON"),
    ([fake_api.Reply(raw=b"<html>proxy error</html>")], "not JSON"),
    ([fake_api.Reply(body={"choices": []})], "no answer"),
    ([fake_api.Reply(raw=b'{"x": "' + b"a" * (2 << 20) + b'"}')], "larger than 1048576 bytes"),
])
def test_failures_end_the_pass_with_one_line(awards: Repo, gpt: fake_api.FakeAPI,
                                             replies: list[fake_api.Reply], said: str) -> None:
    _configure(awards, gpt)
    commit_change(awards, STANDARD)
    gpt.replies += replies
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 3 and said in r.err and "Traceback" not in r.err, r.err


def test_the_deadline_bounds_a_server_that_does_not_answer(awards: Repo,
                                                           gpt: fake_api.FakeAPI) -> None:
    _configure(awards, gpt, timeout_s=2)
    commit_change(awards, STANDARD)
    gpt.default = fake_api.Reply(delay=60, body={})
    start = time.monotonic()
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 3 and "within 2s (verify.timeout_s)" in r.err, r.err
    assert time.monotonic() - start < 30  # wide: the point is 2 s, not 60


def test_the_key_and_its_variable(awards: Repo, gpt: fake_api.FakeAPI,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    _configure(awards, gpt)
    commit_change(awards, STANDARD)
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 3 and "no API key for the openai provider: set OPENAI_API_KEY" in r.err
    assert not gpt.requests
    monkeypatch.setenv("AZURE_KEY", "azure-secret")
    _configure(awards, gpt, api_key_env="AZURE_KEY")
    commit_change(awards, {"README.md": "# app\n\nmore\n"})
    gpt.replies.append(verdicts(("README.md", "incidental", 0.9)))
    assert awards.planscope("check", "--commit", "HEAD").code == 0
    headers = {k.lower(): v for k, v in gpt.requests[-1].headers.items()}
    assert headers["authorization"] == "Bearer azure-secret"


def test_a_model_is_never_taken_from_another_vendor(awards: Repo) -> None:
    awards.write(".planscope.yaml", "on_drift: verify\nverify:\n  provider: openai\n")
    r = awards.planscope("validate")
    assert r.code == 2 and "verify.provider is 'openai' but verify.model is not set" in r.err


def test_two_vendors_two_lenses(planned: Repo, api: fake_api.FakeAPI, gpt: fake_api.FakeAPI,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    """An anthropic reviewer looking at assumptions and an openai one at rollout: each
    request holds its own lens and not the other's; the table and the record say which."""
    planned.write(".planscope.yaml", "\n".join([
        "review:", "  plan:", "    reviewers:",
        "      - {name: claude, provider: anthropic, model: claude-opus-5-5, focus: assumptions}",
        f"      - {{name: gpt, provider: openai, model: {MODEL}, base_url: '{gpt.url}/v1', "
        "focus: rollout}"]) + "\n")
    api.replies.append(plan_reply(0.9, True))
    gpt.replies.append(chat({"confidence": 0.85, "ready": True, "gaps": [],
                             "wrong_assumptions": []}))
    r = cli_run(planned, monkeypatch, "plan-review", "plans/awards.yaml", "--record")
    assert r.code == 0, r.out + r.err
    assert "focus" in r.out and "assumptions" in r.out and "rollout" in r.out
    claude_text, gpt_text = api.bodies[0], gpt.bodies[0]
    mine, theirs = "Yours: the plan's assumptions", "Yours: the order of the slices"
    assert mine in claude_text and theirs not in claude_text
    assert theirs in gpt_text and mine not in gpt_text
    assert json.loads(gpt_text)["model"] == MODEL
    text = (planned.path / "plans/awards.yaml").read_text()
    assert "focus: assumptions" in text and "focus: rollout" in text


@pytest.mark.parametrize(("base", "said"), [
    ("file:///tmp/answers", "must be an http or https URL"),
    ("http://host:port/v1", "is not a URL"),
    ("ftp://example.com/v1", "must be an http or https URL"),
])
def test_only_http_endpoints(awards: Repo, base: str, said: str) -> None:
    awards.write(".planscope.yaml", f"on_drift: verify\nverify:\n  provider: openai\n"
                                    f"  model: {MODEL}\n")
    commit_change(awards, STANDARD)
    r = awards.planscope("check", "--commit", "HEAD", env={"OPENAI_BASE_URL": base})
    assert r.code == 3 and said in r.err and "Traceback" not in r.err, r.err


def test_credentials_in_the_endpoint_are_never_shown(awards: Repo, gpt: fake_api.FakeAPI
                                                     ) -> None:
    awards.write(".planscope.yaml", f"on_drift: verify\nverify:\n  provider: openai\n"
                                    f"  model: {MODEL}\n  timeout_s: 5\n")
    commit_change(awards, STANDARD)
    r = awards.planscope("check", "--commit", "HEAD",
                         env={"OPENAI_BASE_URL": "http://user:s3cr3t@127.0.0.1:9/v1"})
    assert r.code == 3 and "s3cr3t" not in r.err and "127.0.0.1:9" in r.err, r.err
