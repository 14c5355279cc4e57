"""The anthropic provider speaks the Messages API with the standard library
(checker/model/anthropic_messages.py); the official SDK stays the reference for the wire
format: the same question sent through the SDK and through planscope's client reaches the
fake Messages API as the same request (path, version header, key, body), and the same reply
reads the same through both."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from checker.model.anthropic_messages import API_VERSION, AnthropicProvider
from checker.model.prompt import Prompt
from checker.rules.config import VerifyConfig
from tests import fake_api
from tests.conftest import KEY

TOOL = {"name": "record_verdicts", "description": "Record one verdict per path.",
        "input_schema": {"type": "object", "properties": {"verdicts": {"type": "array"}},
                         "required": ["verdicts"], "additionalProperties": False},
        "strict": True}
PROMPT = Prompt("You judge drift.", "Request r1. Judge these paths.\nREADME.md (M)\n", "r1",
                TOOL, reply_tokens=1400)


@pytest.fixture
def server(sdk: None) -> Iterator[fake_api.FakeAPI]:
    with fake_api.running() as api:
        api.default = fake_api.Reply(body=fake_api.message(
            {"verdicts": [{"path": "README.md", "verdict": "incidental"}]},
            name="record_verdicts"))
        yield api


def test_the_same_request_as_the_sdk_sends(server: fake_api.FakeAPI) -> None:
    import anthropic

    client = anthropic.Anthropic(api_key=KEY, base_url=server.url, max_retries=0, timeout=30)
    message = client.messages.create(  # type: ignore[call-overload]
        model="claude-sonnet-5-5", max_tokens=PROMPT.reply_tokens, system=PROMPT.system,
        messages=[{"role": "user", "content": PROMPT.user}],
        tools=[dict(TOOL)],
        tool_choice={"type": "tool", "name": TOOL["name"], "disable_parallel_tool_use": True})
    ours = AnthropicProvider(VerifyConfig(model="claude-sonnet-5-5", timeout_s=30),
                             env={"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": server.url})
    reply = ours.call(PROMPT, {}, time.monotonic() + 30)
    theirs, mine = server.requests
    assert (mine.method, mine.path, mine.body) == (theirs.method, theirs.path, theirs.body)
    headers = [{k.lower(): v for k, v in seen.headers.items()} for seen in (mine, theirs)]
    for header in ("authorization", "anthropic-version", "content-type"):
        assert headers[0].get(header) == headers[1].get(header), header
    assert headers[0]["anthropic-version"] == API_VERSION
    sdk_input = next(b.input for b in message.content if b.type == "tool_use")
    assert reply.data == sdk_input and (reply.input_tokens, reply.output_tokens) == (
        message.usage.input_tokens, message.usage.output_tokens)
    assert json.loads(mine.text) == theirs.body  # the body is plain JSON, nothing else
