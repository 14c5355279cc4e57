"""Providers: ``anthropic`` (``checker.model.anthropic_messages``), ``openai``
(``checker.model.openai_chat``: any OpenAI-compatible endpoint), both on one HTTP client of
the standard library (``checker.model.http_provider``), and ``command`` (any program
speaking JSON).

All run under one hard deadline for the whole pass (``verify.timeout_s``, retries
included, from the start of the pass: what the user waits). The call runs in a worker
thread while the caller waits at most until the deadline and draws the progress line; each
HTTP attempt also gets the time left as its own timeout, and retries stop when their wait
would pass the deadline.
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
from typing import IO, TYPE_CHECKING, Any, Protocol

from checker.errors import VerifyUnavailable
from checker.model.progress import Progress
from checker.model.prompt import Prompt
from checker.model.retrying import (
    MAX_REPLY_BYTES,
    Reply,
    one_line,
)
from checker.rules.config import VerifyConfig

if TYPE_CHECKING:  # types only: the SDK itself is imported when a call is made
    pass

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
        from checker.model.anthropic_messages import AnthropicProvider

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
