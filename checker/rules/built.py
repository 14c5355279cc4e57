"""Plans and config built once: the data a text gave, kept under the digest of that text.

Parsing YAML, the schema and the semantic checks cost a commit hook more than everything
else it does, and a text that built once builds the same object again. What is kept is the
loaded data with its line marks, as JSON (``yamlfile.to_json``), in
``.git/planscope/cache/built/``, keyed by planscope's version, its modules' stamps
(``checker.stamp``: an edited checkout builds again), the kind, the file's name and its
text; the object is made from it again (cheap: no YAML, no schema). Never code: a cache
entry that does not parse, holds another key or does not make the object is built again
from the text; a text that fails to build is never kept, so its error is reported every
time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from checker.errors import PlanscopeError
from checker.rules import yamlfile
from checker.state import Cache
from checker.state import key as key_of

T = TypeVar("T")

KIND = "built"


def once(cache: Cache | None, kind: str, name: str, text: str, build: Callable[[], T],
         data_of: Callable[[T], Any], rebuild: Callable[[Any], T]) -> T:
    """``build()``, or the object ``rebuild`` makes from the data (``data_of``) that a build
    of the same ``name`` and ``text`` gave before."""
    if cache is None or cache.folder is None:
        return build()
    key = key_of(KIND, kind, name, text)
    found = cache.get(key)
    if found is not None:
        try:
            return rebuild(yamlfile.from_json(found))
        except (PlanscopeError, LookupError, TypeError, ValueError, AttributeError):
            pass  # not what a build wrote: built again from the text
    value = build()
    data = data_of(value)
    if data is not None:
        cache.put(key, yamlfile.to_json(data))
    return value
