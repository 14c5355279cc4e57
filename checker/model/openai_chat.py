"""``provider: openai``: any OpenAI-compatible Chat Completions endpoint (OpenAI, Azure
OpenAI, vLLM, Ollama, LM Studio), through ``checker.model.http_provider``. The answer is
asked for as structured output: ``response_format`` of type ``json_schema`` with the tool's
input schema, and read from the message's ``content`` (a ``tool_calls`` reply to the same
name is read too: some servers answer that way).

Configuration: ``model`` is required (never defaulted from another vendor); the key comes
from ``OPENAI_API_KEY`` or the variable ``api_key_env`` names; the endpoint from
``base_url``, else ``OPENAI_BASE_URL``, else ``https://api.openai.com/v1``.
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

DEFAULT_BASE_URL = "https://api.openai.com/v1"
KEY_ENV = "OPENAI_API_KEY"
BASE_ENV = "OPENAI_BASE_URL"


class OpenAIProvider(HttpProvider):
    name = "openai"

    def __init__(self, config: VerifyConfig, env: Mapping[str, str] | None = None) -> None:
        super().__init__()
        env = os.environ if env is None else env
        if not config.model:
            raise VerifyUnavailable("provider openai needs a model (verify.model, or the "
                                    "reviewer's model): it is never taken from another vendor")
        self.model = config.model
        self.timeout_s = config.timeout_s
        self.key_env = config.api_key_env or KEY_ENV
        self.key = env.get(self.key_env, "")
        base = config.base_url or env.get(BASE_ENV) or DEFAULT_BASE_URL
        self.url, self.where = endpoint(base, "base_url" if config.base_url else BASE_ENV,
                                        "openai", "/chat/completions")

    def prepare(self) -> None:
        if not self.key:
            raise VerifyUnavailable(f"no API key for the openai provider: set {self.key_env}")

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}", "api-key": self.key}

    def body(self, prompt: Prompt) -> dict[str, Any]:
        """The Chat Completions request: the system and user text, the answer's schema."""
        return {
            "model": self.model,
            "messages": [{"role": "system", "content": prompt.system},
                         {"role": "user", "content": prompt.user}],
            "max_completion_tokens": prompt.reply_tokens,
            "response_format": {"type": "json_schema", "json_schema": {
                "name": prompt.tool_name, "strict": True,
                "schema": prompt.tool["input_schema"]}},
        }

    def status_reason(self, code: int, text: str, headers: Mapping[str, str]) -> str:
        what = {401: "the API key was rejected", 403: "the key may not use this model",
                404: f"the model {self.model!r} or the endpoint was not found",
                413: "the request is too large (lower verify.max_diff_bytes)",
                429: "rate limited by the API"}.get(code) or (
            "the API failed" if code >= 500 else "the API refused the request")
        said = ""
        try:
            error = json.loads(text).get("error")
            message = error.get("message") if isinstance(error, dict) else error
            said = f": {one_line(message, 160)}" if isinstance(message, str) else ""
        except (ValueError, AttributeError):
            pass
        return f"{what} (HTTP {code}, {self.where}){said}"

    def reply(self, message: Any, tool_name: str) -> Reply:
        """The answer object from a Chat Completions reply, and its token counts."""
        message = message if isinstance(message, dict) else {}
        tokens = usage_tokens(message, ("prompt_tokens", "completion_tokens"))
        choices = message.get("choices")
        first = choices[0] if isinstance(choices, list) and choices else {}
        said = first.get("message") if isinstance(first, dict) else None
        said = said if isinstance(said, dict) else {}
        text = said.get("content")
        calls = said.get("tool_calls")
        if not isinstance(text, str) or not text.strip():
            text = next((c["function"].get("arguments") for c in calls or ()
                         if isinstance(c, dict) and isinstance(c.get("function"), dict)
                         and c["function"].get("name") == tool_name), None) \
                if isinstance(calls, list) else None
        if not isinstance(text, str):
            finish = first.get("finish_reason") if isinstance(first, dict) else None
            refusal = said.get("refusal")
            why = f"refused: {one_line(refusal, 120)}" if isinstance(refusal, str) else \
                f"finish_reason {one_line(finish, 40)}"
            raise VerifyUnavailable(f"malformed reply from {self.model}: no answer ({why})")
        try:
            return Reply(json.loads(text), tokens[0], tokens[1])
        except ValueError:
            raise VerifyUnavailable(f"malformed reply from {self.model}: the answer is not "
                                    f"JSON") from None
