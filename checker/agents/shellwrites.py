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

import os
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

from checker.agents import shellgit, shellwords
from checker.record import field, record

_SEPARATORS = frozenset({";", "&&", "||", "|", "&", "\n", "(", ")", "|&", ";;"})
_REDIRECTS = re.compile(r"^(?:\d*|&)(?:>>?|>\|)$")
_ATTACHED = re.compile(r"^(?:\d*|&)(?:>>?|>\|)(.+)$")
_PREFIXES = frozenset({"sudo", "env", "command", "exec", "nice", "timeout", "xargs", "nohup",
                       "builtin", "time", "doas"})
_VALUED = frozenset({"-u", "-g", "-C", "-h", "-p", "-n", "-k", "-s", "--signal", "--user",
                     "--group", "-U", "-E", "-I", "-L", "-P", "-d"})  # options before a value
_ALL_NAMES = frozenset({"tee", "rm", "rmdir", "unlink", "shred", "touch", "truncate", "mkdir",
                        "chmod", "chown", "chgrp", "ln", "ed", "ex", "vi", "vim", "nvim", "nano",
                        "emacs"})
_RISKY = re.compile(r"\bgit\b|planscope|checker|no-verify|hooks|\.git|config", re.IGNORECASE)
_PARAMETERS = frozenset({"$@", "$*", *(f"${n}" for n in range(10))})
_OUTPUT_FLAG = {"curl": ("o", "--output"), "wget": ("O", "--output-document"),
                "sort": ("o", "--output"), "tar": ("C", "--directory")}
_LAST_NAME = frozenset({"cp", "mv", "install", "rsync"})
_IN_PLACE = frozenset({"sed", "perl", "gsed"})
_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh"})
_ONE_LINERS = {"python": "-c", "python3": "-c", "node": "-e", "perl": "-e", "ruby": "-e"}
_MOVES_GIT = re.compile(r"^(?:GIT_CONFIG(?!_NOSYSTEM=)[A-Z0-9_]*|GIT_DIR|GIT_COMMON_DIR|"
                        r"GIT_EXEC_PATH|HOME|XDG_CONFIG_HOME|XDG_STATE_HOME|PLANSCOPE_[A-Z0-9_]*)=")
_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.DOTALL)
_SED_WRITE = re.compile(r"(?:^|[;\n}]|[/|#,:!][gpiIme0-9]*)\s*[wW]\s+([^;\n]+)")
_SHELL_VALUED = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})
_IN_PLACE_VALUED = {"sed": "efl", "gsed": "efl", "perl": "eEIMmlxC0"}


@record
class Writes:
    """What a command writes, as far as its text says."""

    paths: list[str] = field(default_factory=list)  # as written (relative to the cwd)
    texts: list[str] = field(default_factory=list)  # one-liner code that may name files
    past_gate: list[str] = field(default_factory=list)  # why it would get past the gate
    dirs: list[str] = field(default_factory=list)  # folders a ``cd`` moves to
    variables: dict[str, str] = field(default_factory=dict)  # assigned on the command line
    fed: bool = False  # a here-document or here-string gives some command its input


def _merge(out: Writes, inner: Writes) -> None:
    out.paths += inner.paths
    out.texts += inner.texts
    out.past_gate += inner.past_gate
    out.dirs += inner.dirs
    out.variables.update(inner.variables)


def writes(command: str, depth: int = 0) -> Writes:
    """The files ``command`` writes, as far as its plain forms say (see the module)."""
    out = Writes()
    command, bodies = shellwords.heredocs(command)
    for body in bodies:  # what a shell or an interpreter reads from a here-document
        out.fed = True
        out.texts.append(body)
        if depth < 3:
            _merge(out, writes(body, depth + 1))
    command, inner = shellwords.substitutions(shellwords.bash_quotes(command))
    for script in inner if depth < 3 else ():
        _merge(out, writes(script, depth + 1))
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
    given = _redirections(words, out, depth)
    words = _command(given, out)
    if not words:
        return
    if words[0].startswith(("$", "`")):
        if _RISKY.search(" ".join(words)) and words[0] not in _PARAMETERS:
            out.past_gate.append(f"`{words[0][:40]}` names a git or planscope command with a "
                                 f"variable or a substitution the guard cannot read")
        return
    name, args = os.path.basename(words[0]), words[1:]
    names = [a for a in args if not a.startswith("-")]
    out.paths += _files_written(name, args, names)
    if name in ("export", "declare", "typeset", "readonly", "local"):
        _assignments(args, out)
    if name == "eval" and depth < 3:
        _merge(out, writes(" ".join(args), depth + 1))
    elif name in _SHELLS:
        _shell(args, out, depth)
    else:
        _by_name(name, args, names, out, xargs=any(
            os.path.basename(w) == "xargs" for w in given[:len(given) - len(words)]))
    _planscope(name, args, out)


