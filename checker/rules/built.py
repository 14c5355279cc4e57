"""Plans and config built once: the object a text gave, kept under the digest of that text.

Parsing YAML, the schema and the semantic checks cost a commit hook more than everything
else it does, and a text that built once builds the same object again. Entries are pickles
in ``.git/planscope/cache/built/``, keyed by planscope's version, its modules' stamps
(``checker.stamp``: an edited checkout builds again), the kind, the file's name and its
text. A missing, unreadable or foreign entry is built again; a text that fails to
build is never kept, so its error is reported every time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from checker.state import Cache
from checker.state import key as key_of

T = TypeVar("T")

KIND = "built"


def once(cache: Cache | None, kind: type[T], name: str, text: str, build: Callable[[], T]) -> T:
    """``build()``, or the object it gave before for the same ``name`` and ``text``."""
    if cache is None or cache.folder is None:
        return build()
    key = key_of("built", kind.__qualname__, name, text)
    found = cache.get_object(key)
    if isinstance(found, kind):
        return found
    value = build()
    cache.put_object(key, value)
    return value
