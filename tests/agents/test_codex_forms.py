"""The guard reads a Codex patch as Codex does (checker/agents/hookinput.py).

A table of the forms Codex's own apply-patch tests exercise (its parser tests, scenario
fixtures and invocation tests), written here as cases of our own: for each, the files Codex
writes and where; the guard must read every one of those names, relative to the same
folder, and, for the forms Codex follows, refuse nothing when all of them are in scope.
Codex splits a patch at ``\\n`` only, trims a header line with Rust's notion of white space,
keeps a move's destination untrimmed, and for a shell call joins its argv into the hook's
``command`` string (``bash -lc '...'``).
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.agents.hookinput import parse_input, patch_names, unwrapped
from tests.agents.test_gatepaths import wide  # noqa: F401 - the fixture
from tests.conftest import Repo

BEGIN, END = "*** Begin Patch", "*** End Patch"


def patch(*lines: str) -> str:
    return "\n".join((BEGIN, *lines, END)) + "\n"


def heredoc(command: str, body: str, word: str = "EOF", quote: str = "'") -> str:
    return f"{command} <<{quote}{word}{quote}\n{body}{word}"


ADD = patch("*** Add File: foo", "+hi")

# (what the case is, the patch text, the names Codex writes)
PATCHES: list[tuple[str, str, list[str]]] = [
    ("one added file", patch("*** Add File: bar.md", "+line"), ["bar.md"]),
    ("add, delete, update", patch("*** Add File: nested/new.txt", "+x",
                                  "*** Delete File: delete.txt", "*** Update File: modify.txt",
                                  "@@", "-a", "+b"),
     ["nested/new.txt", "delete.txt", "modify.txt"]),
    ("two chunks of one file", patch("*** Update File: multi.txt", "@@", "-a", "+b", "@@ ctx",
                                     "-c", "+d"), ["multi.txt"]),
    ("update and move", patch("*** Update File: old/name.txt",
                              "*** Move to: renamed/dir/name.txt", "@@", "-a", "+b"),
     ["old/name.txt", "renamed/dir/name.txt"]),
    ("first chunk without @@", patch("*** Update File: file2.py", " import foo", "+bar"),
     ["file2.py"]),
    ("update, then add", patch("*** Update File: file.py", "@@", "+line",
                               "*** Add File: other.py", "+content"),
     ["file.py", "other.py"]),
    ("an empty added file", patch("*** Add File: empty.txt"), ["empty.txt"]),
    ("an indented header", patch("  *** Update File: foo.txt", "@@", "-a", "+b"),
     ["foo.txt"]),
    ("padded markers", f" {BEGIN} \n*** Update File: file.txt\n@@\n-a\n+b\n {END} \n",
     ["file.txt"]),
    ("CRLF lines", "\r\n".join((BEGIN, "*** Add File: a.txt", "+x", END)) + "\r\n",
     ["a.txt"]),
    ("trailing blanks after a name", patch("*** Update File: src/x.py   ", "@@", "-a", "+b"),
     ["src/x.py"]),
    ("a name with spaces", patch("*** Add File: my dir/my file.txt", "+x"),
     ["my dir/my file.txt"]),
    ("two spaces after the colon", patch("*** Add File:  x", "+x"), [" x"]),
    ("a move keeps its trailing blanks", patch("*** Update File: a", "*** Move to: b.txt  ",
                                              "@@", "-x", "+y"), ["a", "b.txt  "]),
    ("no-break space as indent", patch("\u00a0*** Add File: nb.txt", "+x"), ["nb.txt"]),
    ("ideographic space as indent", patch("\u3000*** Add File: ideo.txt", "+x"),
     ["ideo.txt"]),
    ("U+2028 inside a name", patch("*** Add File: a\u2028b.txt", "+x"), ["a\u2028b.txt"]),
    ("U+0085 inside a name", patch("*** Add File: x\x85.pem", "+x"), ["x\x85.pem"]),
    ("a lone CR inside a name", patch("*** Add File: a\rb", "+x"), ["a\rb"]),
    ("vertical tab and form feed", patch("*** Add File: v\x0bf\x0c.txt", "+x"),
     ["v\x0bf\x0c.txt"]),
    ("quotes are part of a name", patch('*** Add File: "x.txt"', "+x"), ['"x.txt"']),
    ("absolute names", patch("*** Delete File: /abs/gone.py", "*** Add File: rel.py", "+x"),
     ["/abs/gone.py", "rel.py"]),
    ("a delete", patch("*** Delete File: obsolete.txt"), ["obsolete.txt"]),
    ("end of file marker", patch("*** Update File: tail.txt", "@@", "-a", "+b",
                                 "*** End of File"), ["tail.txt"]),
    ("unicode content", patch("*** Update File: foo.txt", "@@", "-ä", "+ö"), ["foo.txt"]),
    ("heredoc wrapper inside the patch", "<<'EOF'\n" + patch("*** Update File: file2.py",
                                                            " import foo", "+bar") + "EOF\n",
     ["file2.py"]),
    ("dot-dot in a name", patch("*** Add File: a/../../x", "+x"), ["a/../../x"]),
]


@pytest.mark.parametrize(("case", "text", "codex"), PATCHES, ids=[c[0] for c in PATCHES])
def test_the_names_codex_reads_are_read(case: str, text: str, codex: list[str]) -> None:
    found = patch_names(text)
    assert [n for n in codex if n not in found] == [], (case, found)
    assert len(found) <= 2 * len(codex)  # a name read two ways at most


HERE = "/work/tree"
# (what the case is, the command string a hook gets for a shell call, where Codex applies it)
SHELL: list[tuple[str, str, str]] = [
    ("heredoc", heredoc("apply_patch", ADD), HERE),
    ("applypatch alias", heredoc("applypatch", ADD), HERE),
    ("unquoted delimiter", heredoc("apply_patch", ADD, quote=""), HERE),
    ("double-quoted delimiter", heredoc("apply_patch", ADD, "PATCH", '"'), HERE),
    ("bash -lc", shlex.join(["bash", "-lc", heredoc("apply_patch", ADD, "PATCH")]), HERE),
    ("bash -c", shlex.join(["bash", "-c", heredoc("apply_patch", ADD)]), HERE),
    ("zsh -lc", shlex.join(["zsh", "-lc", heredoc("apply_patch", ADD)]), HERE),
    ("/bin/sh -c", shlex.join(["/bin/sh", "-c", heredoc("apply_patch", ADD)]), HERE),
    ("leading cd", "cd foo && " + heredoc("apply_patch", ADD), f"{HERE}/foo"),
    ("cd with single quotes", "cd 'foo bar' && " + heredoc("apply_patch", ADD),
     f"{HERE}/foo bar"),
    ("cd with double quotes", 'cd "foo bar" && ' + heredoc("apply_patch", ADD),
     f"{HERE}/foo bar"),
    ("absolute cd", "cd /elsewhere && " + heredoc("apply_patch", ADD), "/elsewhere"),
    ("bash -lc with a cd", shlex.join(["bash", "-lc", "cd foo && " + heredoc(
        "apply_patch", ADD, "PATCH")]), f"{HERE}/foo"),
    ("powershell -Command", shlex.join(["powershell.exe", "-Command", heredoc(
        "apply_patch", ADD)]), HERE),
    ("powershell -NoProfile", shlex.join(["powershell.exe", "-NoProfile", "-Command", heredoc(
        "apply_patch", ADD)]), HERE),
    ("pwsh", shlex.join(["pwsh", "-NoProfile", "-Command", heredoc("apply_patch", ADD)]),
     HERE),
    ("cmd /c with a cd", shlex.join(["cmd.exe", "/c", "cd foo && " + heredoc(
        "apply_patch", ADD, "PATCH")]), f"{HERE}/foo"),
    ("argv form", shlex.join(["apply_patch", ADD]), HERE),
    ("argv form, alias", shlex.join(["applypatch", ADD]), HERE),
    ("a heredoc inside the argv patch", shlex.join(["apply_patch", "<<'EOF'\n" + ADD + "EOF\n"]),
     HERE),
    ("snapshot wrapper", shlex.join(["/bin/bash", "-c", '. "$0" && exec "$@"', "/tmp/snap.sh",
                                     "bash", "-lc", heredoc("apply_patch", ADD)]), HERE),
    ("newer snapshot wrapper", shlex.join(["/bin/zsh", "-c", "if . '/tmp/snap.sh' >/dev/null "
                                           "2>&1; then :; fi\n\nexec " + shlex.join(
                                               ["/bin/bash", "-c", "cd foo && " + heredoc(
                                                   "apply_patch", ADD)])]), f"{HERE}/foo"),
    ("nested bash (run by the real binary)", shlex.join(["bash", "-lc", shlex.join(
        ["bash", "-lc", heredoc("apply_patch", ADD)])]), HERE),
]


def hook(command: str, cwd: str = HERE) -> bytes:
    return json.dumps({"hook_event_name": "PreToolUse", "tool_name": "Bash", "cwd": cwd,
                       "tool_input": {"command": command}}).encode()


@pytest.mark.parametrize(("case", "command", "folder"), SHELL, ids=[c[0] for c in SHELL])
def test_shell_forms_are_read_where_codex_applies_them(case: str, command: str,
                                                       folder: str) -> None:
    call = parse_input(hook(command), Path(HERE))
    assert call.refusal == "", case
    assert [str(Path(HERE) / n) for n in call.names] == [f"{folder}/foo"], case


def test_unwrapping_leaves_plain_scripts_alone() -> None:
    for script in ("apply_patch <<'EOF'\n" + ADD + "EOF", "echo it's fine", "bash"):
        assert unwrapped(script) == script
    assert unwrapped("bash -lc 'echo hi'") == "echo hi"
    assert unwrapped("bash -lc 'unbalanced") == "bash -lc 'unbalanced"


@pytest.mark.parametrize(("case", "command", "folder"), [
    c for c in SHELL if not c[2].startswith("/elsewhere")], ids=[
    c[0] for c in SHELL if not c[2].startswith("/elsewhere")])
def test_no_false_refusal_for_a_form_codex_follows(wide: Repo, case: str,  # noqa: F811
                                                   command: str, folder: str) -> None:
    """With every path in scope, no form Codex follows is refused."""
    (wide.path / "foo").mkdir(exist_ok=True)
    (wide.path / "foo bar").mkdir(exist_ok=True)
    r = wide.planscope("guard", stdin=hook(command, str(wide.path)).decode())
    assert r.code == 0, (case, r.err)


# --- a property: against a reference reader written from Codex's rules --------------------

RUST_WS = ("\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
           "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def codex_reads(text: str) -> list[str] | None:
    """The files Codex's parser takes from a patch (its rules in our words: split at \\n,
    Rust's trim, exact markers, a move right after its update, untrimmed); None when Codex
    rejects the patch (then nothing is written)."""
    lines = text.replace("\r\n", "\n").strip(RUST_WS).split("\n")
    if len(lines) < 2 or lines[0].strip(RUST_WS) != BEGIN or lines[-1].strip(RUST_WS) != END:
        return None
    body, names, i = lines[1:-1], [], 0
    while i < len(body):
        head = body[i].strip(RUST_WS)
        marker = next((m for m in ("*** Add File: ", "*** Delete File: ", "*** Update File: ")
                       if head.startswith(m)), None)
        if marker is None:
            return None
        names.append(head[len(marker):])
        i += 1
        if marker == "*** Add File: ":
            while i < len(body) and body[i].startswith("+"):
                i += 1
        elif marker == "*** Update File: ":
            i = _update(body, i, names)
            if i < 0:
                return None
    return [n for n in names if n]


def _update(body: list[str], i: int, names: list[str]) -> int:
    """Past an update's move line and chunks; -1 when Codex rejects them."""
    if i < len(body) and body[i].rstrip("\r").startswith("*** Move to: "):
        names.append(body[i].rstrip("\r")[len("*** Move to: "):])
        i += 1
    chunks = 0
    while i < len(body) and not body[i].startswith("*"):
        if body[i].strip(RUST_WS) and body[i][:1] not in (" ", "+", "-", "@"):
            return -1
        chunks += 1
        i += 1
    return i if chunks else -1


NAME_CHARS = "ab./_- \t\x85\u2028\u3000\xa0\x1c\x1f\r\x0b\"'~"


@given(st.lists(st.tuples(st.sampled_from(["Add", "Delete", "Update", "Move"]),
                          st.text(NAME_CHARS, min_size=1, max_size=8),
                          st.text(" \t\u3000\xa0", max_size=2)), min_size=1, max_size=5))
@settings(max_examples=300, deadline=None)
def test_every_name_codex_reads_is_read(ops: list[tuple[str, str, str]]) -> None:
    lines = []
    for op, name, indent in ops:
        if op == "Move":
            lines += [f"*** Update File: {name}", f"*** Move to: {name}x", "@@", "-a", "+b"]
        elif op == "Update":
            lines += [f"{indent}*** Update File: {name}", "@@", "-a", "+b"]
        else:
            lines += [f"{indent}*** {op} File: {name}"] + (["+x"] if op == "Add" else [])
    text = patch(*lines)
    codex = codex_reads(text)
    if codex is None:  # Codex writes nothing: there is nothing to judge
        return
    found = patch_names(text)
    assert [n for n in codex if n not in found] == []
