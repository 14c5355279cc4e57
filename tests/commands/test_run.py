"""``planscope run``: any executor with the slice active, the work tree watched, a watchdog
(checker/commands/run.py, checker/relay.py, checker/watch.py). Executors are real processes:
shell scripts and Python one-liners; the terminal is a real pseudo-terminal."""

from __future__ import annotations

import os
import pty
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Repo, Run

TABLES = "plans/awards.yaml#tables"
PATIENCE_S = 60.0  # how long a test waits for what must happen: wide, never a measurement
linux = pytest.mark.skipif(not Path("/proc/self/stat").is_file(),
                           reason="the watchdog reads process state from Linux /proc")


def script(repo: Repo, body: str) -> str:
    """An executor: a shell script outside the work tree (it is not a change)."""
    path = repo.path.parent / f"executor-{time.monotonic_ns()}.sh"
    path.write_text("#!/bin/sh\nset -e\n" + body)
    path.chmod(0o755)
    return str(path)


def run(repo: Repo, *args: str) -> Run:
    """planscope run as a process with no terminal (stdin /dev/null, output to pipes)."""
    proc = subprocess.run((sys.executable, "-m", "checker", "run", *args), cwd=repo.path,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=PATIENCE_S * 2)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def alive_in_group(pgid: int) -> list[int]:
    """The processes of a group that still run (a killed one may linger as a zombie until
    whoever adopted it reaps it: that one runs nothing)."""
    found = []
    for name in os.listdir("/proc"):
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()
        if name.isdigit() and int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            found.append(int(name))
    return found


@linux
def test_an_executor_that_touches_a_forbidden_file_is_stopped(awards: Repo) -> None:
    marks = awards.path.parent / "marks"
    exe = script(awards, f"""
echo $$ > {marks}.pgid
mkdir -p db/migrations
echo "-- awards" > db/migrations/0042_awards.sql
sleep 1
date +%s.%N > {marks}.edit
echo "# tidy" >> app/auth/session.py
sleep 120 &
sleep 120
""")
    started = time.monotonic()
    r = run(awards, TABLES, "--", exe)
    took = time.monotonic() - started
    assert r.code == 1, r.err
    lines = r.err.splitlines()
    assert ("planscope: app/auth/session.py changed: forbidden by 'app/auth/**' (forbid of "
            "plans/awards.yaml)") in lines
    assert ("planscope: stopping the executor (--stop-on forbidden): app/auth/session.py is "
            "forbidden") in lines
    assert took < PATIENCE_S  # stopped, not waited for (the script sleeps 120 s)
    assert alive_in_group(int(Path(f"{marks}.pgid").read_text())) == []  # the & sleep too
    assert ("planscope: FAIL: the run's changes against plans/awards.yaml#tables (from "
            "planscope run): 1 in scope, 0 drift, 1 forbidden") in r.out
    assert "forbidden  app/auth/session.py (M)" in r.out


def test_a_run_inside_the_slice_checks_what_it_changed_and_committed(awards: Repo) -> None:
    awards.write("notes.txt", "changed before the run: not the run's\n")
    exe = script(awards, """
test "$PLANSCOPE_PLAN" = plans/awards.yaml#tables
grep -q 'Plan: plans/awards.yaml#tables' "$PLANSCOPE_BRIEF"
case "$PLANSCOPE_EXECUTOR" in *.sh) ;; *) exit 9 ;; esac
mkdir -p db/migrations tests
echo "CREATE TABLE awards (id int);" > db/migrations/0042_awards.sql
git add db/migrations/0042_awards.sql
git commit -q --no-verify -m "Awards table" -m "Plan: plans/awards.yaml#tables"
echo "# awards" >> app/models/__init__.py
echo "def test_awards(): pass" > tests/test_awards_migration.py
echo done
""")
    r = run(awards, TABLES, "--", exe)
    assert r.code == 0, r.out + r.err
    assert "done\n" in r.out
    assert "planscope: ok: commit " in r.out and ("'Awards table' against plans/awards.yaml#"
                                                   "tables (from planscope run): 1 in scope")
    assert ("planscope: ok: the run's uncommitted changes against plans/awards.yaml#tables "
            "(from planscope run): 2 in scope, 0 drift, 0 forbidden") in r.out
    assert "notes.txt" not in r.out + r.err
    assert "changed:" not in r.err


