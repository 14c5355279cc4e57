"""What a shell command an agent runs may write, read from its text: best effort, for the
gate's own files only (``checker.agents.gatepaths``).

Which files a shell command writes cannot be known from its text in general (a script, a
program, a variable). The guard reads the plain forms, and refuses those that reach the
gate; the commit hooks, ``planscope run`` and the pull request check catch the rest. Read:

- redirections: ``> F``, ``>> F``, ``>| F``, ``&> F``, ``N> F`` (and ``>F`` written together);
- the files of commands that write what they name: ``tee``, ``cp``/``mv``/``install``/``ln``
  (the last name, or ``-t DIR``), ``rm``, ``rmdir``, ``unlink``, ``shred``, ``touch``,
  ``truncate``, ``mkdir``, ``chmod``, ``chown``, ``sed -i``/``perl -i`` (every name),
  ``dd of=F``; after ``sudo``, ``env``, ``command``, ``exec``, ``nice``, ``timeout``,
  ``xargs``, ``nohup`` and variable assignments;
- ``sh -c``/``bash -c`` scripts, read the same way; an interpreter one-liner
  (``python -c``, ``node -e``, ``perl -e``, ``ruby -e``) that names a gate file;
- ways past the gate itself: ``git config`` that sets, ``git -c core.hooksPath=...``,
  ``git commit|push|merge|... --no-verify`` (``git commit -n``), ``planscope use`` and
  ``planscope uninstall``.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field

_SEPARATORS = frozenset({";", "&&", "||", "|", "&", "\n", "(", ")", "|&", ";;"})
_REDIRECTS = re.compile(r"^(?:\d*|&)(?:>>?|>\|)$")
_ATTACHED = re.compile(r"^(?:\d*|&)(?:>>?|>\|)(.+)$")
_PREFIXES = frozenset({"sudo", "env", "command", "exec", "nice", "timeout", "xargs", "nohup",
                       "builtin", "time", "doas"})
_VALUED = frozenset({"-u", "-g", "-C", "-h", "-p", "-n", "-k", "-s", "--signal", "--user",
                     "--group", "-U", "-E", "-I", "-L", "-P", "-d"})  # options before a value
_ALL_NAMES = frozenset({"tee", "rm", "rmdir", "unlink", "shred", "touch", "truncate", "mkdir",
                        "chmod", "chown", "chgrp"})
_LAST_NAME = frozenset({"cp", "mv", "install", "ln", "rsync"})
_IN_PLACE = frozenset({"sed", "perl", "gsed"})
_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh"})
_ONE_LINERS = {"python": "-c", "python3": "-c", "node": "-e", "perl": "-e", "ruby": "-e"}
_NO_VERIFY = frozenset({"commit", "push", "merge", "cherry-pick", "revert", "rebase", "am",
                        "pull"})
_CONFIG_WRITES = frozenset({"--unset", "--unset-all", "--add", "--replace-all", "--edit", "-e",
                            "--rename-section", "--remove-section"})
_READS_ONLY = frozenset({"--get", "--get-all", "--get-regexp", "--list", "-l", "--show-origin",
                         "--show-scope", "--get-urlmatch", "--get-color", "--get-colorbool"})


@dataclass
class Writes:
    """What a command writes, as far as its text says."""

    paths: list[str] = field(default_factory=list)  # as written (relative to the cwd)
    texts: list[str] = field(default_factory=list)  # one-liner code that may name files
    past_gate: list[str] = field(default_factory=list)  # why it would get past the gate
    dirs: list[str] = field(default_factory=list)  # folders a ``cd`` moves to


def writes(command: str, depth: int = 0) -> Writes:
    """The files ``command`` writes, as far as its plain forms say (see the module)."""
    out = Writes()
    for words in _simple_commands(command):
        _read_command(words, out, depth)
    return out


def _simple_commands(command: str) -> Iterator[list[str]]:
    """The simple commands of a shell text, split at ``;``, ``&&``, ``|``, newlines...
    Text shlex cannot split (an open quote) is split at blanks: a name too many is safe."""
    try:
        lexer = shlex.shlex(command, posix=True, punctuation_chars=";&|()<>")
        lexer.whitespace_split = True
        lexer.commenters = ""
        tokens = list(lexer)
    except ValueError:
        tokens = command.split()
    words: list[str] = []
    for token in tokens:
        if token in _SEPARATORS or set(token) <= set(";&|()"):
            if words:
                yield words
            words = []
        else:
            words.append(token)
    if words:
        yield words


def _read_command(words: list[str], out: Writes, depth: int) -> None:
    words = _command(_redirections(words, out))
    if not words:
        return
    name, args = os.path.basename(words[0]), words[1:]
    names = [a for a in args if not a.startswith("-")]
    out.paths += _files_written(name, args, names)
    if name in _SHELLS and depth < 3:
        script = next((args[i + 1] for i, a in enumerate(args[:-1])
                       if a.startswith("-") and "c" in a), None)
        if script is not None:
            inner = writes(script, depth + 1)
            out.paths += inner.paths
            out.texts += inner.texts
            out.past_gate += inner.past_gate
            out.dirs += inner.dirs
    elif name in _ONE_LINERS or name.startswith("python"):
        flag = _ONE_LINERS.get(name, "-c")
        out.texts += [args[i + 1] for i, a in enumerate(args[:-1]) if a == flag]
    elif name in ("cd", "pushd") and names:
        out.dirs.append(names[0])
    elif name == "git":
        _git(args, out)
    elif name == "planscope" and names[:1] in (["use"], ["uninstall"]):
        out.past_gate.append(f"`planscope {names[0]}` changes what the gate checks")


def _command(words: list[str]) -> list[str]:
    """The command and its arguments, without what runs it: variable assignments, ``sudo
    -u USER``, ``env A=b``, ``timeout 5``, ``nice -n 5`` and the like."""
    while words:
        head = os.path.basename(words[0])
        if re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
            words = words[1:]
        elif head in _PREFIXES:
            words = words[1:]
            while words and (words[0].startswith("-") or re.match(r"^[\d.]+[smhd]?$", words[0])
                             or re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0])):
                takes = words[0] in _VALUED and len(words) > 1
                words = words[2:] if takes else words[1:]
        else:
            return words
    return words


def _files_written(name: str, args: list[str], names: list[str]) -> list[str]:
    """The files a command that writes what it names writes."""
    if name in _ALL_NAMES:
        return names
    if name in _LAST_NAME:
        target = next((args[i + 1] for i, a in enumerate(args[:-1])
                       if a in ("-t", "--target-directory")), None)
        return [target] if target else names[-1:]
    if name in _IN_PLACE and any(a.startswith("-i") or a == "--in-place" for a in args):
        return names
    if name == "dd":
        return [a[3:] for a in args if a.startswith("of=")]
    return []


def _redirections(words: list[str], out: Writes) -> list[str]:
    """The words without their redirections; the files written to in ``out``."""
    kept: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        attached = _ATTACHED.match(word)
        if _REDIRECTS.match(word) and i + 1 < len(words):
            out.paths.append(words[i + 1])
            i += 2
            continue
        if word == ">" and i + 1 < len(words):  # punctuation split '2' and '>' apart
            out.paths.append(words[i + 1])
            i += 2
            continue
        if attached and not attached.group(1).startswith("&"):
            out.paths.append(attached.group(1))
        elif word != "<":
            kept.append(word)
        i += 1
    return [w for w in kept if w not in (">", ">>")]


def _git(args: list[str], out: Writes) -> None:
    i = 0
    while i < len(args) and args[i].startswith("-"):  # git's own options
        if args[i] == "-c" and i + 1 < len(args):
            if args[i + 1].lower().startswith(("core.hookspath", "core.hooksPath".lower())):
                out.past_gate.append("`git -c core.hooksPath=...` runs other hooks")
            i += 2
        elif args[i] in ("-C", "--git-dir", "--work-tree", "--namespace") and i + 1 < len(args):
            i += 2
        else:
            i += 1
    if i >= len(args):
        return
    sub, rest = args[i], args[i + 1:]
    values = [a for a in rest if not a.startswith("-")]
    if sub == "config" and (any(a in _CONFIG_WRITES for a in rest) or (
            not any(a in _READS_ONLY for a in rest) and len(values) >= 2)):
        out.past_gate.append("`git config` writes git's config, which holds the hooks path")
    elif sub in _NO_VERIFY and ("--no-verify" in rest or (sub == "commit" and any(
            a.startswith("-") and not a.startswith("--") and "n" in a[1:] for a in rest))):
        out.past_gate.append(f"`git {sub} --no-verify` skips planscope's hooks")
