"""A fake Anthropic Messages API on 127.0.0.1, for the real SDK to talk to in tests.

It records every request (headers and JSON body) and answers from a script of replies:
tool calls, error statuses, delays, raw bytes. Nothing leaves the machine.
"""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOOL_NAME = "record_verdicts"


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON; ignored when ``raw`` is set
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    raw: bytes | None = None


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    text: str


def message(tool_input: Any, name: str = TOOL_NAME) -> dict[str, Any]:
    """A Messages API reply whose content is one tool call."""
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-5-5",
        "content": [{"type": "tool_use", "id": "toolu_fake", "name": name, "input": tool_input}],
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {"input_tokens": 321, "output_tokens": 45},
    }


def verdicts(*items: tuple[str, str, float], reason: str = "") -> Reply:
    """A tool-call reply: one (path, verdict, confidence) per item."""
    return Reply(body=message({"verdicts": [
        {"path": p, "verdict": v, "reason": reason or f"{p} judged {v} by the fake model",
         "confidence": c}
        for p, v, c in items
    ]}))


def error(status: int, kind: str, text: str = "scripted failure",
          headers: dict[str, str] | None = None, delay: float = 0.0) -> Reply:
    body = {"type": "error", "error": {"type": kind, "message": text}}
    return Reply(status, body, dict(headers or {}), delay)


class FakeAPI:
    """Replies are taken from ``replies`` in order; when it is empty, ``default`` answers.
    ``route``, when set, answers first (a reply chosen from the request, e.g. by model, for
    requests that arrive concurrently in any order); None falls through to the others."""

    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self.replies: list[Reply] = []
        self.default: Reply = error(500, "api_error", "no reply scripted")
        self.route: Callable[[Seen], Reply | None] | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                text = self.rfile.read(length).decode("utf-8", "replace")
                try:
                    body: Any = json.loads(text)
                except ValueError:
                    body = None
                seen = Seen("POST", self.path, dict(self.headers), body, text)
                with api._lock:
                    api.requests.append(seen)
                    reply = api.route(seen) if api.route is not None else None
                    if reply is None:
                        reply = api.replies.pop(0) if api.replies else api.default
                if reply.delay and api._stop.wait(reply.delay):
                    return
                data = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client gave up first
                    pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeAPI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    @property
    def bodies(self) -> list[str]:
        """The raw text of every request body, for 'was X ever sent' assertions."""
        return [s.text for s in self.requests]


@contextmanager
def running() -> Iterator[FakeAPI]:
    api = FakeAPI().start()
    try:
        yield api
    finally:
        api.stop()


def closed_port_url() -> str:
    """A 127.0.0.1 URL nobody listens on: connections are refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# --- reading what planscope sent ------------------------------------------------------------


def the_request(api: FakeAPI) -> dict[str, Any]:
    """The body of the only request the server received."""
    assert len(api.requests) == 1, f"expected one call, got {len(api.requests)}"
    seen = api.requests[0]
    assert seen.path == "/v1/messages"
    body: dict[str, Any] = seen.body
    return body


def user_message(body: dict[str, Any]) -> str:
    (msg,) = body["messages"]
    assert msg["role"] == "user"
    content = msg["content"]
    return content if isinstance(content, str) else "".join(b["text"] for b in content)


def system_text(body: dict[str, Any]) -> str:
    system = body["system"]
    return system if isinstance(system, str) else "".join(b["text"] for b in system)


def data_blocks(text: str) -> tuple[str, dict[str, str], str]:
    """(request id, {label: content} of its data blocks, the text outside the blocks)."""
    found = re.match(r"Request ([0-9a-f]{20})\.", text)
    assert found, text[:200]
    rid = found.group(1)
    pattern = re.compile(rf"<<<DATA {rid} (.*?)>>>\n(.*?)<<<END DATA {rid}>>>\n", re.S)
    blocks = {label: content for label, content in pattern.findall(text)}
    return rid, blocks, pattern.sub("", text)
