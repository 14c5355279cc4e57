"""What ``validate`` says about a glob before anyone relies on it.

``problems`` are errors: a pattern that is not repo-relative or that git can match nothing
with (a forbid rule that is silently void). ``warnings`` are patterns git accepts that likely
do not mean what they look like. ``literal`` is the one path a plain pattern names.
"""

from __future__ import annotations

import re

from checker.rules.wildmatch import trim, void

_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ABSOLUTE = re.compile(r"//|~(/|$)|[A-Za-z]:[\\/]")
_BRACKET = re.compile(r"\\.|\[(\]?[^\]]*)\]", re.DOTALL)


def _q(text: str) -> str:
    return f"'{text}'" if text.isprintable() else repr(text)


def literal(pattern: str) -> str | None:
    """The one path a plain pattern names, escapes removed and a leading ``/`` dropped; None
    for a comment, negation, trailing slash, wildcard or bracket. A pattern without a slash
    also matches that name in every folder (``warnings`` says so)."""
    text = trim(pattern.removesuffix("\r"))
    bare = _ESCAPE.sub("", text)
    if not text or text[0] in "#!" or text.endswith("/") or re.search(r"[*?\[\\]", bare):
        return None
    path = _ESCAPE.sub(r"\1", text)
    return path[1:] if text.startswith("/") else path


def _shape(text: str, body: str) -> str | None:
    parts = [_ESCAPE.sub(r"\1", part) for part in body.removeprefix("/").split("/")]
    if text.startswith("#"):
        return "is a comment in .gitignore; write '\\#' for a leading '#'"
    if not body:
        return "is empty"
    if _ABSOLUTE.match(body):
        return "is an absolute path; plans use repo-relative paths"
    if ".." in parts:
        return "climbs out with '..'; plans use repo-relative paths"
    if "." in parts:
        return "has a '.' component ('./' or '/./'), which git never matches"
    return "has an empty component ('//'), which git never matches" if "" in parts else None


def problems(pattern: str) -> list[str]:
    """Hard errors: why ``pattern`` is no repo-relative pattern git can match, if it is not."""
    found: list[str] = []
    if any(c in pattern for c in "\n\r\0"):
        found.append("holds a line break or NUL, which a .gitignore line cannot")
    text = trim(pattern.replace("\r", ""))
    body = text.removeprefix("!")
    body = body[:-1] if body.endswith("/") else body
    if (why := _shape(text, body)) is not None:
        found.append(why)
    if body and (why := void(text)) is not None:
        found.append(why)
    return [f"{_q(pattern)} {why}" for why in found]


def _name_brackets(text: str) -> list[str]:
    """Bracket expressions that look like part of a name (``[id]``, ``[...slug]``), not like
    a set (``[Mm]``, ``[a-z]``, ``[!x]``, ``[[:digit:]]``)."""
    found = []
    for m in _BRACKET.finditer(text):
        inner = m[1] or ""
        pair = len(inner) == 2 and inner[0].lower() == inner[1].lower()
        span = len(inner) == 3 and inner[1] == "-"
        if len(inner) > 1 and inner[0] not in "!^" and "[:" not in inner and not (pair or span):
            found.append(m[0])
    return found


def floating(pattern: str) -> str | None:
    """A plain name without a slash matches that name in every folder (gitignore's rule,
    often not what a plan means); what to write for the root one only."""
    text = trim(pattern.removesuffix("\r"))
    if (path := literal(pattern)) is not None and "/" not in text:
        return (f"{_q(pattern)} has no slash, so it matches {_q(path)} in every folder; "
                f"write {_q('/' + text)} for the root one only")
    return None


def warnings(pattern: str) -> list[str]:
    """Patterns git accepts that likely do not mean what they look like (a name without a
    slash is gitignore's plain rule: see ``floating``)."""
    found: list[str] = []
    line = pattern.removesuffix("\r")
    text = trim(line)
    bare = _ESCAPE.sub("\0\0", text.removeprefix("!"))  # escapes out of the way
    if text != line and text:
        found.append("ends in spaces, which git drops; write '\\ ' to keep one")
    brackets = _name_brackets(text)
    if brackets and not re.search(r"[*?]", bare) and not text.startswith("!"):
        example = _BRACKET.sub(lambda m: m[1][0] if m[0] in brackets else m[0], text)
        fixed = _BRACKET.sub(lambda m: f"\\[{m[1]}\\]" if m[0] in brackets else m[0], text)
        found.append(f"reads {brackets[0]} as one character of a set, so it matches "
                     f"{_q(example)}, not the brackets; write {_q(fixed)}")
    if any(f"/{bare}/"[m.start()] != "/" or f"/{bare}/"[m.end() + 1] != "/"
           for m in re.finditer(r"\*\*+", bare)):
        found.append("has a '**' that is not a whole path component, so it acts like '*'")
    if any("A" <= m[1] <= "Z" for m in _ESCAPE.finditer(text)):
        found.append("escapes an uppercase letter, which git never matches with core.ignorecase")
    return [f"{_q(pattern)} {why}" for why in found]
