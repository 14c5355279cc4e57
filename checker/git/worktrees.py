"""The work trees an edited file answers to, for the guard: not the hook's ``cwd``.

An agent's ``cwd`` may be a vendored repository or a submodule inside the project, or no
repository at all; an edit of the project's forbidden file from there is still an edit of
the project. So the work trees are found from the edited file: the one holding it, every
one that holds that one (found by looking for ``.git`` in the folders above before asking
git), and the project the agent was started in (``CLAUDE_PROJECT_DIR``) when it is set.
"""

from __future__ import annotations

import os
from pathlib import Path

from checker.git import repository

WorkTree = tuple[Path, Path]  # (top of the work tree, its own git directory)


def _existing_folder(path: Path) -> Path | None:
    """The nearest folder at or above ``path`` that exists."""
    for folder in (path, *path.parents):
        if folder.is_dir():
            return folder
    return None


def _above(top: Path) -> bool:
    """Whether any folder above ``top`` has a ``.git`` entry (cheap: no process)."""
    return any(os.path.lexists(folder / ".git") for folder in top.parents)


def work_trees(cwd: Path, name: str, project_dir: str | None) -> list[WorkTree]:
    """The project's work tree first (when ``project_dir`` is set), then the one holding
    ``name`` (taken from ``cwd`` when relative) and those holding it, innermost first; when
    the file is in none, the hook's ``cwd`` work tree (the file is outside it)."""
    found: list[WorkTree] = []
    if project_dir:
        _add(found, repository.locate(Path(project_dir)))
    start = _existing_folder(Path(os.path.abspath(os.path.join(cwd, name))).parent)
    located = repository.locate(start) if start is not None else None
    while located is not None:
        _add(found, located)
        if not _above(located[0]):
            break
        located = repository.locate(located[0].parent)
    if not found:  # the file is in no work tree: the hook's own, to say so in its terms
        _add(found, repository.locate(cwd))
    return found


def _add(found: list[WorkTree], tree: WorkTree | None) -> None:
    if tree is not None and all(tree[0] != top for top, _ in found):
        found.append(tree)
