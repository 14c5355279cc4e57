"""Providers: ``anthropic`` (the official SDK), ``openai`` (``checker.model.openai_chat``:
any OpenAI-compatible endpoint) and ``command`` (any program speaking JSON).

Both run under one hard deadline for the whole pass (``verify.timeout_s``, retries
included). The call runs in a worker thread while the caller waits at most until the
deadline and draws the progress line; each HTTP attempt also gets the time left as its own
timeout, and retries stop when their wait would pass the deadline. The SDK's own retries
are off: it obeys ``retry-after`` without a cap, which would break the deadline.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol, cast

from checker.errors import VerifyUnavailable
from checker.model.progress import Progress
from checker.model.prompt import Prompt
from checker.model.retrying import (
    MAX_ATTEMPTS,
    MAX_REPLY_BYTES,
    Reply,
    backoff,
    capped,
    one_line,
    status_wait,
    usage_tokens,
)
from checker.rules.config import VerifyConfig

if TYPE_CHECKING:  # types only: the SDK itself is imported when a call is made
    from anthropic.types import MessageParam, ToolChoiceToolParam, ToolParam

MARGIN_S = 0.2  # the worker stops this much before the hard deadline, to report its reason


class Provider(Protocol):
    name: str
    model: str  # what the report names as the model
    last_failure: str | None  # the latest failed attempt, for the deadline's message

    def prepare(self) -> None:
        """What must happen before the deadline starts (an SDK import); VerifyUnavailable
        when the provider cannot be asked at all (no key)."""

    def call(self, prompt: Prompt, request: Mapping[str, Any], deadline: float) -> Reply: ...

    def cancel(self) -> None: ...


# --- anthropic ----------------------------------------------------------------------------


class AnthropicProvider:
    name = "anthropic"

    def __init__(self, config: VerifyConfig) -> None:
        self.model = config.model
        self.timeout_s = config.timeout_s
        self.last_failure: str | None = None
        self._client: Any = None
        self._where = ""

    def _status_reason(self, exc: Any) -> str:
        code = int(exc.status_code)
        what = {
            401: "the API key was rejected",
            403: "the API key may not use this model or endpoint",
            404: f"the model {self.model!r} or the endpoint was not found",
            413: "the request is too large (lower verify.max_diff_bytes)",
            429: "rate limited by the API",
            529: "the API is overloaded",
        }.get(code) or ("the API failed" if code >= 500 else "the API refused the request")
        kind = getattr(exc, "type", None)
        text = f"{what} (HTTP {code}{f' {kind}' if isinstance(kind, str) else ''})"
        message = getattr(exc, "api_message", None)
        if isinstance(message, str) and message.strip():
            text += f": {one_line(message, 160)}"
        request_id = getattr(exc, "request_id", None)
        if request_id:
            text += f" [request-id {one_line(request_id, 60)}]"
        return text

    def prepare(self) -> None:
        """Import the SDK (about a second) and make the client: done before the deadline
        starts, and only when a model is really asked. No key: VerifyUnavailable."""
        if self._client is not None:
            return
        import anthropic  # deferred: ~1 s of imports, paid only when a model is asked

        client = anthropic.Anthropic(max_retries=0, timeout=self.timeout_s)
        if not (client.api_key or client.auth_token or getattr(client, "credentials", None)):
            raise VerifyUnavailable("no API key: set ANTHROPIC_API_KEY (or use "
                                    "verify.provider: command)")
        self._client = client
        self._where = str(client.base_url).rstrip("/")

    def call(self, prompt: Prompt, request: Mapping[str, Any], deadline: float) -> Reply:
        self.prepare()
        reason = (f"no reply from the API ({self._where}) within {self.timeout_s:g}s "
                  f"(verify.timeout_s)")
        for attempt in range(MAX_ATTEMPTS):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                return self._ask_once(prompt, left)
            except Exception as exc:  # the SDK's errors, sorted out by _retry_or_raise
                reason, wait = self._retry_or_raise(exc, attempt, deadline)
            if attempt + 1 >= MAX_ATTEMPTS or time.monotonic() + wait >= deadline:
                break
            self.last_failure = reason
            time.sleep(wait)
        raise VerifyUnavailable(reason)

    def _ask_once(self, prompt: Prompt, left: float) -> Reply:
        import anthropic

        messages: list[MessageParam] = [{"role": "user", "content": prompt.user}]
        choice: ToolChoiceToolParam = {"type": "tool", "name": prompt.tool_name,
                                       "disable_parallel_tool_use": True}
        with self._client.messages.with_streaming_response.create(
            model=self.model,
            max_tokens=prompt.reply_tokens,
            system=prompt.system,
            messages=messages,
            tools=[cast("ToolParam", dict(prompt.tool))],
            tool_choice=choice,
            timeout=anthropic.Timeout(left, connect=min(5.0, left)),
        ) as response:
            body = capped(response.iter_bytes(), f"the API ({self._where})")
        try:
            message = json.loads(body)
        except ValueError:
            raise VerifyUnavailable(f"malformed reply from the API ({self._where}): not "
                                    f"JSON") from None
        return self._reply(message, prompt.tool_name)

    def _retry_or_raise(self, exc: Exception, attempt: int, deadline: float) -> tuple[str, float]:
        """(why the attempt failed, how long to wait before the next) for an error worth a
        retry; VerifyUnavailable for one that is not; anything unknown is raised again."""
        import anthropic

        if isinstance(exc, anthropic.APIStatusError):
            return self._status_retry(exc, attempt, deadline)
        if isinstance(exc, anthropic.APITimeoutError):
            return (f"no reply from the API ({self._where}) within {self.timeout_s:g}s "
                    f"(verify.timeout_s)"), backoff(attempt)
        if isinstance(exc, anthropic.APIConnectionError):
            cause = exc.__cause__ or exc
            return (f"cannot reach the API at {self._where}: {one_line(cause, 120)}",
                    backoff(attempt))
        if isinstance(exc, (ValueError, anthropic.APIResponseValidationError)):
            raise VerifyUnavailable(f"malformed reply from the API ({self._where}): "
                                    f"{one_line(exc, 120)}") from None
        if isinstance(exc, TypeError) and "authentication" in str(exc).lower():
            raise VerifyUnavailable("no API key: set ANTHROPIC_API_KEY") from None
        raise exc

    def _status_retry(self, exc: Any, attempt: int, deadline: float) -> tuple[str, float]:
        reason = self._status_reason(exc)
        return reason, status_wait(int(exc.status_code), exc.response.headers, reason,
                                   attempt, deadline, self.timeout_s)

    def _reply(self, message: Any, tool_name: str) -> Reply:
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

    def cancel(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()


# --- command ------------------------------------------------------------------------------


class CommandProvider:
    """Runs ``verify.command`` (an argv, never a shell string) with the request on stdin."""

    name = "command"

    def __init__(self, config: VerifyConfig, cwd: Path) -> None:
        if not config.command:
            raise VerifyUnavailable("verify.provider is 'command' but verify.command is not set")
        self.argv = list(config.command)
        self.model = one_line(shlex.join(self.argv), 80)
        self.timeout_s = config.timeout_s
        self.last_failure: str | None = None
        self.cwd = cwd
        self._proc: subprocess.Popen[bytes] | None = None

    def prepare(self) -> None:
        pass

    def call(self, prompt: Prompt, request: Mapping[str, Any], deadline: float) -> Reply:
        """The request on stdin, the answer from stdout: both through files, so a program
        that writes without end is stopped at ``MAX_REPLY_BYTES`` instead of filling memory."""
        program = self.argv[0]
        with tempfile.TemporaryFile() as stdin, tempfile.TemporaryFile() as stdout, \
                tempfile.TemporaryFile() as stderr:
            stdin.write(json.dumps(request).encode("utf-8"))
            stdin.seek(0)
            self._run(stdin, stdout, stderr, deadline)
            if os.fstat(stdout.fileno()).st_size > MAX_REPLY_BYTES:
                raise VerifyUnavailable(f"the reply from verify.command {program!r} is larger "
                                        f"than {MAX_REPLY_BYTES} bytes; not read")
            stdout.seek(0)
            stderr.seek(0)
            out, err = stdout.read(), stderr.read(MAX_REPLY_BYTES)
        proc = self._proc
        assert proc is not None
        if proc.returncode != 0:
            lines = err.decode("utf-8", "replace").strip().splitlines()
            said = f": {one_line(lines[-1], 160)}" if lines else ""
            raise VerifyUnavailable(f"verify.command {program!r} exited with code "
                                    f"{proc.returncode}{said}")
        try:
            answer = json.loads(out)
        except ValueError:
            raise VerifyUnavailable(f"malformed reply from verify.command {program!r}: "
                                    f"stdout is not JSON") from None
        return Reply(answer)

    def _run(self, stdin: IO[bytes], stdout: IO[bytes], stderr: IO[bytes],
             deadline: float) -> None:
        program = self.argv[0]
        try:
            proc = subprocess.Popen(self.argv, cwd=self.cwd, stdin=stdin, stdout=stdout,
                                    stderr=stderr, start_new_session=os.name == "posix")
        except OSError as exc:
            raise VerifyUnavailable(f"verify.command {program!r} cannot run: "
                                    f"{exc.strerror or exc}") from None
        self._proc = proc
        while True:
            try:
                proc.wait(timeout=min(max(deadline - time.monotonic(), 0.01), 0.1))
                return
            except subprocess.TimeoutExpired:
                pass
            if os.fstat(stdout.fileno()).st_size > MAX_REPLY_BYTES:
                self.cancel()
                return  # the caller says the reply is too large
            if time.monotonic() >= deadline:
                self.cancel()
                raise VerifyUnavailable(f"verify.command {program!r} gave no verdict within "
                                        f"{self.timeout_s:g}s (verify.timeout_s)")

    def cancel(self) -> None:
        proc = self._proc
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(OSError):
            if os.name == "posix":
                os.killpg(proc.pid, signal.SIGKILL)
            else:  # pragma: no cover - Windows
                proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired, OSError, ValueError):
            proc.communicate(timeout=1)


def make(config: VerifyConfig, root: Path) -> Provider:
    if config.provider == "anthropic":
        return AnthropicProvider(config)
    if config.provider == "openai":
        from checker.model.openai_chat import OpenAIProvider

        return OpenAIProvider(config)
    if config.provider == "command":
        return CommandProvider(config, root)
    raise VerifyUnavailable(f"unknown verify.provider {config.provider!r}")


# --- the deadline -------------------------------------------------------------------------


Call = tuple[Provider, Prompt, Mapping[str, Any]]  # a provider, its prompt, its stdin request


def _work(provider: Provider, prompt: Prompt, request: Mapping[str, Any], deadline: float,
          box: dict[str, Any]) -> None:
    try:
        box["reply"] = provider.call(prompt, request, deadline - MARGIN_S)
    except VerifyUnavailable as exc:
        box["error"] = exc
    except Exception as exc:  # never a traceback: one line, and on_error decides
        box["error"] = VerifyUnavailable(
            f"the {provider.name} provider failed: {type(exc).__name__}: {one_line(exc)}"
        )


def call_all_within(calls: Sequence[Call], deadline: float, timeout_s: float,
                    what: str) -> list[Reply | VerifyUnavailable]:
    """Each ``provider.call`` in a worker thread of its own, all under one ``deadline``.

    The calls share nothing: each provider is its own object with its own client or
    process. One result per call, in order: its reply, or the VerifyUnavailable that ended
    it (a call still running at the deadline is cancelled). The progress line says ``what``
    is waited on; with several calls, it names the models still being waited on.
    """
    progress = Progress(what, timeout_s)
    boxes: list[dict[str, Any]] = [{} for _ in calls]
    workers = [threading.Thread(target=_work, args=(*call, deadline, box),
                                name="planscope-verify", daemon=True)
               for call, box in zip(calls, boxes, strict=True)]
    for worker in workers:
        worker.start()
    try:
        while True:
            waiting = [c[0].model for c, w in zip(calls, workers, strict=True) if w.is_alive()]
            left = deadline - time.monotonic()
            if not waiting or left <= 0:
                break
            if len(calls) > 1:
                progress.detail = f"waiting on {', '.join(waiting)}"
            progress.update()
            next(w for w in workers if w.is_alive()).join(min(left, 0.25))
    except BaseException:  # Ctrl-C: a command in its own session would not get the signal
        for provider, _, _ in calls:
            provider.cancel()
        raise
    finally:
        progress.clear()
    out: list[Reply | VerifyUnavailable] = []
    for (provider, _, _), worker, box in zip(calls, workers, boxes, strict=True):
        if worker.is_alive():
            provider.cancel()
            last = provider.last_failure
            out.append(VerifyUnavailable(
                f"no verdict from {provider.model} within {timeout_s:g}s (verify.timeout_s)"
                + (f"; last attempt: {last}" if last else "")))
        elif "error" in box:
            out.append(box["error"])
        else:
            out.append(box["reply"])
    return out
