"""What planscope prints cannot act on its reader (checker/render/terminal.py, the CSV cells
of checker/render/stats.py), and what it asks the network or the file system for cannot
be turned against the user: doctor does not follow a redirect with the key, install does not
write into a hooks folder every repository shares, a slice of 110,000 files is judged in
time linear in its size."""

from __future__ import annotations

import csv
import http.server
import io
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from checker.render.terminal import safe
from tests.conftest import Repo

ESCAPES = "\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\x1b]0;owned\x07\x9b31m\r\u202e"
TABLES = "plans/awards.yaml#tables"


def inert(text: str) -> bool:
    """Nothing a terminal acts on: no C0 but newline and tab, no DEL, no C1, no bare CR, no
    direction override, no lone surrogate."""
    return safe(text) == text


def run(repo: Repo, *args: str, stdin: str | None = None, env: dict[str, str] | None = None,
        ) -> subprocess.CompletedProcess[bytes]:
    """planscope as a process whose stdout and stderr are strict UTF-8, as a terminal is."""
    return subprocess.run((sys.executable, "-m", "checker", *args), cwd=repo.path,
                          input=stdin.encode() if stdin is not None else None,
                          capture_output=True, check=False, timeout=120,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8:strict",
                               **(env or {})})


@pytest.fixture
def hostile(awards: Repo, remote: Path) -> Repo:
    """Commits whose subject, trailers, author, executor and file names carry escapes."""
    awards.write(".planscope.yaml", "on_drift: block\nrequire_plan: false\n")
    awards.commit("relax", plan="none")
    awards.git("push", "-q", "--no-verify", "origin", "main")
    name = f"app/views/x{ESCAPES.replace(chr(0x9b), '')}.py"
    awards.write(name, "x\n")
    awards.write("app/registry.py", "x\n")
    awards.git("add", "-A")
    message = (f"Subject {ESCAPES}\n\nPlan: {TABLES}\nExecutor: codex{ESCAPES}\n"
               f"Co-authored-by: Eve{ESCAPES} <e@x>")
    env = {"GIT_AUTHOR_NAME": f"Mallory{ESCAPES}"}
    subprocess.run(("git", "commit", "-q", "--no-verify", "-m", message), cwd=awards.path,
                   check=True, env={**os.environ, **env})
    raw = os.fsencode(awards.path) + b"/app/views/\xff\xfe.py"
    with open(raw, "wb") as fh:  # a name that is no UTF-8
        fh.write(b"x\n")
    awards.git("add", "-A")
    awards.git("commit", "-q", "--no-verify", "-m", f"Bytes\n\nPlan: {TABLES}")
    awards.write("plans/bad.yaml", f"version: 1\nid: bad\ntitle: t {ESCAPES}\n")
    return awards


@pytest.mark.parametrize("args", [
    ("trace", "--commit", "HEAD~1"), ("trace", "--commit", "HEAD"), ("status",),
    ("status", "plans/awards.yaml"), ("stats", "--by", "author"),
    ("stats", "--by", "executor"), ("validate",), ("doctor", "--offline"),
    ("check", "--range", "HEAD~2..HEAD"), ("check", "--commit", "HEAD"),
    ("check", "--range", "HEAD~2..HEAD", "--format", "json"),
    ("trace", "--commit", "HEAD", "--format", "json"), ("stats", "--format", "csv"),
])
def test_no_output_acts_on_the_terminal(hostile: Repo, args: tuple[str, ...]) -> None:
    r = run(hostile, *args)
    out, err = r.stdout.decode("utf-8"), r.stderr.decode("utf-8")  # strict: it must decode
    assert "Traceback" not in err, err
    assert inert(out) and inert(err), (args, out[:500], err[:500])
    if "--format" in args and "json" in args:
        json.loads(out)  # escaped the JSON way: still valid JSON


def test_pre_push_output_is_inert(hostile: Repo, remote: Path) -> None:
    line = f"refs/heads/main {hostile.head()} refs/heads/main {'0' * 40}\n"
    r = run(hostile, "hook", "pre-push", "origin", str(remote), stdin=line)
    assert inert(r.stderr.decode("utf-8")) and inert(r.stdout.decode("utf-8"))


