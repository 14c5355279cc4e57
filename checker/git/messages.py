"""Commit messages as git records them, and their trailers."""


from __future__ import annotations

from pathlib import Path

from checker import files
from checker.errors import BadInput
from checker.git import messagetext, process, repository
from checker.git.messagetext import auto_comment_prefix, clean_message


def _parsed(root: Path, message: str) -> str:
    """The trailer lines of a commit message, ``Key: value`` each, as git's trailer parser
    (``git interpret-trailers --parse``) gives them: what ``git log`` gives for a commit."""
    out = process.run(root, "interpret-trailers", "--parse", "--no-divider",
                      stdin=message.encode("utf-8", "surrogateescape"))
    return out.decode("utf-8", "replace")




def comment_prefix(root: Path, text: str) -> str:
    """The comment prefix git used in a message file: ``core.commentString`` or
    ``core.commentChar`` (default ``#``); for ``auto``, the one the file shows git chose."""
    value = (repository.config_get(root, "core.commentString")
             or repository.config_get(root, "core.commentChar"))
    if not value:
        return "#"
    return auto_comment_prefix(text) if value == "auto" else value


def read_message(root: Path, path: Path, editor_used: bool, cleanup: str | None = None) -> str:
    """A commit message file as git will record it, under ``cleanup`` (``git commit
    --cleanup``) else ``commit.cleanup`` (``editor_used``: git strips comments only when an
    editor was involved, under the default cleanup)."""
    try:
        raw = files.read(path, str(path))
    except BadInput as exc:
        raise BadInput(f"cannot read the commit message: {exc}") from None
    text = raw.decode("utf-8", "surrogateescape")
    mode = cleanup or (repository.config_get(root, "commit.cleanup") or "default").lower()
    if mode == "default":
        mode = "strip" if editor_used else "whitespace"
    return clean_message(text, comment_prefix(root, text), mode)


def add_trailer(root: Path, path: Path, key: str, value: str) -> None:
    """Add ``KEY: VALUE`` to the message file at ``path`` (``git interpret-trailers``)."""
    process.run(root, "interpret-trailers", "--in-place", "--if-exists", "doNothing", "--trailer",
        f"{key}: {value}", str(path))


def trailer_values(root: Path, message: str, key: str) -> tuple[str, ...]:
    """The values of every ``KEY:`` trailer of a message (key case-insensitive), in order,
    read as ``checker.git.formats`` reads them from ``git log``."""
    return messagetext.trailer_values(_parsed(root, message), key)
