"""One gitignore pattern read the way git reads it: the line rules of dir.c
(``parse``: negation, trailing ``/``, anchoring, trailing spaces) and wildmatch.c as one
regular expression (``translate``), on the bytes ``os.fsencode`` gives. ``checker.rules.globs``
compiles many of them into one table.

The rules are git's, so ``?`` matches one byte as in git and names may hold any byte but NUL
and ``/``. A pattern without a slash (a trailing one does not count) matches a name at any
depth, one with a slash is anchored at the root; a trailing ``/`` matches folders only.

Quirks of git kept so that the answers agree: an unterminated ``[``, an unknown ``[:class:]``,
a range holding no byte or a lone trailing backslash make a pattern match nothing; classes and
case folding are ASCII only; with ``ignore_case`` git folds the path and the pattern's plain
letters but not a letter in brackets or after a backslash: ``[A]`` and ``\\A`` never match.
"""

from __future__ import annotations

import itertools
import re
import sys
import unicodedata
from collections.abc import Callable
from typing import NamedTuple

_ENCODING, _ERRORS = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()
_LITERAL_RUN = re.compile(rb"[^*?\[\\]+")  # up to git's next is_glob_special() byte
FLOATING_NAME = re.compile(rb"\*\*+/((?:(?!\*\*)[^/])*)", re.DOTALL)  # "**/name" is "name"
_UNTERMINATED = "has an unterminated '[' (write '\\[' for a literal bracket)"
SLASH, STAR, _UPPER = 0x2F, 0x2A, frozenset(range(0x41, 0x5B))


def _ascii(test: Callable[[str], bool]) -> frozenset[int]:
    return frozenset(c for c in range(128) if test(chr(c)))


# git's ctype.c (glibc's for blank and graph): nothing at or above 0x80 is in a class.
_CLASSES: dict[bytes, frozenset[int]] = {
    b"alnum": _ascii(str.isalnum), b"alpha": _ascii(str.isalpha), b"blank": frozenset(b" \t"),
    b"cntrl": frozenset([*range(32), 127]), b"digit": _ascii(str.isdigit),
    b"graph": frozenset(range(33, 127)), b"lower": _ascii(str.islower),
    b"print": frozenset(range(32, 127)), b"space": frozenset(b" \t\n\r"),
    b"punct": frozenset(c for c in range(33, 127) if not chr(c).isalnum()),
    b"upper": _ascii(str.isupper), b"xdigit": frozenset(b"0123456789abcdefABCDEF"),
}


class Unmatchable(ValueError):
    """The pattern can match no path; the message says why."""


class Rule(NamedTuple):
    negated: bool
    dir_only: bool
    anchored: bool  # has a slash: matched against the whole path, not one name
    body: bytes  # without "!", trailing "/" and leading "/"


def encode(text: str, nfc: bool) -> bytes:
    if nfc and not text.isascii():
        text = unicodedata.normalize("NFC", text)
    try:
        return text.encode(_ENCODING, _ERRORS)
    except UnicodeEncodeError:  # a lone surrogate os.fsdecode would never produce
        return b"".join(_encode_char(c) for c in text)


def _encode_char(char: str) -> bytes:
    try:
        return char.encode(_ENCODING, _ERRORS)
    except UnicodeEncodeError:
        return char.encode("utf-8", "surrogatepass")


def trim(line: str) -> str:
    """git's trim_trailing_spaces(): drop trailing spaces, keeping one escaped as ``\\ ``."""
    stripped = line.rstrip(" ")
    if len(stripped) == len(line):
        return line
    backslashes = len(stripped) - len(stripped.rstrip("\\"))
    return stripped + " " if backslashes % 2 else stripped


def parse(line: str, nfc: bool) -> Rule | None:
    """One .gitignore line, read as add_patterns_from_buffer() and parse_path_pattern() do."""
    line = line.removesuffix("\r")
    if not line or line.startswith("#"):
        return None
    text = trim(line)
    negated = text.startswith("!")
    text = text[1:] if negated else text
    dir_only = text.endswith("/")
    text = text[:-1] if dir_only else text
    anchored = "/" in text
    text = text[1:] if text.startswith("/") else text
    return Rule(negated, dir_only, anchored, encode(text, nfc))


