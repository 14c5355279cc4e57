"""What a shell command an agent runs may write, read from its text: best effort, for the
gate's own files only (``checker.agents.gatepaths``).

Which files a shell command writes cannot be known from its text in general (a script, a
program, a variable). The guard reads the plain forms, and refuses those that reach the
gate; the commit hooks, ``planscope run`` and the pull request check catch the rest. Read:

- redirections: ``> F``, ``>> F``, ``>| F``, ``&> F``, ``>& F``, ``N> F`` (and ``>F``
  written together);
- the files of commands that write what they name: ``tee``, ``cp``/``mv``/``install``
  (the last name, or ``-t DIR``, ``--target-directory=DIR``), ``ln`` (every name: a hard
  link makes the source writable under another name), ``rm``, ``rmdir``, ``unlink``,
  ``shred``, ``touch``, ``truncate``, ``mkdir``, ``chmod``, ``chown``, ``sed``/``perl`` in
  place (``-i``, ``-Ei``, ``-ni``, ``--in-place=SUFFIX``: every name), ``dd of=F``; after
  ``sudo``, ``env``, ``command``, ``exec``, ``nice``, ``timeout``, ``xargs``, ``nohup`` and
  variable assignments;
- words as bash reads them: ``$'...'`` and ``$"..."`` quoting; ``~``, ``~+``, ``~0``
  (``tilde``); names with ``* ? [`` are expanded by the guard where it judges them;
- ``sh -c``/``bash -c`` scripts (options before ``-c`` too) and ``env -S``, read the same
  way; ``find ... -delete|-exec`` (the folders searched); an interpreter one-liner
  (``python -c``, ``node -e``, ``perl -e``, ``ruby -e``, an ``awk`` program) that names a
  gate file;
- ways past the gate itself: ``git config`` that sets, ``git -c core.hooksPath=...`` and
  ``--config-env``, ``GIT_CONFIG_*`` variables, ``git commit|push|merge|... --no-verify``
  (any abbreviation git accepts, ``git commit -n``), ``planscope use`` and ``planscope
  uninstall`` (also as ``python -m checker``).
"""

from __future__ import annotations

import glob
import os
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

_SEPARATORS = frozenset({";", "&&", "||", "|", "&", "\n", "(", ")", "|&", ";;"})
_REDIRECTS = re.compile(r"^(?:\d*|&)(?:>>?|>\|)$")
_ATTACHED = re.compile(r"^(?:\d*|&)(?:>>?|>\|)(.+)$")
_PREFIXES = frozenset({"sudo", "env", "command", "exec", "nice", "timeout", "xargs", "nohup",
                       "builtin", "time", "doas"})
_VALUED = frozenset({"-u", "-g", "-C", "-h", "-p", "-n", "-k", "-s", "--signal", "--user",
                     "--group", "-U", "-E", "-I", "-L", "-P", "-d"})  # options before a value
_ALL_NAMES = frozenset({"tee", "rm", "rmdir", "unlink", "shred", "touch", "truncate", "mkdir",
                        "chmod", "chown", "chgrp", "ln"})
_LAST_NAME = frozenset({"cp", "mv", "install", "rsync"})
_IN_PLACE = frozenset({"sed", "perl", "gsed"})
_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh"})
_ONE_LINERS = {"python": "-c", "python3": "-c", "node": "-e", "perl": "-e", "ruby": "-e"}
_NO_VERIFY = frozenset({"commit", "push", "merge", "cherry-pick", "revert", "rebase", "am",
                        "pull"})
_CONFIG_WRITES = frozenset({"--unset", "--unset-all", "--add", "--replace-all", "--edit", "-e",
                            "--rename-section", "--remove-section"})
_GIT_CONFIG_VARIABLE = re.compile(r"^(?:export\s+)?GIT_CONFIG(?!_NOSYSTEM=)[A-Z0-9_]*=")
_SHELL_VALUED = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})
_IN_PLACE_VALUED = {"sed": "efl", "gsed": "efl", "perl": "eEIMmlxC0"}
_ANSI_C = re.compile(r"\$'((?:[^'\\]|\\.)*)'|\$\"((?:[^\"\\]|\\.)*)\"", re.DOTALL)
_ESCAPES = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|U[0-9A-Fa-f]{1,8}|[0-7]{1,3}|"
                      r"c.|.)", re.DOTALL)
