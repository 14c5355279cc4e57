"""YAML files loaded with the line and column of every value kept, for error messages.

Plans and config are data: the safe loader only, duplicate keys are an error,
aliases are refused (they add nothing to a plan and open the door to alias bombs),
dates stay strings, and files above ``MAX_BYTES`` are refused before parsing. PyYAML is
imported only when a text is parsed.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker import files
from checker.errors import BadInput

if TYPE_CHECKING:
    import yaml

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
    import yaml  # PyYAML: paid for only when a text is parsed

    try:
        return yaml.load(text, Loader=_loader())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        problem = " ".join((exc.problem or exc.context or "invalid YAML").split())
        context = exc.context_mark if exc.problem and exc.context else None
        if context is not None and exc.context and context is not mark:
            problem += (f"; {' '.join(exc.context.split())} at "
                        f"{name}:{context.line + 1}:{context.column + 1}")
        raise BadInput(f"{where}: {problem}") from None
    except yaml.YAMLError as exc:
        raise BadInput(f"{name}: invalid YAML: {' '.join(str(exc).split())}") from None


def _loc(mark: yaml.Mark) -> Loc:
    return (mark.line + 1, mark.column + 1)


def _refuse(problem: str, mark: yaml.Mark) -> Exception:
    import yaml

    return yaml.constructor.ConstructorError(None, None, problem, mark)


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> MarkedDict:
    loader.flatten_mapping(node)
    data = MarkedDict()
    data.loc = _loc(node.start_mark)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            duplicate = key in data
        except TypeError:
            raise _refuse("a mapping key must be a plain value", key_node.start_mark) from None
        if duplicate:
            raise _refuse(f"duplicate key {key!r}", key_node.start_mark)
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_locs[key] = _loc(key_node.start_mark)
        data.value_locs[key] = _loc(value_node.start_mark)
    return data


def _sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> MarkedList:
    items = [loader.construct_object(child, deep=True) for child in node.value]
    seq = MarkedList(items, [_loc(child.start_mark) for child in node.value])
    seq.loc = _loc(node.start_mark)
    return seq


def _as_str(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    """Dates stay the strings they were written as: plans are data, not Python objects."""
    return str(loader.construct_scalar(node))


def _as_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    if sum(c.isdigit() for c in str(node.value)) > MAX_DIGITS:
        raise _refuse(f"an integer of more than {MAX_DIGITS} digits", node.start_mark)
    value: int = loader.construct_yaml_int(node)
    return value


def _as_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float:
    value: float = loader.construct_yaml_float(node)
    if not math.isfinite(value):
        raise _refuse(f"{node.value!r} is not a finite number", node.start_mark)
    return value


@functools.cache
def _loader() -> type[yaml.SafeLoader]:
    """PyYAML's safe loader with line marks kept; aliases, duplicate keys, runaway nesting,
    huge integers and non-finite numbers refused. Built the first time a text is parsed:
    a plan already built is read back without PyYAML."""
    import yaml

    class Loader(yaml.SafeLoader):
        depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise yaml.composer.ComposerError(
                    None, None, "YAML aliases (*name) are not allowed here", event.start_mark)
            if self.depth >= MAX_DEPTH:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise yaml.composer.ComposerError(
                    None, None, f"nested deeper than {MAX_DEPTH} levels", event.start_mark)
            self.depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    for tag, construct in ((yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping),
                           (yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence),
                           ("tag:yaml.org,2002:timestamp", _as_str),
                           ("tag:yaml.org,2002:int", _as_int),
                           ("tag:yaml.org,2002:float", _as_float)):
        Loader.add_constructor(tag, construct)
    return Loader


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


def to_json(value: Any) -> Any:
    """Loaded data (with line marks) as JSON data that keeps the marks: a mapping is
    ``["map", LOC, [[KEY, KEY_LOC, VALUE, VALUE_LOC], ...]]``, a sequence
    ``["seq", LOC, [[VALUE, LOC], ...]]``; a scalar is itself (``from_json`` reverses it).
    Plain dicts and lists (from TOML) get the first line's mark."""
    if isinstance(value, dict):
        keys = getattr(value, "key_locs", {})
        values = getattr(value, "value_locs", {})
        return ["map", list(getattr(value, "loc", (1, 1))),
                [[k, list(keys.get(k, (1, 1))), to_json(v), list(values.get(k, (1, 1)))]
                 for k, v in value.items()]]
    if isinstance(value, (list, tuple)):
        locs = getattr(value, "item_locs", [(1, 1)] * len(value))
        return ["seq", list(getattr(value, "loc", (1, 1))),
                [[to_json(v), list(loc)] for v, loc in zip(value, locs, strict=True)]]
    return value


def from_json(data: Any) -> Any:
    """``to_json``'s data as loaded data again; ValueError for anything it did not write."""
    if not isinstance(data, list):
        if data is None or isinstance(data, (str, int, float, bool)):
            return data
        raise ValueError("not loaded data")
    tag, loc, items = data
    out: MarkedDict | MarkedList
    if tag == "map":
        out = MarkedDict()
        for key, key_loc, value, value_loc in items:
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise ValueError("a mapping key that is no scalar")
            out[key] = from_json(value)
            out.key_locs[key], out.value_locs[key] = _mark(key_loc), _mark(value_loc)
    elif tag == "seq":
        out = MarkedList([from_json(v) for v, _ in items], [_mark(loc) for _, loc in items])
    else:
        raise ValueError(f"not loaded data: {tag!r}")
    out.loc = _mark(loc)
    return out


def _mark(loc: Any) -> Loc:
    line, col = loc
    if not (isinstance(line, int) and isinstance(col, int)):
        raise ValueError("a mark that is no line and column")
    return line, col
