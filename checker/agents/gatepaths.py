"""The gate's own files: what no agent edit may write, whatever the active slice allows.

An executor that could write the gate could free itself from it. Refused to the guard's
agent, always:

- **the git directory** of every work tree the edit or the agent answers to, as git names
  it (``--absolute-git-dir``, ``--git-common-dir``: a linked worktree's own and the shared
  one, wherever they lie) and the folder git runs hooks from (``core.hooksPath``). That holds
  the hooks, git's config, and planscope's state: the active slice, the pre-commit ticket,
  the caches, the logs;
- **the agents' own hook settings** outside the repository: ``~/.claude/settings.json``
  (``$CLAUDE_CONFIG_DIR``), ``~/.codex/config.toml`` and ``hooks.json`` (``$CODEX_HOME``);
  git's user and system config (``~/.gitconfig``, ``$XDG_CONFIG_HOME/git/config``,
  ``$GIT_CONFIG_GLOBAL``, ``/etc/gitconfig``: a ``core.hooksPath`` there skips the hooks);
  and the key planscope seals its state with (``checker.seal``);
- **the environment planscope runs from**: its scripts folder (where ``planscope`` is, which
  the agents' guard commands name: a ``.venv`` in the project, a pipx environment), its
  ``site-packages`` (a ``.pth`` file there runs at every start), and the folder of the
  ``checker`` package itself (an editable install's source), unless that lies in the work
  tree the agent works in (planscope's own repository).

Refused unless the active slice plans the file by name (a rules change, judged as one at
commit time) or the config's ``guard.unprotect`` names it:

- **planscope's rules**: ``.planscope.yaml``, ``pyproject.toml`` when it holds the config,
  and every plan file (``*.yaml``, ``*.yml`` under ``plans_dir``);
- **the hook settings in the repository**: ``.claude/settings.json``,
  ``.claude/settings.local.json``, ``.codex/hooks.json``, ``.codex/config.toml``,
  ``.pre-commit-config.yaml``.

A folder or file is matched by identity (device and inode of the nearest existing folder),
so another spelling of it (case on a case-insensitive file system, a symbolic link, ``..``)
is the same folder; a file with several names (a hard link) is matched against the files of
the gate's folders. An edit is judged against the gate of the repository it lies in too, not
only the one the call runs from (a submodule, a nested repository, a folder outside).
"""

from __future__ import annotations

import itertools
import os
import re
import stat
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from checker.git import repository
from checker.record import record
from checker.rules.globs import Fold

_LISTED = 500  # entries read per folder when looking for a hard link


@record(frozen=True)
class Gate:
    """The folders and files of the gate outside the rules: absolute, as found."""

    dirs: tuple[tuple[str, str], ...]  # (folder, what it is)
    files: tuple[tuple[str, str], ...]  # (file, what it is)

    def holds(self, path: str) -> str | None:
        """What of the gate ``path`` (absolute) lies in or is, or None."""
        for file, what in self.files:
            if _same_file(path, file):
                return what
        ids: dict[tuple[int, int], str] = {}
        for folder, what in self.dirs:
            found = _id(folder)
            if found is not None:
                ids.setdefault(found, what)
        if not ids:
            return None
        linked = self._linked(path)
        if linked is not None:
            return linked
        current = path
        while True:
            found = _id(current)
            if found is not None and found in ids:
                return ids[found]
            parent = os.path.dirname(current)
            if parent == current:
                return None
            current = parent


    def _linked(self, path: str) -> str | None:
        """What of the gate a file with several names (hard links) also is: one of the
        files in the gate's folders (their first level, and planscope's state)."""
        try:
            st = os.stat(path)
        except (OSError, ValueError):
            return None
        if st.st_nlink < 2 or not stat.S_ISREG(st.st_mode):
            return None
        mine = (st.st_dev, st.st_ino)
        for folder, what in self.dirs:
            for place in (folder, os.path.join(folder, "planscope")):
                try:
                    with os.scandir(place) as entries:
                        for entry in itertools.islice(entries, _LISTED):
                            found = entry.stat(follow_symlinks=False)
                            if (found.st_dev, found.st_ino) == mine:
                                return f"{what} (a hard link to {entry.path})"
                except OSError:
                    continue
        return next((what for file, what in self.files if _id(file) == mine), None)


def nearest_folder(path: str) -> Path:
    """The nearest folder of ``path`` that exists (the repository it belongs to is the one
    whose gate it may reach, wherever the call runs from)."""
    folder = Path(path)
    while not folder.is_dir() and folder.parent != folder:
        folder = folder.parent
    return folder


