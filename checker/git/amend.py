"""Whether a hook runs under ``git commit --amend``, and the ``--cleanup`` it was given.

During ``git commit --amend`` the index is compared with HEAD, but the commit being made
replaces HEAD: its change is the index against HEAD's first parent. Git tells hooks nothing
about it (``GIT_REFLOG_ACTION`` is read by ``git commit``, never set, and the
``commit (amend)`` reflog entry is written after the hooks ran), so the hook looks at the
``git commit`` process it runs under (``/proc``, else ``ps``) and reads its options, aliases
included. When no such process can be seen the commit counts as a new one. The same options
give the message's ``--cleanup`` mode, which decides what git records of the message file.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pathlib is not imported on the hook's quick path
    from pathlib import Path

_GIT_OPTS_WITH_VALUE = frozenset(
    {"-c", "-C", "--git-dir", "--work-tree", "--namespace", "--config-env", "--super-prefix",
     "--attr-source", "--list-cmds"}
)
_SHORT_WITH_VALUE = frozenset("mFcCt")
_LONG_WITH_VALUE = (
    "--message", "--file", "--reedit-message", "--reuse-message", "--template", "--author",
    "--date", "--cleanup", "--fixup", "--squash", "--trailer", "--pathspec-from-file",
)


def _long_option(arg: str, amend: bool) -> tuple[bool, bool]:
    """(whether --amend is asked for after ``arg``, whether ``arg`` takes the next word)."""
    name = arg.partition("=")[0]
    if len(name) >= 4 and "--amend".startswith(name):
        return True, False
    if name == "--no-amend":
        return False, False
    takes_value = "=" not in arg and len(name) > 3 and any(o.startswith(name)
                                                            for o in _LONG_WITH_VALUE)
    return amend, takes_value


def _short_options_take_value(arg: str) -> bool:
    """Whether a cluster of short options (``-am``) ends in one that takes the next word:
    "-m MSG" takes it, "-mMSG" does not."""
    for i, letter in enumerate(arg[1:], 1):
        if letter in _SHORT_WITH_VALUE:
            return i == len(arg) - 1
    return False


def commit_args_amend(args: Sequence[str]) -> bool:
    """Whether ``git commit`` options ``args`` ask for ``--amend`` (abbreviations such as
    ``--am`` included, ``--no-amend`` honoured, option values and paths skipped)."""
    amend = False
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg == "--":
            break
        elif arg.startswith("--"):
            amend, skip = _long_option(arg, amend)
        elif arg.startswith("-") and len(arg) > 1:
            skip = _short_options_take_value(arg)
    return amend


def _git_command(argv: Sequence[str]) -> tuple[str, list[str]] | None:
    """``(subcommand, its args)`` when ``argv`` is a git process, else None."""
    if not argv:
        return None
    name = os.path.basename(argv[0])
    if name.endswith(".exe"):
        name = name[:-4]
    if name.startswith("git-") and len(name) > 4:  # a dashed form: git-commit
        return name[4:], list(argv[1:])
    if name != "git":
        return None
    i = 1
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] in _GIT_OPTS_WITH_VALUE else 1
    if i >= len(argv):
        return None
    return argv[i], list(argv[i + 1:])


def _process(pid: int) -> tuple[int, list[str]] | None:
    """(parent pid, argv) of a process, from /proc or else ``ps``."""
    from checker import procfs

    if procfs.available():
        found, argv = procfs.stat(pid), procfs.cmdline(pid)
        return (found.ppid, argv) if found is not None and argv is not None else None
    try:
        out = subprocess.run(("ps", "-o", "ppid=", "-o", "args=", "-p", str(pid)),
                             capture_output=True, text=True, check=False, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    parts = out.split()
    if not parts or not parts[0].isdigit():
        return None
    return int(parts[0]), parts[1:]


def commit_cleanup(args: Sequence[str]) -> str | None:
    """The ``--cleanup=MODE`` that ``git commit`` options ``args`` give (the last one wins;
    unambiguous abbreviations such as ``--cleanup`` → ``--cl`` included), else None."""
    mode = None
    take = False
    for arg in args:
        if take:
            mode, take = arg, False
            continue
        if arg == "--":
            break
        name, eq, value = arg.partition("=")
        if len(name) >= 4 and "--cleanup".startswith(name):
            mode, take = (value, False) if eq else (mode, True)
    return mode.lower() if mode else None


def commit_args(root: Path | str,
                process: Callable[[int], tuple[int, list[str]] | None] = _process,
                start: int | None = None) -> list[str] | None:
    """The options of the ``git commit`` this hook runs under (aliases expanded): the nearest
    git process among our ancestors; None when it cannot be seen or is not a commit."""
    pid = os.getppid() if start is None else start
    for _ in range(16):
        if pid <= 1:
            return None
        info = process(pid)
        if info is None:
            return None
        ppid, argv = info
        found = _git_command(argv)
        if found is not None:
            sub, args = found
            for _depth in range(5):  # aliases of aliases, as git allows
                if sub == "commit":
                    return args
                from pathlib import Path  # only for an alias: not on the hook's quick path

                from checker.git import repository

                alias = repository.config_get(Path(root), f"alias.{sub}")
                if not alias or alias.startswith("!"):
                    return None
                try:
                    words = shlex.split(alias)
                except ValueError:
                    return None
                if not words:
                    return None
                sub, args = words[0], [*words[1:], *args]
            return None
        pid = ppid
    return None


def amending(root: Path | str, process: Callable[[int], tuple[int, list[str]] | None] = _process,
             start: int | None = None) -> bool:
    """Whether this hook runs under ``git commit --amend`` (or an alias of it)."""
    args = commit_args(root, process, start)
    return args is not None and commit_args_amend(args)