def test_drift_is_named_at_once_and_stops_the_executor_only_when_asked(awards: Repo) -> None:
    body = "echo x > app/views/home.py\nsleep 2\n"
    r = run(awards, TABLES, "--", script(awards, body))
    assert r.code == 1  # on_drift: block
    assert "planscope: app/views/home.py changed: outside the slice (drift)" in r.err
    assert "stopping" not in r.err
    assert "drift      app/views/home.py (A)" in r.out
    awards.git("clean", "-qfd", "app/views")
    r = run(awards, TABLES, "--stop-on", "drift", "--", script(awards, body + "sleep 120\n"))
    assert r.code == 1
    assert ("planscope: stopping the executor (--stop-on drift): app/views/home.py is outside "
            "the slice") in r.err
    awards.git("clean", "-qfd", "app/views")
    r = run(awards, TABLES, "--stop-on", "never", "--",
            script(awards, "echo x >> app/auth/session.py\nsleep 1\n"))
    assert r.code == 1 and "stopping" not in r.err and "forbidden by 'app/auth/**'" in r.err


def test_the_executors_failure_is_its_exit_code(awards: Repo) -> None:
    exe = script(awards, "mkdir -p db/migrations\necho a > db/migrations/x.sql\nexit 7\n")
    r = run(awards, TABLES, "--", exe)
    assert r.code == 7
    assert "planscope: the executor failed (exit 7); its exit code is kept" in r.err


def test_bad_uses(awards: Repo) -> None:
    r = run(awards, TABLES)
    assert r.code == 2 and "needs the command to run after '--'" in r.err
    r = run(awards, TABLES, "--", str(awards.path / "no-such-executor"))
    assert r.code == 2 and "cannot run" in r.err and "Traceback" not in r.err
    r = run(awards, "plans/awards.yaml#nope", "--", "true")
    assert r.code == 2 and "nope" in r.err
    r = run(awards, TABLES, "--quiet-after", "0", "--", "true")
    assert r.code == 2


# -- the watchdog ------------------------------------------------------------------------


def quiet_lines(r: Run) -> list[str]:
    return [line for line in r.err.splitlines() if "no output for" in line]


@linux
def test_watchdog_sleeping(awards: Repo) -> None:
    r = run(awards, TABLES, "--quiet-after", "1", "--", "sleep", "4")
    assert r.code == 0, r.err
    assert "planscope: no output for 1 s; sleeping" in quiet_lines(r)


@linux
def test_watchdog_busy(awards: Repo) -> None:
    busy = "import time\nend = time.time() + 4\nwhile time.time() < end: pass\n"
    r = run(awards, TABLES, "--quiet-after", "1", "--", sys.executable, "-c", busy)
    assert r.code == 0, r.err
    assert any(line.startswith("planscope: no output for 1 s; using CPU (running: python")
               for line in quiet_lines(r)), r.err


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server on 127.0.0.1 that accepts and says nothing for 6 s, then hangs up."""
    server = socket.create_server(("127.0.0.1", 0))
    done = threading.Event()

    def serve() -> None:
        conn, _ = server.accept()
        done.wait(6)
        conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        done.set()
        server.close()
        thread.join(PATIENCE_S)


@linux
def test_watchdog_network(awards: Repo, silent_server: int) -> None:
    client = (f"import socket\ns = socket.create_connection(('127.0.0.1', {silent_server}))\n"
              "s.recv(1)\n")
    r = run(awards, TABLES, "--quiet-after", "1", "--", sys.executable, "-c", client)
    assert r.code == 0, r.err
    assert (f"planscope: no output for 1 s; waiting on a network reply from "
            f"127.0.0.1:{silent_server}") in quiet_lines(r), r.err


def on_a_terminal(repo: Repo, args: list[str], answer_when: str, answer: bytes) -> Run:
    """planscope run with a pseudo-terminal as stdin, stdout and stderr (as a person runs
    it); when ``answer_when`` shows on the terminal, ``answer`` is typed."""
    master, slave = pty.openpty()
    proc = subprocess.Popen((sys.executable, "-m", "checker", "run", *args), cwd=repo.path,
                            stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    shown, answered = b"", False
    deadline = time.monotonic() + PATIENCE_S
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # EIO: everything that had the terminal open has ended
                    break
                if not chunk:
                    break
                shown += chunk
            if not answered and answer_when.encode() in shown:
                os.write(master, answer)
                answered = True
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(PATIENCE_S)
        os.close(master)
    return Run(proc.returncode, shown.decode("utf-8", "replace").replace("\r\n", "\n"), "")


@linux
def test_watchdog_waiting_for_input_through_the_terminal(awards: Repo) -> None:
    asks = "import sys\nprint('proceed? ', end='', flush=True)\nprint('got', input())\n"
    said = "no output for 1 s; waiting for input on the terminal: it may be asking you something"
    r = on_a_terminal(awards, [TABLES, "--quiet-after", "1", "--", sys.executable, "-c", asks],
                      said, b"yes\r")
    assert r.code == 0, r.out
    assert "proceed? " in r.out
    assert f"planscope: {said}" in r.out
    assert "got yes" in r.out  # the key presses went through to the executor


# -- what an adversarial executor tried ----------------------------------------------------


@linux
def test_what_the_executor_leaves_running_is_ended(awards: Repo) -> None:
    """A background job that outlives the executor, and one that left the process group
    with setsid: both ended when the executor ends, before they can change anything."""
    late = awards.path / "app/auth/session.py"
    exe = script(awards, f"""
