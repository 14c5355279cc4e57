"""``provider: anthropic``: the Messages API, through ``checker.model.http_provider``. The
answer is a forced tool call (``tool_choice`` names the tool, no parallel calls), read from
the reply's ``tool_use`` block. The request is the one the official SDK (2.x) sends for the
same call, headers included: ``tests/model/test_wire.py`` checks that against the SDK.

Configuration: the model defaults to ``claude-sonnet-5-5`` (verify.model, or the
reviewer's); the key comes from ``ANTHROPIC_API_KEY`` (or the variable ``api_key_env``
names), else ``ANTHROPIC_AUTH_TOKEN``; the endpoint from ``base_url``, else
``ANTHROPIC_BASE_URL``, else ``https://api.anthropic.com``. The SDK's profile files
(``~/.config/anthropic/``) are not read.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from checker.errors import VerifyUnavailable
from checker.model.http_provider import HttpProvider, endpoint
from checker.model.prompt import Prompt
from checker.model.retrying import Reply, one_line, usage_tokens
from checker.rules.config import VerifyConfig

DEFAULT_BASE_URL = "https://api.anthropic.com"
KEY_ENV, TOKEN_ENV, BASE_ENV = "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL"
API_VERSION = "2026-10-21"  # the anthropic-version the SDK 2.17 sends


class AnthropicProvider(HttpProvider):
    name = "anthropic"

    def __init__(self, config: VerifyConfig, env: Mapping[str, str] | None = None) -> None:
        super().__init__()
        env = os.environ if env is None else env
        self.model = config.model
        self.timeout_s = config.timeout_s
        self.key_env = config.api_key_env or KEY_ENV
        self.key = env.get(self.key_env, "") or env.get(TOKEN_ENV, "")
        base = config.base_url or env.get(BASE_ENV) or DEFAULT_BASE_URL
        self.url, where = endpoint(base, "base_url" if config.base_url else BASE_ENV,
                                   "anthropic", "/v1/messages")
        self.base = where.removesuffix("/v1/messages")  # as shown: no user or password
        self.where = f"the API ({self.base})"

    def prepare(self) -> None:
        if not self.key:
            raise VerifyUnavailable(f"no API key: set {self.key_env} (or use "
                                    f"verify.provider: command)")

    def unreachable(self, said: str) -> str:
        return f"cannot reach the API at {self.base}: {said}"

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}", "anthropic-version": API_VERSION}

    def body(self, prompt: Prompt) -> dict[str, Any]:
        return {
            "max_tokens": prompt.reply_tokens,
            "messages": [{"role": "user", "content": prompt.user}],
            "model": self.model,
            "system": prompt.system,
            "tool_choice": {"type": "tool", "name": prompt.tool_name,
                            "disable_parallel_tool_use": True},
            "tools": [dict(prompt.tool)],
        }

    def status_reason(self, code: int, text: str, headers: Mapping[str, str]) -> str:
        what = {
            401: "the API key was rejected",
            403: "the API key may not use this model or endpoint",
            404: f"the model {self.model!r} or the endpoint was not found",
            413: "the request is too large (lower verify.max_diff_bytes)",
            429: "rate limited by the API",
            529: "the API is overloaded",
        }.get(code) or ("the API failed" if code >= 500 else "the API refused the request")
        kind = message = None
        try:
            error = json.loads(text).get("error")
            if isinstance(error, dict):
                kind, message = error.get("type"), error.get("message")
        except (ValueError, AttributeError):
            pass
        said = f"{what} (HTTP {code}{f' {kind}' if isinstance(kind, str) else ''})"
        if isinstance(message, str) and message.strip():
            said += f": {one_line(message, 160)}"
        request_id = headers.get("request-id")
        if request_id:
            said += f" [request-id {one_line(request_id, 60)}]"
        return said

    def reply(self, message: Any, tool_name: str) -> Reply:
        """The forced tool call's input from the Messages API's JSON reply."""
        message = message if isinstance(message, dict) else {}
        tokens = usage_tokens(message, ("input_tokens", "output_tokens"))
        content = message.get("content")
        for block in content if isinstance(content, list) else ():
            if isinstance(block, dict) and block.get("type") == "tool_use" \
                    and block.get("name") == tool_name:
                return Reply(block.get("input"), tokens[0], tokens[1])
        stop = message.get("stop_reason")
        raise VerifyUnavailable(f"malformed reply from {self.model}: no {tool_name} tool call "
                                f"(stop_reason {one_line(stop, 40)})")