_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n",
                   "r": "\r", "t": "\t", "v": "\v"}
_KNOWN_VARIABLES = re.compile(r"\$(?:\{(PWD|HOME)\}|(PWD|HOME)(?![A-Za-z0-9_]))")
_GATE_WORDS = re.compile(r"\.git(?:[/\\]|$)|hooks[/\\]|\.claude|\.codex|\.planscope|"
                         r"\.pre-commit|plans[/\\]|\$\{?[A-Za-z_]*(?:GIT|HOOK|PLAN)",
                         re.IGNORECASE)
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
    for words in _simple_commands(_bash_quotes(command)):
        _read_command(words, out, depth)
    return out


def expanded(word: str, cwd: str, home: str) -> str | None:
    """``word`` as bash expands it before use: ``$PWD`` and ``$HOME`` put in, a leading
    tilde expanded (``tilde``); None when the guard cannot follow it: the folder stack, or
    another variable in a name that points at the gate (``.git``, ``hooks/``...)."""
    values = {"PWD": cwd, "HOME": home}
    word = _KNOWN_VARIABLES.sub(lambda found: values[found.group(1) or found.group(2)], word)
    found = tilde(word, cwd, home)
    if found is None or ("$" in found and _GATE_WORDS.search(found)):
        return None
    return found


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


def _bash_quotes(command: str) -> str:
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
    words = _command(_redirections(words, out), out)
    if not words:
        return
    name, args = os.path.basename(words[0]), words[1:]
    names = [a for a in args if not a.startswith("-")]
    out.paths += _files_written(name, args, names)
    if name in ("export", "declare", "typeset", "readonly"):
        _assignments(args, out)
    if name in _SHELLS and depth < 3:
        script = _shell_script(args)
        if script is not None:
            inner = writes(script, depth + 1)
            out.paths += inner.paths
            out.texts += inner.texts
            out.past_gate += inner.past_gate
            out.dirs += inner.dirs
    elif name in ("awk", "gawk", "mawk", "nawk"):
        out.texts += names[:1]
    elif name in _ONE_LINERS or name.startswith("python"):
        flag = _ONE_LINERS.get(name, "-c")
        out.texts += [args[i + 1] for i, a in enumerate(args[:-1]) if a == flag]
    elif name in ("cd", "pushd") and names:
        out.dirs.append(names[0])
    elif name == "git":
        _git(args, out)
    _planscope(name, args, out)


def _planscope(name: str, args: list[str], out: Writes) -> None:
    """``planscope use|uninstall`` (also as ``python -m checker``): ways past the gate."""
    if name == "planscope" or (name.startswith("python") and args[:2] == ["-m", "checker"]):
        asked = [a for a in (args[2:] if name != "planscope" else args)
                 if not a.startswith("-")]
        if asked[:1] in (["use"], ["uninstall"]):
            out.past_gate.append(f"`planscope {asked[0]}` changes what the gate checks")


def _shell_script(args: list[str]) -> str | None:
    """The script of ``bash [options] -c SCRIPT``: the first word that is not an option,
    when a short option group holds ``c``."""
    given = False
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-", "--"):
            i += 1
            break
        if arg in _SHELL_VALUED:
            i += 2
            continue
        if arg[:1] in ("-", "+") and len(arg) > 1:
            given = given or (arg[0] == "-" and not arg.startswith("--") and "c" in arg)
            i += 1
            continue
        break
    return args[i] if given and i < len(args) else None


def _split_string(args: list[str]) -> list[str]:
    """``env -S "A B" C``: the words ``A B`` split, then ``C`` (what ``env`` runs)."""
    for i, arg in enumerate(args):
        if arg in ("-S", "--split-string") and i + 1 < len(args):
            given, rest = args[i + 1], args[i + 2:]
        elif arg.startswith(("-S", "--split-string=")):
            given, rest = arg.split("=", 1)[1] if arg.startswith("--") else arg[2:], args[i + 1:]
        else:
            continue
        try:
            return [*shlex.split(given), *rest]
        except ValueError:
            return [*given.split(), *rest]
    return args


