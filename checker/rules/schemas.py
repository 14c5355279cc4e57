"""The JSON Schemas of schemas/, loaded from the installed package or the source tree."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from checker import state
from checker.rules import yamlfile
from checker.state import Cache

_PACKAGE_DIR = Path(__file__).resolve().parent.parent / "schemas"  # in a wheel
_SOURCE_DIR = Path(__file__).resolve().parent.parent.parent / "schemas"  # in a checkout


@functools.cache
def text(name: str) -> str:
    """``text('plan')`` → the text of ``plan.schema.json``.

    A wheel carries the schemas inside the package (see pyproject.toml); an editable
    or source checkout reads the one copy in ``schemas/``. (A plain path, not
    importlib.resources: that import alone costs a hook more than the file read.)
    """
    filename = f"{name}.schema.json"
    packaged = _PACKAGE_DIR / filename
    return (packaged if packaged.is_file() else _SOURCE_DIR / filename).read_text(
        encoding="utf-8"
    )


@functools.cache
def load(name: str) -> dict[str, Any]:
    """``load('plan')`` → the parsed ``plan.schema.json``."""
    schema: dict[str, Any] = json.loads(text(name))
    return schema


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def checked_errors(schema_name: str, data: Any, file_name: str, source: str,
                   cache: Cache | None) -> list[str]:
    """``errors``, skipped for a ``source`` text that passed the same schema before: those
    are remembered in ``cache`` (jsonschema is most of a hook's start-up otherwise). The key
    covers planscope's version, the schema and the text."""
    key = state.key("valid", schema_name, text(schema_name), source)
    if cache is not None and cache.get(key) is True:
        return []
    from checker.rules import validators

    problems: list[str] = []
    try:
        check = validators.validator(schema_name, text(schema_name))
        if check is None:  # made from another text of the schema
            raise ValueError(schema_name)
        check(data)
    except Exception:  # invalid (or a value it cannot read): jsonschema says why
        problems = errors(schema_name, data, file_name)
    if not problems and cache is not None:
        cache.put(key, True)
    return problems


def errors(schema_name: str, data: Any, file_name: str) -> list[str]:
    """Validate ``data`` and return ``FILE:LINE:COL: message`` lines (``FILE: message``
    when the data carries no positions)."""
    import jsonschema  # deferred: only paid for when a file is validated

    validator = jsonschema.Draft202012Validator(load(schema_name))
    marked = isinstance(data, yamlfile.MarkedDict)  # TOML tables carry no positions
    out: list[tuple[tuple[int, int], str]] = []
    for err in validator.iter_errors(data):
        path = list(err.absolute_path)
        point_at_key = False
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            known = err.schema.get("properties", {})
            extra = [k for k in err.instance if k not in known]
            if extra:
                path.append(extra[0])
                point_at_key = True
                message = f"unknown key {extra[0]!r} (allowed: {', '.join(known)})"
        if not point_at_key:
            message = _short(err.message)
        loc = yamlfile.locate(data, path, key=point_at_key)
        prefix = f"{file_name}:{loc[0]}:{loc[1]}" if marked else file_name
        where = yamlfile.dotted(path)
        out.append((loc, f"{prefix}: {where + ': ' if where else ''}{message}"))
    out.sort()
    return [line for _, line in out]
