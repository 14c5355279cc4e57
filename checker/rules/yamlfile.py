"""YAML files loaded with the line and column of every value kept, for error messages.

Plans and config are data: the safe loader only, duplicate keys are an error,
aliases are refused (they add nothing to a plan and open the door to alias bombs),
dates stay strings, and files above ``MAX_BYTES`` are refused before parsing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from checker import files
from checker.errors import BadInput

MAX_BYTES = files.MAX_BYTES
MAX_DEPTH = 64  # nesting a plan or config never needs; deeper input is refused, not recursed
MAX_DIGITS = 30  # an integer longer than this is no count or size planscope reads

Loc = tuple[int, int]  # 1-based line, column


class MarkedDict(dict[Any, Any]):
    """A mapping that remembers where it, its keys and its values start."""

    loc: Loc = (1, 1)

    def __init__(self) -> None:
        super().__init__()
        self.key_locs: dict[Any, Loc] = {}
        self.value_locs: dict[Any, Loc] = {}


class MarkedList(list[Any]):
    """A sequence that remembers where it and each item start."""

    loc: Loc = (1, 1)

    def __init__(self, items: Sequence[Any], locs: list[Loc]) -> None:
        super().__init__(items)
        self.item_locs = locs


def parse(text: str, name: str) -> Any:
    """Parse YAML text; errors become ``BadInput('NAME:LINE:COL: message')``."""
    from checker.rules import yamlload

    try:
        return yamlload.load(text)
    except yamlload.MarkedError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        problem = " ".join((exc.problem or exc.context or "invalid YAML").split())
        context = exc.context_mark if exc.problem and exc.context else None
        if context is not None and exc.context and context is not mark:
            problem += (f"; {' '.join(exc.context.split())} at "
                        f"{name}:{context.line + 1}:{context.column + 1}")
        raise BadInput(f"{where}: {problem}") from None
    except yamlload.Error as exc:
        raise BadInput(f"{name}: invalid YAML: {' '.join(str(exc).split())}") from None


def read(path: Path, name: str, inside: Path | None = None) -> str:
    """A YAML file's text: a regular file (inside ``inside`` when given), size-checked
    before it is read, UTF-8."""
    raw = files.read(path, name, MAX_BYTES, inside)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{name}: not UTF-8 text (byte {exc.start})") from None
    return text


def locate(data: Any, path: Sequence[Any], *, key: bool = False) -> Loc:
    """Where the value at ``path`` (keys and indexes from the root) starts.

    Walks as deep as the path exists; with ``key=True`` the last step points at the
    mapping key rather than its value.
    """
    loc = getattr(data, "loc", (1, 1))
    node = data
    for depth, step in enumerate(path):
        last = depth == len(path) - 1
        if isinstance(node, MarkedDict) and step in node:
            loc = node.key_locs[step] if key and last else node.value_locs[step]
            node = node[step]
        elif isinstance(node, MarkedList) and isinstance(step, int) and 0 <= step < len(node):
            loc = node.item_locs[step]
            node = node[step]
        else:
            break
    return loc


def dotted(path: Sequence[Any]) -> str:
    """``('slices', 0, 'files')`` → ``slices[0].files``."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def plain(value: Any) -> Any:
    """Loaded data (with line marks) as plain dicts, lists and scalars."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value
