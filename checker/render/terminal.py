"""Text made safe for where planscope prints it: no character that a terminal acts on.

Everything planscope prints passes here (``checker.output``): commit subjects, trailers,
author and executor names, file names and plan text are written by whoever made the change,
and an escape sequence among them could set the clipboard (OSC 52), retitle the window, clear
the screen or hide a line. Control characters (C0 but newline and tab, DEL, C1), a carriage
return not ending a line, the Unicode direction overrides and a lone surrogate (an
undecodable byte of a file name) are written as ``\\uXXXX``: readable, valid inside a JSON
string, and inert.
"""

from __future__ import annotations

import re

_ACTIVE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                     "\u2066-\u2069\ud800-\udfff]|\r(?!\n)")


def safe(text: str) -> str:
    """``text`` with every character a terminal would act on written as ``\\uXXXX``."""
    if _ACTIVE.search(text) is None:
        return text
    return _ACTIVE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