def test_the_escape_is_said_not_done() -> None:
    assert safe("a\x1b[2Jb") == "a\\u001b[2Jb"
    assert safe("ok\r\nnext\rspoof") == "ok\r\nnext\\u000dspoof"
    assert safe("name\udcff") == "name\\udcff"
    assert safe("plain text, tabs\tand\nnewlines") == "plain text, tabs\tand\nnewlines"
    assert json.loads(json.dumps("\x9b") and safe(json.dumps("\x9b", ensure_ascii=False))) \
        == "\x9b"


@pytest.mark.parametrize("author", ["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)"])
def test_csv_cells_never_start_a_formula(awards: Repo, author: str) -> None:
    awards.write("db/migrations/0042_awards.sql", "x\n")
    awards.git("add", "-A")
    subprocess.run(("git", "commit", "-q", "--no-verify", "-m", f"t\n\nPlan: {TABLES}"),
                   cwd=awards.path, check=True, env={**os.environ, "GIT_AUTHOR_NAME": author})
    rows = list(csv.reader(io.StringIO(awards.planscope("stats", "--by", "author",
                                                        "--format", "csv").out)))
    cells = [row[0] for row in rows[1:]]
    assert all(c[:1] not in ("=", "+", "-", "@", "\t", "\r") for c in cells), cells
    assert f"'{author}" in cells


class _Redirect(http.server.BaseHTTPRequestHandler):
    target = ""

    def do_GET(self) -> None:
        self.send_response(302)
        self.send_header("Location", self.target + self.path)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


class _Record(http.server.BaseHTTPRequestHandler):
    keys: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.keys.append(self.headers.get("x-api-key", ""))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def redirecting() -> Iterator[tuple[str, list[str]]]:
    """A server on 127.0.0.1 that redirects every request to a second one, which records
    the API key it gets."""
    record = http.server.HTTPServer(("127.0.0.1", 0), _Record)
    _Record.keys = []
    _Redirect.target = f"http://127.0.0.1:{record.server_address[1]}"
    redirect = http.server.HTTPServer(("127.0.0.1", 0), _Redirect)
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (record, redirect)]
    for t in threads:
        t.start()
    yield f"http://127.0.0.1:{redirect.server_address[1]}", _Record.keys
    for server in (record, redirect):
        server.shutdown()
        server.server_close()


def test_doctor_never_follows_a_redirect_with_the_key(awards: Repo,
                                                     redirecting: tuple[str, list[str]]) -> None:
    base, keys = redirecting
    awards.write(".planscope.yaml", "on_drift: verify\n")
    r = awards.planscope("doctor", env={"ANTHROPIC_BASE_URL": base,
                                        "ANTHROPIC_API_KEY": "sk-ant-secret"})
    assert keys == []  # the second host never heard of the key
    assert "redirected (302)" in r.out and "not followed" in r.out


def test_install_refuses_a_hooks_folder_every_repository_shares(repo: Repo,
                                                                tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "hooks").mkdir(parents=True)
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    subprocess.run(("git", "config", "--global", "core.hooksPath", str(home / "hooks")),
                   check=True, env={**os.environ, **env})
    r = run(repo, "install", env=env)
    assert r.returncode == 2 and b"set in your global git config" in r.stderr
    assert list((home / "hooks").iterdir()) == []
    repo.git("config", "core.hooksPath", ".githooks")  # the repository's own: fine
    assert run(repo, "install", env=env).returncode == 0


def test_a_slice_of_110000_files_refuses_an_edit_in_linear_time(repo: Repo) -> None:
    names = [f"f{i:x}" for i in range(110_000)]
    repo.write(".planscope.yaml", "on_drift: block\n")
    repo.write("plans/big.yaml", "version: 1\nid: big\ntitle: Big\nstatus: approved\n"
               "slices:\n  - id: s\n    title: S\n    files:\n      modify: ["
               + ",".join(names) + "]\n")
    repo.commit("a big plan", plan="none")
    assert repo.planscope("use", "plans/big.yaml#s").code == 0
    payload = json.dumps({"hook_event_name": "PreToolUse", "tool_name": "Write",
                          "cwd": str(repo.path), "tool_input": {"file_path": "other.py"}})
    started = time.monotonic()
    r = repo.planscope("guard", stdin=payload)
    assert time.monotonic() - started < 60  # was more than a minute; now about a second
    assert r.code == 2 and "and 109988 more" in r.err
