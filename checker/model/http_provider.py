"""The HTTP providers' one client, on the standard library: one POST of JSON a call, under
the pass's one deadline (each attempt gets the time left, retries stop when their wait would
pass it, ``retry-after`` obeyed only when it fits), the reply read up to
``MAX_REPLY_BYTES`` and only until the deadline, redirects refused (the key goes nowhere
else), the socket shut down from the waiting thread at the deadline. Each vendor's module
says what to send and how to read the answer: ``checker.model.anthropic_messages``,
``checker.model.openai_chat``.

Why not the vendors' SDKs: ``import anthropic`` costs ~1 s of CPU here (2.17.0: pydantic,
httpx and every type of the API), ``import openai`` 0.41 to 0.50 s; ``urllib.request`` with
``ssl`` costs 0.03 to 0.04 s, and a hook pays it on every commit whose drift goes to a
model. The SDK stays the reference for the wire format: ``tests/model/test_wire.py`` sends
the same request through the anthropic SDK and through this client to one fake server.
"""

from __future__ import annotations

import contextlib
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from checker.errors import VerifyUnavailable
from checker.model.prompt import Prompt
from checker.model.retrying import MAX_ATTEMPTS, Reply, backoff, capped, one_line, status_wait


def endpoint(base: str, where: str, vendor: str, path: str) -> tuple[str, str]:
    """(the URL to post to, the same without any user or password in it, for messages);
    VerifyUnavailable when ``base`` (read from ``where``) is no http(s) URL."""
    try:
        parts = urllib.parse.urlsplit(base)
        port = parts.port
    except ValueError:
        raise VerifyUnavailable(f"the {vendor} provider's endpoint ({where}) is not a "
                                f"URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise VerifyUnavailable(f"the {vendor} provider's endpoint ({where}) must be an "
                                f"http or https URL")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    shown = parts._replace(netloc=host + (f":{port}" if port else ""))
    return (base.rstrip("/") + path,
            urllib.parse.urlunsplit(shown).rstrip("/") + path)


class HttpProvider:
    """What both vendors share; a subclass sets ``url``, ``where``, ``model``,
    ``timeout_s`` and says ``headers``, ``body``, ``reply`` and ``status_reason``."""

    name = ""
    url = where = model = ""
    timeout_s = 0.0

    def __init__(self) -> None:
        self.last_failure: str | None = None
        self._response: Any = None
        self._deadline = 0.0

    # --- what a vendor says -----------------------------------------------------------

    def headers(self) -> dict[str, str]:
        raise NotImplementedError

    def body(self, prompt: Prompt) -> dict[str, Any]:
        raise NotImplementedError

    def reply(self, message: Any, tool_name: str) -> Reply:
        raise NotImplementedError

    def status_reason(self, code: int, text: str, headers: Mapping[str, str]) -> str:
        raise NotImplementedError

    # --- the call ---------------------------------------------------------------------

    def call(self, prompt: Prompt, request: Mapping[str, Any], deadline: float) -> Reply:
        self.prepare()
        reason = self.timed_out()
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

    def prepare(self) -> None:
        pass

    def timed_out(self) -> str:
        return f"no reply from {self.where} within {self.timeout_s:g}s (verify.timeout_s)"

    def unreachable(self, said: str) -> str:
        return f"cannot reach {self.where}: {said}"

    def _ask_once(self, prompt: Prompt, left: float) -> Reply:
        request = urllib.request.Request(
            self.url, data=json.dumps(self.body(prompt)).encode("utf-8"), method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json",
                     **self.headers()})
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=left) as response:
                self._response = response
                body = capped(self._chunks(response), self.where)
        except urllib.error.HTTPError as exc:
            headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
            text = exc.read(4096).decode("utf-8", "replace") if exc.fp else ""
            raise _Status(exc.code, headers,
                          self.status_reason(exc.code, text, headers)) from None
        except TimeoutError:
            raise _Retry(self.timed_out()) from None
        except (urllib.error.URLError, OSError) as exc:
            cause = getattr(exc, "reason", exc)
            raise _Retry(self.unreachable(one_line(cause, 120).replace(self.url, self.where))
                         ) from None
        finally:
            self._response = None
        try:
            message = json.loads(body)
        except ValueError:
            raise VerifyUnavailable(f"malformed reply from {self.where}: not JSON") from None
        return self.reply(message, prompt.tool_name)

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