def void(pattern: str) -> str | None:
    """Why wildmatch can match nothing with ``pattern`` (an unterminated ``[``, an unknown
    class, an empty range, a lone trailing backslash), or None."""
    rule = parse(trim(pattern.replace("\r", "")), False)
    if rule is None or not rule.body:
        return None
    try:
        translate(rule.body, False)
    except Unmatchable as error:
        return str(error)
    return None


def is_literal(body: bytes) -> bool:
    """Whether ``body`` holds none of git's glob-special bytes (``*?[\\``)."""
    run = _LITERAL_RUN.match(body)
    return len(body) == (run.end() if run else 0)


def translate(body: bytes, fold: bool) -> bytes:
    """A regex matching what wildmatch(body, WM_PATHNAME) matches (on a lowered path if fold),
    in time linear in the path for each star (``_atomic``)."""
    out: list[bytes | _Star] = []
    i = 0
    while i < len(body):
        run = _LITERAL_RUN.match(body, i)
        if run:
            out.append(re.escape(run[0].lower() if fold else run[0]))
            i = run.end()
        elif body[i] == STAR:
            piece, i = _stars(body, i)
            out.append(_Star(piece))
        elif body[i] == ord("?"):
            out.append(b"[^/]")
            i += 1
        elif body[i] == ord("["):
            piece, i = _bracket(body, i + 1, fold)
            out.append(piece)
        else:
            out.append(re.escape(_escaped(body, i + 1, fold)))
            i += 2
    return _atomic(out)


class _Star(bytes):
    """A star's regex, told apart from the fixed-length pieces between stars."""


_LAZY = {b"[^/]*": b"[^/]*?", b"(?:.*/)?": b"(?:.*?/)??", b".*": b".*?"}
_group_names = itertools.count()


_ONE, _DEEP = b"[^/]*", b"(?:.*/)?"


def _atomic(pieces: list[bytes | _Star]) -> bytes:
    """The pieces joined, so that no path makes the match backtrack through every way it
    could be cut (git's wildmatch needs no such time either). A star followed by the pieces
    up to the next star of its kind, with that kind after them, is matched with them at its
    leftmost place and never tried elsewhere: ``(?=(?P<w>STAR?RUN))(?P=w)``, an atomic group
    in the regex Python 3.10 has. Leftmost is right there: the next star of the kind takes up
    whatever lies between. The kinds: ``*`` then ``*`` in one name (``*-*-*.md``), and
    ``**/`` then ``**`` over whole folders (``**/a/**/b/**/c``, the run between them a fixed
    number of whole folder names, ``*`` in them or not); ``**/**/`` is ``**/``."""
    parts: list[bytes] = []  # rendered runs between folder stars, and the stars themselves
    chunk: list[bytes | _Star] = []
    for piece in _collapsed(pieces):
        if isinstance(piece, _Star) and piece in (_DEEP, _ALL):
            parts += [_in_names(chunk), piece]
            chunk = []
        else:
            chunk.append(piece)
    parts.append(_in_names(chunk))
    out = [parts[0]]
    for i in range(1, len(parts), 2):
        star, run = parts[i], parts[i + 1]
        if star == _DEEP and i + 2 < len(parts) and run.endswith(b"/"):
            out.append(_once(star, run))
        else:
            out.append(star + run)
    return b"".join(out)


_ALL = b".*"


def _collapsed(pieces: list[bytes | _Star]) -> list[bytes | _Star]:
    """``**/`` right before another ``**/`` or a final ``**`` adds nothing: left out."""
    out: list[bytes | _Star] = []
    for piece in pieces:
        if isinstance(piece, _Star) and piece in (_DEEP, _ALL) and out and out[-1] == _DEEP:
            out.pop()
        out.append(piece)
    return out


def _in_names(pieces: list[bytes | _Star]) -> bytes:
    """A run of pieces with no folder star: each ``*`` followed, within the same name, by a
    fixed-length run and another ``*`` is matched once, leftmost."""
    stars = [i for i, p in enumerate(pieces) if isinstance(p, _Star)]
    if not stars:
        return b"".join(pieces)
    out: list[bytes] = [b"".join(pieces[:stars[0]])]
    for at, nxt in zip(stars, [*stars[1:], None], strict=True):
        star, run = pieces[at], b"".join(pieces[at + 1:nxt])
        after = pieces[nxt] if nxt is not None else None
        if star == after == _ONE and b"/" not in run:
            out.append(_once(star, run))
        else:
            out.append(star + run)
    return b"".join(out)


