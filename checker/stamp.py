"""What a remembered answer rests on in planscope's own code: every module by path, size and
modification time. An installed planscope never changes under its caches; an edited checkout
builds and decides again."""

from __future__ import annotations

import functools
import os


@functools.cache
def modules() -> tuple[str, ...]:
    """``path:size:mtime`` of every module of the package, sorted; () when one cannot be
    read (then nothing matches what was remembered)."""
    here = os.path.dirname(os.path.abspath(__file__))
    out = []
    for folder in (here, *(os.path.join(here, d) for d in ("commands", "model", "render"))):
        try:
            with os.scandir(folder) as entries:
                for e in entries:
                    if e.name.endswith(".py"):
                        st = e.stat()
                        out.append(f"{e.path}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            return ()
    return tuple(sorted(out))