( sleep 3; echo "# late" >> {late} ) &
setsid sh -c 'while true; do sleep 1; echo "# loop" >> {late}; done' &
exit 0
""")
    r = run(awards, TABLES, "--", exe)
    assert r.code == 0, r.err
    assert "planscope: ended " in r.err and "process(es) the executor left running" in r.err
    before = late.read_text()
    time.sleep(4)
    assert late.read_text() == before == "# auth\n"


def test_the_run_is_judged_by_the_plan_it_started_with(awards: Repo) -> None:
    exe = script(awards, """
sed -i 's|forbid: \\[app/auth/\\*\\*, "\\*\\*/\\*.pem"\\]|forbid: []|' plans/awards.yaml
sed -i 's|allow: \\[tests|allow: [app/views/**, tests|' plans/awards.yaml
grep -q 'forbid: \\[\\]' plans/awards.yaml
sleep 1
mkdir -p app/views && echo x > app/views/new.py
echo "# tidied" >> app/auth/session.py
sleep 120
""")
    r = run(awards, TABLES, "--", exe)
    assert r.code == 1
    assert "app/auth/session.py changed: forbidden by 'app/auth/**'" in r.err
    assert ("planscope: plans/awards.yaml changed during the run: the run is judged by it as "
            "it was when the run started") in r.err
    assert "drift      app/views/new.py (A)" in r.out
    assert "drift      plans/awards.yaml (M)" in r.out


def test_an_edit_hidden_from_git_status_is_judged(awards: Repo) -> None:
    exe = script(awards, """
