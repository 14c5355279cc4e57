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
    folders = [here]
    try:
        while folders:
            with os.scandir(folders.pop()) as entries:
                for e in entries:
                    if e.name.endswith(".py"):
                        st = e.stat()
                        out.append(f"{e.path}:{st.st_size}:{st.st_mtime_ns}")
                    elif e.is_dir() and not e.name.startswith((".", "_")):
                        folders.append(e.path)
    except OSError:
        return ()
    return tuple(sorted(out))
