"""The YAML loader behind ``yamlfile.parse``: PyYAML's safe loader with line marks kept,
aliases, duplicate keys and runaway nesting refused. Imported only when a text is parsed:
a plan or config already built is read back from the cache without it (``checker.built``).
"""

from __future__ import annotations

import math
from typing import Any

import yaml

from checker.rules.yamlfile import MAX_DEPTH, MAX_DIGITS, Loc, MarkedDict, MarkedList

Error = yaml.YAMLError
MarkedError = yaml.MarkedYAMLError


def _loc(mark: yaml.Mark) -> Loc:
    return (mark.line + 1, mark.column + 1)


class _Loader(yaml.SafeLoader):
    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed here", event.start_mark
            )
        if self.depth >= MAX_DEPTH:
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, f"nested deeper than {MAX_DEPTH} levels", event.start_mark
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> MarkedDict:
    loader.flatten_mapping(node)
    data = MarkedDict()
    data.loc = _loc(node.start_mark)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            duplicate = key in data
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_locs[key] = _loc(key_node.start_mark)
        data.value_locs[key] = _loc(value_node.start_mark)
    return data


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> MarkedList:
    items = [loader.construct_object(child, deep=True) for child in node.value]
    seq = MarkedList(items, [_loc(child.start_mark) for child in node.value])
    seq.loc = _loc(node.start_mark)
    return seq


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
# Dates stay the strings they were written as: plans are data, not Python objects.
def _construct_str(loader: _Loader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_str)


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    if sum(c.isdigit() for c in str(node.value)) > MAX_DIGITS:
        raise yaml.constructor.ConstructorError(
            None, None, f"an integer of more than {MAX_DIGITS} digits", node.start_mark)
    value: int = loader.construct_yaml_int(node)
    return value


def _construct_float(loader: _Loader, node: yaml.ScalarNode) -> float:
    value: float = loader.construct_yaml_float(node)
    if not math.isfinite(value):
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value!r} is not a finite number", node.start_mark)
    return value


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)


def load(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)
