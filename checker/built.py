"""Plans and config built once: the object a text gave, kept under the digest of that text.

Parsing YAML, the schema and the semantic checks cost a commit hook more than everything
else it does, and a text that built once builds the same object again. Entries are pickles
in ``.git/planscope/cache/built/``, keyed by planscope's version, the size and time of the
modules whose classes they hold (an edited checkout builds again), the kind, the file's name
and its text. A missing, unreadable or foreign entry is built again; a text that fails to
build is never kept, so its error is reported every time.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from checker import __version__
from checker.state import Cache, digest

T = TypeVar("T")

KIND = "built"
_MODULES = ("plan.py", "config.py", "globs.py", "globlint.py", "yamlfile.py", "built.py")


@functools.cache
def _stamp() -> str:
    here = Path(__file__).parent
    parts = []
    for name in _MODULES:
        try:
            st = os.stat(here / name)
        except OSError:
            parts.append(name)
            continue
        parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return ";".join(parts)


def once(cache: Cache | None, kind: type[T], name: str, text: str, build: Callable[[], T]) -> T:
    """``build()``, or the object it gave before for the same ``name`` and ``text``."""
    if cache is None or cache.folder is None:
        return build()
    key = digest("built-1", __version__, _stamp(), kind.__qualname__, name, text)
    found = cache.get_object(key)
    if isinstance(found, kind):
        return found
    value = build()
    cache.put_object(key, value)
    return value