def _assignments(words: list[str], out: Writes) -> None:
    """Variable assignments that move git's config (and so its hooks) elsewhere."""
    for word in words:
        if _GIT_CONFIG_VARIABLE.match(word):
            out.past_gate.append(f"`{word.split('=', 1)[0]}=...` gives git other settings "
                                 f"(its hooks path among them)")


def _command(words: list[str], out: Writes) -> list[str]:
    """The command and its arguments, without what runs it: variable assignments, ``sudo
    -u USER``, ``env A=b``, ``timeout 5``, ``nice -n 5`` and the like."""
    while words:
        head = os.path.basename(words[0])
        if re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
            _assignments(words[:1], out)
            words = words[1:]
        elif head == "env" and any(w in ("-S", "--split-string") or w.startswith(
                ("-S", "--split-string=")) for w in words[1:]):
            words = _split_string(words[1:])
        elif head in _PREFIXES:
            words = words[1:]
            while words and (words[0].startswith("-") or re.match(r"^[\d.]+[smhd]?$", words[0])
                             or re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0])):
                _assignments(words[:1], out)
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
        return _copied_to(args, names)
    if name == "find" and any(a in ("-delete", "-exec", "-execdir", "-ok", "-fprint")
                              for a in args):
        return [a for a in args[:next((i for i, a in enumerate(args)
                                       if a.startswith(("-", "(", "!"))), len(args))]]
    if name in _IN_PLACE and any(_in_place(name, a) for a in args):
        return names
    if name == "dd":
        return [a[3:] for a in args if a.startswith("of=")]
    return []


def _copied_to(args: list[str], names: list[str]) -> list[str]:
    """What ``cp``/``mv``/``install`` write: the target (``-t DIR``,
    ``--target-directory=DIR``, or the last name) and, in case it is a folder, each
    source's name inside it."""
    target, sources = None, names[:-1]
    for i, arg in enumerate(args):
        if arg in ("-t", "--target-directory") and i + 1 < len(args):
            target = args[i + 1]
        elif arg.startswith("--target-directory="):
            target = arg.partition("=")[2]
        elif arg.startswith("-t") and len(arg) > 2 and not arg.startswith("--"):
            target = arg[2:]
        else:
            continue
        sources = [n for n in names if n != target]
        break
    if target is None:
        if not names:
            return []
        target = names[-1]
    return [target, *(os.path.join(target, os.path.basename(s.rstrip("/"))) for s in sources)]


def _in_place(name: str, arg: str) -> bool:
    """Whether ``arg`` asks ``sed``/``perl`` to edit in place: ``--in-place[=SUFFIX]``, or
    ``i`` in a short option group before an option that takes the rest as its value."""
    if arg.startswith("--"):
        return arg == "--in-place" or arg.startswith("--in-place=")
    if not arg.startswith("-"):
        return False
    for letter in arg[1:]:
        if letter == "i":
            return True
        if letter in _IN_PLACE_VALUED.get(name, ""):
            return False
    return False


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
        if word in (">&", "&>>") and i + 1 < len(words):  # ``>& F`` is ``&> F``; ``>& 2`` a copy
            if not re.fullmatch(r"\d+-?|-", words[i + 1]):
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
        if args[i] in ("-c", "--config-env") and i + 1 < len(args):
            if args[i + 1].lower().startswith("core.hookspath"):
                out.past_gate.append(f"`git {args[i]} core.hooksPath=...` runs other hooks")
            i += 2
        elif args[i].lower().startswith("--config-env=core.hookspath"):
            out.past_gate.append("`git --config-env=core.hooksPath=...` runs other hooks")
            i += 1
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
    elif sub in _NO_VERIFY and (any(_no_verify(a) for a in rest) or (sub == "commit" and any(
            a.startswith("-") and not a.startswith("--") and "n" in a[1:] for a in rest))):
        out.past_gate.append(f"`git {sub} --no-verify` skips planscope's hooks")


def _no_verify(arg: str) -> bool:
    """``--no-verify`` or an abbreviation git takes for it (``--no-verif``, ``--no-v``)."""
    arg = arg.split("=", 1)[0]
    return len(arg) >= len("--no-v") and "--no-verify".startswith(arg)
