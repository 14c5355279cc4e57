"""Words as bash reads them, for the guard's reading of shell commands
(``checker.agents.shellwrites``): ``$'...'`` and ``$"..."`` quoting, a leading tilde
(``~``, ``~+``, ``~0``, ``~user``), ``$PWD`` and ``$HOME``, variables the same command line
assigns, here-documents, and patterns matched against the files there."""

from __future__ import annotations

import glob
import os
import re
import shlex
from collections.abc import Mapping
from pathlib import Path

_ANSI_C = re.compile(r"\$'((?:[^'\\]|\\.)*)'|\$\"((?:[^\"\\]|\\.)*)\"", re.DOTALL)
_ESCAPES = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|U[0-9A-Fa-f]{1,8}|[0-7]{1,3}|"
                      r"c.|.)", re.DOTALL)
_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n",
                   "r": "\r", "t": "\t", "v": "\v"}
_GATE_WORDS = re.compile(r"\.git(?![\w.-])|hooks[/\\]|\.claude|\.codex|\.planscope|"
                         r"\.pre-commit|plans[/\\]|\$\{?[A-Za-z_]*(?:GIT|HOOK|PLAN)|rev-parse|"
                         r"git-dir|git-path|git-common-dir|\.local/state|seal-key",
                         re.IGNORECASE)
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
_HEREDOC = re.compile(r"<<(-?)[ \t]*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")


def expanded(word: str, cwd: str, home: str,
             variables: Mapping[str, str] | None = None) -> str | None:
    """``word`` as bash expands it before use: ``$PWD``, ``$HOME`` and the variables the
    command line assigns put in, a leading tilde expanded (``tilde``); None when the guard
    cannot follow it: the folder stack, or a variable or command substitution it does not
    know in a name that points at the gate (``.git``, ``hooks/``, ``git rev-parse``...)."""
    values = {**(variables or {}), "PWD": cwd, "HOME": home}
    word = _VARIABLE.sub(lambda found: values.get(found.group(1) or found.group(2),
                                                  found.group(0)), word)
    found = tilde(word, cwd, home)
    if found is None or (("$" in found or "`" in found) and _GATE_WORDS.search(found)):
        return None
    return found


def substitutions(command: str) -> tuple[str, list[str]]:
    """``command`` with each command substitution (``$(...)``, backquotes) kept as one
    quoted word, and the commands they run (read as scripts of their own)."""
    if "$(" not in command and "`" not in command:
        return command, []
    out: list[str] = []
    inner: list[str] = []
    i = 0
    while i < len(command):
        if command.startswith("$(", i):
            depth, j = 1, i + 2
            while j < len(command) and depth:
                depth += {"(": 1, ")": -1}.get(command[j], 0)
                j += 1
        elif command[i] == "`":
            end = command.find("`", i + 1)
            j = len(command) if end < 0 else end + 1
        else:
            out.append(command[i])
            i += 1
            continue
        word = command[i:j]
        inner.append(word[2:-1] if word.startswith("$(") else word[1:-1])
        out.append("'" + word.replace("'", "") + "'")
        i = j
    return "".join(out), inner


def heredocs(command: str) -> tuple[str, list[str]]:
    """``command`` without the bodies of its here-documents, and the bodies (what the
    command reading them gets on its input)."""
    if "<<" not in command:
        return command, []
    kept: list[str] = []
    bodies: list[str] = []
    lines = command.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        kept.append(line)
        i += 1
        for found in _HEREDOC.finditer(line.replace("<<<", "   ")):
            strip, end = found.group(1), found.group(3)
            body: list[str] = []
            while i < len(lines) and (lines[i].lstrip("\t") if strip else lines[i]) != end:
                body.append(lines[i])
                i += 1
            i += 1  # the delimiter line
            bodies.append("\n".join(body))
    return "\n".join(kept), bodies


def matches(word: str, base: Path | str) -> list[str]:
    """``word`` and, when it is a pattern (``* ? [``), the names it matches from ``base``:
    bash keeps a pattern that matches nothing as it is."""
    if not any(c in word for c in "*?["):
        return [word]
    return [word, *sorted(glob.glob(os.path.join(base, word)))]


def tilde(word: str, cwd: str, home: str) -> str | None:
    """``word`` with a leading tilde expanded as bash does: ``~`` and ``~/`` the home, ``~+``
    and ``~0`` the current folder, ``~user`` that user's home; None for the directory stack
    (``~-``, ``~N``), which the guard cannot follow."""
    if not word.startswith("~"):
        return word
    head, sep, rest = word[1:].partition("/")
    if head == "":
        base = home
    elif head in ("+", "0", "+0"):
        base = cwd
    elif re.fullmatch(r"[+-]?\d*", head):
        return None
    else:
        found = os.path.expanduser("~" + head)
        if found.startswith("~"):
            return word  # no such user: bash keeps the word as it is
        base = found
    return os.path.join(base, rest) if sep else base


def bash_quotes(command: str) -> str:
    """``command`` with bash's ``$'...'`` (C escapes) and ``$"..."`` (locale) quoting turned
    into plain quoting that shlex reads."""
    def plain(found: re.Match[str]) -> str:
        if found.group(1) is None:
            return '"' + found.group(2) + '"'
        return shlex.quote(_ESCAPES.sub(_escape, found.group(1)))
    return _ANSI_C.sub(plain, command) if "$" in command else command


def _escape(found: re.Match[str]) -> str:
    code = found.group(1)
    if code[0] in "xuU" and len(code) > 1:
        return chr(min(int(code[1:], 16), 0x10FFFF))
    if code[0] in "01234567":
        return chr(int(code, 8) & 0xFF)
    if code[0] == "c" and len(code) == 2:
        return chr(ord(code[1]) & 0x1F)
    return _SIMPLE_ESCAPES.get(code, code)


