"""Untrusted text (paths, commit subjects, a model's reasons) as inert Markdown."""

from __future__ import annotations

import re

from checker.render.text import display

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~&])")


def md_text(text: str) -> str:
    """Untrusted text as inert Markdown on one line: every punctuation mark that could start
    markup is backslash-escaped (CommonMark allows it on any ASCII punctuation)."""
    return _MD_SPECIAL.sub(r"\\\1", display(" ".join(text.split())))


def md_code(text: str, *, table: bool = False) -> str:
    """Untrusted text as an inline code span that no backtick run inside it can close."""
    shown = display(text)
    if table:
        shown = shown.replace("|", "\\|")
    longest = max((len(m) for m in re.findall(r"`+", shown)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if shown.startswith("`") or shown.endswith("`") or not shown.strip() else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def md_block(text: str, info: str = "") -> str:
    longest = max((len(m) for m in re.findall(r"^[ \t]*(`{3,})", text, re.MULTILINE)),
                  default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text.rstrip()}\n{fence}"