def _once(star: bytes, run: bytes) -> bytes:
    name = b"w%d" % next(_group_names)
    return b"(?=(?P<%s>%s%s))(?P=%s)" % (name, _LAZY[star], run, name)


def _escaped(body: bytes, i: int, fold: bool) -> bytes:
    if i == len(body):
        raise Unmatchable("ends in a lone backslash, so it matches nothing")
    if fold and body[i] in _UPPER:
        raise Unmatchable("escapes an uppercase letter, which git never matches with ignorecase")
    return body[i : i + 1]


def _stars(body: bytes, i: int) -> tuple[bytes, int]:
    """A run of stars: ``**`` spans folders only as a whole path component."""
    end = i
    while end < len(body) and body[end] == STAR:
        end += 1
    if end - i > 1 and (i == 0 or body[i - 1] == SLASH):
        rest = body[end : end + 2]
        if not rest or rest == b"\\/":
            return b".*", end
        if rest[0] == SLASH:
            return b"(?:.*/)?", end + 1
    return b"[^/]*", end


def _need(body: bytes, i: int) -> int:
    if i >= len(body):
        raise Unmatchable(_UNTERMINATED)
    return body[i]


def _bracket(body: bytes, i: int, fold: bool) -> tuple[bytes, int]:
    """A class of the bytes the bracket expression at body[i] matches, parsed as wildmatch."""
    negated = body[i : i + 1] in (b"!", b"^")
    i += negated
    members: set[int] = set()
    prev = 0
    while True:
        c = _need(body, i)
        if c == ord("\\"):
            i += 1
            c = _need(body, i)
            members.add(c)
        elif c == ord("-") and prev and body[i + 1 : i + 2] not in (b"", b"]"):
            i += 1 + (body[i + 1] == ord("\\"))
            c, high = 0, _need(body, i)
            members |= set(range(prev, high + 1))
            if fold:  # wildmatch also takes a lowercase byte whose uppercase is in the range
                members |= {u + 32 for u in _UPPER.intersection(range(prev, high + 1))}
        elif c == ord("[") and body[i + 1 : i + 2] == b":":
            c, i = _posix(body, i, members, fold)
        else:
            members.add(c)
        prev, i = c, i + 1
        if body[i : i + 1] == b"]":
            break
    if negated:
        members = set(range(1, 256)) - members
    members.discard(SLASH)
    if not members:
        raise Unmatchable("has a bracket expression that matches no character")
    return b"[%s]" % re.escape(bytes(sorted(members))), i + 1


def _posix(body: bytes, i: int, members: set[int], fold: bool) -> tuple[int, int]:
    """``[:name:]`` at body[i]; a ``[`` with no ``:]`` before the next ``]`` is itself."""
    end = body.find(b"]", i + 2)
    if end < 0:
        raise Unmatchable(_UNTERMINATED)
    if end == i + 2 or body[end - 1] != ord(":"):
        members.add(ord("["))
        return ord("["), i
    name = body[i + 2 : end - 1]
    if name not in _CLASSES:
        raise Unmatchable(f"uses an unknown class [:{name.decode(errors='replace')}:]")
    members |= _CLASSES[b"lower" if fold and name == b"upper" else name]
    return 0, end


def alternation(sources: list[tuple[int, bytes]]) -> tuple[re.Pattern[bytes] | None, list[int]]:
    """One regex for many patterns, a named group each (``p0``, ``p1``... in this order), the
    highest index first (it wins)."""
    sources = sorted(sources, reverse=True)
    joined = b"|".join(b"(?P<p%d>%s)" % (n, source) for n, (_, source) in enumerate(sources))
    return re.compile(joined, re.DOTALL) if sources else None, [i for i, _ in sources]


def find(regex: re.Pattern[bytes] | None, indexes: list[int], text: bytes, best: int) -> int:
    found = regex.fullmatch(text) if regex is not None else None
    if not found or not found.lastgroup:
        return best
    return max(best, indexes[int(found.lastgroup[1:])])