git update-index --assume-unchanged app/auth/session.py
echo "# hidden" >> app/auth/session.py
""")
    r = run(awards, TABLES, "--", exe)
    assert r.code == 1, r.out + r.err
    assert "forbidden  app/auth/session.py (M)" in r.out


def test_a_closed_pipe_keeps_the_exit_code(awards: Repo) -> None:
    exe = script(awards, "seq 1 200000\nexit 3\n")
    proc = subprocess.run(f"{sys.executable} -m checker run {TABLES} -- {exe} < /dev/null "
                          f"| head -c 100 > /dev/null; echo ${{PIPESTATUS[0]}}",
                          shell=True, executable="/bin/bash", cwd=awards.path,
                          capture_output=True, text=True, timeout=PATIENCE_S * 2)
    assert proc.stdout.strip() == "3", proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr


@pytest.mark.parametrize("value", ["nan", "inf", "0.001", "-1"])
def test_quiet_after_must_be_a_sensible_number(awards: Repo, value: str) -> None:
    r = run(awards, TABLES, "--quiet-after", value, "--", "true")
    assert r.code == 2 and "--quiet-after" in r.err
    assert "running" not in r.err  # refused before anything runs


@linux
def test_watchdog_waiting_on_a_stdin_pipe(awards: Repo) -> None:
    """The pipe stays open until the line is seen (no race with the clock: a slow start
    only makes the test wait longer), then closes and the executor ends."""
    proc = subprocess.Popen((sys.executable, "-m", "checker", "run", TABLES, "--quiet-after",
                             "1", "--", "sh", "-c", "read x"), cwd=awards.path,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdin is not None and proc.stderr is not None
    said: list[str] = []
    seen = threading.Event()
    wanted = ("planscope: no output for 1 s; waiting for input on its stdin (a pipe): it "
              "reads what is piped to it")

    def read(stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            said.append(line)
            if wanted in line:
                seen.set()

    reader = threading.Thread(target=read, args=(proc.stderr,), daemon=True)
    reader.start()
    try:
        assert seen.wait(PATIENCE_S * 2), "".join(said)
    finally:
        proc.stdin.write("the line it waits for\n")
        proc.stdin.close()
        proc.wait(timeout=PATIENCE_S)
        reader.join(timeout=PATIENCE_S)
    assert proc.returncode == 0, "".join(said)


def test_a_forbidden_commit_undone_during_the_run_is_still_judged(awards: Repo) -> None:
    exe = script(awards, """
echo "# evil" >> app/auth/session.py
git commit -qam evil --no-verify
git revert --no-edit HEAD >/dev/null
""")
    r = run(awards, TABLES, "--", exe)
    assert r.code == 1, r.out + r.err
    assert "'evil' against plans/awards.yaml#tables (from planscope run): 0 in scope, 0 drift, " \
           "1 forbidden" in r.out


def test_a_commit_made_on_another_ref_during_the_run_is_judged(awards: Repo) -> None:
    """The executor commits on a branch of its own and returns to the first: the run still
    sees that commit (and one tagged then left)."""
    exe = script(awards, """
git switch -qc elsewhere
echo "# evil" >> app/auth/session.py
git commit -qam "on another branch" --no-verify
git switch -q -
git switch -q --detach
echo "# more" >> app/views/home.py
git add -A
git commit -qm "tagged and left" --no-verify
git tag left
git switch -q -
""")
    r = run(awards, TABLES, "--", exe)
    assert r.code == 1, r.out + r.err
    assert "'on another branch' against plans/awards.yaml#tables" in r.out
    assert "1 forbidden" in r.out and "'tagged and left'" in r.out


def test_git_config_cannot_blind_the_run(awards: Repo) -> None:
    """An executor that tells git to trust file sizes only and restores the file's time, or
    installs an fsmonitor hook of its own: planscope's git calls do not listen."""
    hook = awards.path.parent / "fsmonitor.sh"
    hook.write_text(f"#!/bin/sh\ntouch {awards.path.parent}/fsmonitor-ran\nexit 1\n")
    hook.chmod(0o755)
    exe = script(awards, f"""
git config core.checkStat minimal
git config core.trustctime false
git config core.fsmonitor {hook}
touch -r app/auth/session.py {awards.path.parent}/ref
printf '# AUTH\\n' > app/auth/session.py
touch -r {awards.path.parent}/ref app/auth/session.py
""")
    r = run(awards, TABLES, "--", exe)
    assert r.code == 1, r.out + r.err
    assert "forbidden  app/auth/session.py (M)" in r.out
    assert not (awards.path.parent / "fsmonitor-ran").exists()


@linux
def test_a_process_that_keeps_changing_pid_is_ended(awards: Repo) -> None:
    hop = awards.path.parent / "hop.py"
    hop.write_text(f"""import os, signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
if os.fork():
    os._exit(0)
end = time.time() + 30
while time.time() < end:
    if os.fork():
        os._exit(0)
    time.sleep(0.01)
open({str(awards.path / "app/auth/session.py")!r}, "a").write("# survived\\n")
""")
    r = run(awards, TABLES, "--", sys.executable, str(hop))
    assert r.code == 0, r.err
    assert "process(es) the executor left running" in r.err
    time.sleep(2)
    assert (awards.path / "app/auth/session.py").read_text() == "# auth\n"