def around(places: Iterable[Path], env: Mapping[str, str], project: Path | None = None) -> Gate:
    """The gate of the repositories ``places`` belong to (work trees, or folders inside a
    git directory): their git directories and hooks folders; and the agents' user-level
    settings."""
    dirs: list[tuple[str, str]] = []
    for place in dict.fromkeys(places):
        found = repository.git_dirs(place)
        if found is None:
            continue
        git_dir, common, hooks, *entry = found
        dirs += [(str(git_dir), f"the git directory {common}"),
                 (str(common), f"the git directory {common}"),
                 (str(hooks), f"the git hooks folder {hooks}"),
                 *((str(e), f"the git directory {common}") for e in entry)]
    return Gate(tuple(dict.fromkeys([*dirs, *installed(project)])), tuple(user_files(env)))


def installed(project: Path | None) -> list[tuple[str, str]]:
    """The folders planscope runs from: scripts, site-packages, the ``checker`` package
    (left out when it lies in ``project``'s work tree: planscope's own repository)."""
    import sysconfig

    import checker

    paths = sysconfig.get_paths()
    what = f"the environment planscope runs from ({sys.prefix})"
    out = [(os.path.dirname(sys.executable), what),
           *((paths[key], what) for key in ("scripts", "purelib", "platlib") if key in paths)]
    package = os.path.realpath(os.path.dirname(checker.__file__))
    found = repository.locate(project) if project is not None else None
    if found is None or not Path(package).is_relative_to(os.path.realpath(found[0])):
        out.append((package, f"planscope's own code ({package})"))
    return out


def user_files(env: Mapping[str, str]) -> list[tuple[str, str]]:
    """The agents' hook settings in the user's home (or where their variables move it), and
    git's user and system config (``core.hooksPath`` there would turn every hook off)."""
    home = env.get("HOME") or os.path.expanduser("~")
    claude = env.get("CLAUDE_CONFIG_DIR") or os.path.join(home, ".claude")
    codex = env.get("CODEX_HOME") or os.path.join(home, ".codex")
    state = env.get("XDG_STATE_HOME") or os.path.join(home, ".local", "state")
    config = env.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    git = [(os.path.join(home, ".gitconfig"), "git's user config"),
           (os.path.join(config, "git", "config"), "git's user config"),
           ("/etc/gitconfig", "git's system config"),
           *([(env["GIT_CONFIG_GLOBAL"], "git's user config")]
             if env.get("GIT_CONFIG_GLOBAL") else [])]
    return [*git, (os.path.join(state, "planscope", "seal-key"), "planscope's seal key"),
            (os.path.join(claude, "settings.json"), "Claude Code's user settings"),
            (os.path.join(claude, "settings.local.json"), "Claude Code's user settings"),
            (os.path.join(codex, "config.toml"), "Codex's user settings"),
            (os.path.join(codex, "hooks.json"), "Codex's user hooks")]


def opened(rel: str, planned: Sequence[str], unprotect: Sequence[str], fold: Fold) -> bool:
    """Whether the active slice plans ``rel`` by name, or ``guard.unprotect`` names it."""
    return fold.matcher([f"/{p}" for p in planned]).match(rel) or (
        bool(unprotect) and fold.matcher(list(unprotect)).match(rel))


def _id(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def _same_file(path: str, other: str) -> bool:
    """Whether ``path`` is ``other``: the same file when one exists, else the same name once
    the links of the folders that exist are resolved."""
    mine, theirs = _id(path), _id(other)
    if mine is not None or theirs is not None:
        return mine == theirs
    return os.path.normcase(os.path.realpath(path)) == os.path.normcase(os.path.realpath(other))


_MARKERS = re.compile(r"\.git(?:[/\\]|$|[\"'])|\.claude[/\\]|\.codex[/\\]|\.planscope\.yaml|"
                      r"\.pre-commit-config|hooks[/\\]|core\.hookspath", re.IGNORECASE)
_WRITES = re.compile(r"write|open\([^)]*['\"][wax]|unlink|remove|rename|replace|chmod|copy|"
                     r"move|rmtree|mkdir|symlink|truncate|appendFile|writeFile|>|"
                     r"\bsystem\s*\(", re.IGNORECASE)


def names_the_gate(code: str) -> bool:
    """Whether one-line code (``python -c``...) both names a gate file and writes
    something: a guess, on the side of refusing."""
    return bool(_MARKERS.search(code)) and bool(_WRITES.search(code))