def _by_name(name: str, args: list[str], names: list[str], out: Writes, *,
             xargs: bool) -> None:
    if name in ("awk", "gawk", "mawk", "nawk"):
        out.texts += names[:1]
    elif name in _ONE_LINERS or name.startswith("python"):
        flag = _ONE_LINERS.get(name, "-c")
        out.texts += [args[i + 1] for i, a in enumerate(args[:-1]) if a == flag]
    elif name in ("cd", "pushd") and names:
        out.dirs.append(names[0])
    elif name == "git":
        if xargs:
            out.past_gate.append("`xargs git` gives git options the guard cannot see")
        paths, past_gate = shellgit.read(args)
        out.paths += paths
        out.past_gate += past_gate


def _shell(args: list[str], out: Writes, depth: int) -> None:
    """``bash -c SCRIPT`` read as a script; a shell that reads its commands from its input
    is read only when a here-document or here-string gives it (a pipe is refused)."""
    script = _shell_script(args)
    if script is not None:
        if depth < 3:
            _merge(out, writes(script, depth + 1))
            rest = args[args.index(script) + 2:]  # $1...: after $0, what "$@" runs
            if rest and re.search(r"\$[@*1-9]", script):
                _merge(out, writes(shlex.join(rest), depth + 1))
        return
    files = [a for a in args if not a.startswith(("-", "+"))]
    if (not files or "-s" in args) and not out.fed:
        out.past_gate.append("a shell that reads its commands from a pipe runs text the "
                             "guard cannot read")


def _planscope(name: str, args: list[str], out: Writes) -> None:
    """planscope's commands that write the gate (``use``, ``install``, ``status --write``…;
    also as ``python -m checker``): ways past it."""
    asked: list[str] = []
    if name == "planscope":
        asked = [a for a in args if not a.startswith("-")]
    elif name.startswith("python"):
        for i, arg in enumerate(args):
            if arg.startswith("-") and not arg.startswith("--") and "m" in arg:
                module = arg[arg.index("m") + 1:] or (args[i + 1] if i + 1 < len(args) else "")
                rest = args[i + 1:] if arg[arg.index("m") + 1:] else args[i + 2:]
                if module.split(".")[0] == "checker":
                    asked = [a for a in rest if not a.startswith("-")]
                break
            if not arg.startswith("-"):
                if Path(arg).name == "planscope":  # python .venv/bin/planscope use ...
                    asked = [a for a in args[i + 1:] if not a.startswith("-")]
                break
    word = asked[0] if asked else ""
    if word in _GATE_WORDS or (word, True) in {(w, bool(f & set(args)))
                                               for w, f in _GATE_FLAGS.items()}:
        out.past_gate.append(f"`planscope {word}` changes what the gate checks")


# planscope's commands that write the gate (the active slice, hooks, rules, hook settings),
# and those that do with one of these flags
_GATE_WORDS = frozenset({"use", "uninstall", "install", "init", "new"})
_GATE_FLAGS = {"status": {"--write"}, "plan-review": {"--record", "--approve"},
               "widen": {"--write"}}


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
    """Variable assignments: kept for the names that follow; those that move git's config
    (and so its hooks), its folders, or planscope's state and slice are ways past."""
    for word in words:
        found = _ASSIGNMENT.match(word)
        if found is not None:
            out.variables[found.group(1)] = found.group(2)
        if _MOVES_GIT.match(word):
            out.past_gate.append(f"`{word.split('=', 1)[0]}=...` gives git or planscope other "
                                 f"settings (the hooks they run, the slice they judge by)")


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
    if name in ("sed", "gsed"):
        return [m.strip() for a in args for m in _SED_WRITE.findall(a)]
    if name in _OUTPUT_FLAG:
        short, long = _OUTPUT_FLAG[name]
        return [args[i + 1] for i, a in enumerate(args[:-1]) if a == long or (
                a.startswith("-") and not a.startswith("--") and a.endswith(short))] + \
            [a.split("=", 1)[1] for a in args if a.startswith(f"{long}=")]
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


def _opened_or_fed(word: str, target: str, out: Writes, depth: int) -> None:
    """``<> F`` opens F for writing; ``<<< TEXT`` gives TEXT as input (read as a script);
    ``<< END`` names a here-document (its body is read by ``writes``)."""
    if word == "<>":
        out.paths.append(target)
    elif word == "<<<":
        out.fed = True
        out.texts.append(target)
        if depth < 3:
            _merge(out, writes(target, depth + 1))


def _redirections(words: list[str], out: Writes, depth: int) -> list[str]:
    """The words without their redirections; the files written to in ``out`` (``<>`` opens
    for writing too); a here-string read as the input it gives."""
    kept: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        attached = _ATTACHED.match(word)
        if word in ("<>", "<<", "<<<", "<<-") and i + 1 < len(words):
            _opened_or_fed(word, words[i + 1], out, depth)
            i += 2
            continue
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
