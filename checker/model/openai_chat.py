"""``provider: openai``: any OpenAI-compatible Chat Completions endpoint (OpenAI, Azure
OpenAI, vLLM, Ollama, LM Studio), spoken with the standard library.

Why not the official SDK: ``import openai`` costs 0.41 to 0.50 s here (3.63.0, pydantic and
httpx with it); ``urllib.request`` with ``ssl`` costs 0.03 to 0.04 s, and a hook pays it on
every commit whose drift goes to a model. The request is one POST; the rest is what the
anthropic provider does: one deadline for the whole pass (each attempt gets the time left,
retries stop when their wait would pass it, ``retry-after`` obeyed only when it fits), the
reply read up to ``MAX_REPLY_BYTES``, redirects refused (the key goes nowhere else).

This module is imported only when the provider is used. The answer is asked for as
structured output: ``response_format`` of type ``json_schema``
with the tool's input schema, and read from the message's ``content`` (a ``tool_calls``
reply to the same name is read too: some servers answer that way).

Configuration: ``model`` is required (never defaulted from another vendor); the key comes
from ``OPENAI_API_KEY`` or the variable ``api_key_env`` names; the endpoint from
``base_url``, else ``OPENAI_BASE_URL``, else ``https://api.openai.com/v1``.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from checker.errors import VerifyUnavailable
from checker.model.prompt import Prompt
from checker.model.retrying import (
    MAX_ATTEMPTS,
    Reply,
    backoff,
    capped,
    one_line,
    status_wait,
    usage_tokens,
)
from checker.rules.config import VerifyConfig

DEFAULT_BASE_URL = "https://api.openai.com/v1"
KEY_ENV = "OPENAI_API_KEY"
BASE_ENV = "OPENAI_BASE_URL"


class OpenAIProvider:
    name = "openai"

    def __init__(self, config: VerifyConfig, env: Mapping[str, str] | None = None) -> None:
        env = os.environ if env is None else env
        if not config.model:
            raise VerifyUnavailable("provider openai needs a model (verify.model, or the "
                                    "reviewer's model): it is never taken from another vendor")
        self.model = config.model
        self.timeout_s = config.timeout_s
        self.last_failure: str | None = None
        self.key_env = config.api_key_env or KEY_ENV
        self.key = env.get(self.key_env, "")
        base = config.base_url or env.get(BASE_ENV) or DEFAULT_BASE_URL
        where = "base_url" if config.base_url else BASE_ENV
        try:
            parts = urllib.parse.urlsplit(base)
            port = parts.port
        except ValueError:
            raise VerifyUnavailable(f"the openai provider's endpoint ({where}) is not a "
                                    f"URL") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise VerifyUnavailable(f"the openai provider's endpoint ({where}) must be an "
                                    f"http or https URL")
        self.url = base.rstrip("/") + "/chat/completions"
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        shown = parts._replace(netloc=host + (f":{port}" if port else ""))
        self.where = urllib.parse.urlunsplit(shown).rstrip("/") + "/chat/completions"
        self._response: Any = None
        self._deadline = 0.0

    def prepare(self) -> None:
        if not self.key:
            raise VerifyUnavailable(f"no API key for the openai provider: set {self.key_env}")

    def call(self, prompt: Prompt, request: Mapping[str, Any], deadline: float) -> Reply:
        self.prepare()
        reason = f"no reply from {self.where} within {self.timeout_s:g}s (verify.timeout_s)"
        for attempt in range(MAX_ATTEMPTS):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self._deadline = deadline
            try:
                return self._ask_once(prompt, left)
            except _Retry as again:
                reason = again.reason
                wait = again.wait if again.wait is not None else backoff(attempt)
            except _Status as failed:
                reason = failed.reason
                wait = status_wait(failed.code, failed.headers, reason, attempt, deadline,
                                   self.timeout_s)
            if attempt + 1 >= MAX_ATTEMPTS or time.monotonic() + wait >= deadline:
                break
            self.last_failure = reason
            time.sleep(wait)
        raise VerifyUnavailable(reason)

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

    def _ask_once(self, prompt: Prompt, left: float) -> Reply:
        request = urllib.request.Request(
            self.url, data=json.dumps(self.body(prompt)).encode("utf-8"), method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json",
                     "Authorization": f"Bearer {self.key}", "api-key": self.key})
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=left) as response:
                self._response = response
                body = capped(self._chunks(response), self.where)
        except urllib.error.HTTPError as exc:
            headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
            text = exc.read(4096).decode("utf-8", "replace") if exc.fp else ""
            raise _Status(exc.code, headers, self._status_reason(exc.code, text)) from None
        except TimeoutError:
            raise _Retry(f"no reply from {self.where} within {self.timeout_s:g}s "
                         f"(verify.timeout_s)") from None
        except (urllib.error.URLError, OSError) as exc:
            cause = getattr(exc, "reason", exc)
            said = one_line(cause, 120).replace(self.url, self.where)
            raise _Retry(f"cannot reach {self.where}: {said}") from None
        finally:
            self._response = None
        try:
            message = json.loads(body)
        except ValueError:
            raise VerifyUnavailable(f"malformed reply from {self.where}: not JSON") from None
        return self._reply(message, prompt.tool_name)

    def _status_reason(self, code: int, text: str) -> str:
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

    def _reply(self, message: Any, tool_name: str) -> Reply:
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

    def _chunks(self, response: Any) -> Any:
        """The reply as it arrives, one read at a time, ending at the deadline: a server that
        drips a byte at a time cannot hold the pass past it."""
        while True:
            if time.monotonic() >= self._deadline:
                raise TimeoutError
            chunk = response.read1(65536)
            if not chunk:
                return
            yield chunk

    def cancel(self) -> None:
        """From the waiting thread at the deadline: the socket is shut down, not closed (a
        close waits for the reader's lock), so the reader returns at once."""
        response, self._response = self._response, None
        sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Retry(Exception):
    """An attempt that failed in a way worth trying again (timeout, connection)."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason, self.wait = reason, wait


class _Status(Exception):
    """An HTTP error status; ``status_wait`` decides whether to try again."""

    def __init__(self, code: int, headers: Mapping[str, str], reason: str) -> None:
        super().__init__(reason)
        self.code, self.headers, self.reason = code, headers, reason


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> None:
        return None  # the key is sent to the configured endpoint only
