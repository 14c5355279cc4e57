"""Gitignore patterns matched the way ``git check-ignore`` matches them.

``Matcher(patterns)`` reads patterns as the lines of a ``.gitignore`` at the repository root;
``which(path)`` names the pattern that decides a path (as ``git check-ignore -v``) and
``match(path)`` says whether one does. The rules are git's (dir.c, wildmatch.c) on the bytes
``os.fsencode`` gives, so ``?`` matches one byte as in git and names may hold any byte but NUL
and ``/``. A pattern without a slash (a trailing one does not count) matches a name at any
depth, one with a slash is anchored at the root; a trailing ``/`` matches folders only (each
leading component of a path is a folder, the last one a file). A pattern that matches a folder
covers everything below it and no negation brings back a path below a matched folder;
otherwise the last matching pattern decides.

Quirks of git kept so that the answers agree: an unterminated ``[``, an unknown ``[:class:]``,
a range holding no byte or a lone trailing backslash make a pattern match nothing; classes and
case folding are ASCII only; with ``ignore_case`` git folds the path and the pattern's plain
letters but not a letter in brackets or after a backslash: ``[A]`` and ``\\A`` never match.

Deliberate differences from git 2.39 (1 to 3 are tested):

1. ``foo**/bar`` does not match ``foobar``: git before 2.52 compared the literal prefix
   ``foo`` first and then read the rest as a leading ``**/``; 2.52 fixed it (1940a02).
2. A pattern holding a newline or NUL cannot be a .gitignore line; here it is matched
   literally (``problems`` reports it). A trailing CR is dropped, as git drops it.
3. ``nfc=True`` compares patterns and paths in NFC; git's core.precomposeUnicode converts
   only paths, and only on macOS.
4. Only this list counts: no nested .gitignore, info/exclude or core.excludesFile.
"""

from __future__ import annotations

import contextlib
import functools
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import chain
from typing import NamedTuple

_ENCODING, _ERRORS = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()
_LITERAL_RUN = re.compile(rb"[^*?\[\\]+")  # up to git's next is_glob_special() byte
_FLOATING_NAME = re.compile(rb"\*\*+/((?:(?!\*\*)[^/])*)", re.DOTALL)  # "**/name" is "name"
_UNTERMINATED = "has an unterminated '[' (write '\\[' for a literal bracket)"
_CACHE_LIMIT, _FEW = 1 << 16, 8  # folders remembered; globs tried one by one
_SLASH, _STAR, _UPPER = 0x2F, 0x2A, frozenset(range(0x41, 0x5B))


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


class _Unmatchable(ValueError):
    """The pattern can match no path; the message says why."""


class _Rule(NamedTuple):
    negated: bool
    dir_only: bool
    anchored: bool  # has a slash: matched against the whole path, not one name
    body: bytes  # without "!", trailing "/" and leading "/"


def _encode(text: str, nfc: bool) -> bytes:
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


def _rule(line: str, nfc: bool) -> _Rule | None:
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
    return _Rule(negated, dir_only, anchored, _encode(text, nfc))


def void(pattern: str) -> str | None:
    """Why wildmatch can match nothing with ``pattern`` (an unterminated ``[``, an unknown
    class, an empty range, a lone trailing backslash), or None."""
    rule = _rule(trim(pattern.replace("\r", "")), False)
    if rule is None or not rule.body:
        return None
    try:
        _translate(rule.body, False)
    except _Unmatchable as error:
        return str(error)
    return None


def _literal(body: bytes) -> bool:
    """Whether ``body`` holds none of git's glob-special bytes (``*?[\\``)."""
    run = _LITERAL_RUN.match(body)
    return len(body) == (run.end() if run else 0)


def _translate(body: bytes, fold: bool) -> bytes:
    """A regex matching what wildmatch(body, WM_PATHNAME) matches (on a lowered path if fold)."""
    out: list[bytes] = []
    i = 0
    while i < len(body):
        run = _LITERAL_RUN.match(body, i)
        if run:
            out.append(re.escape(run[0].lower() if fold else run[0]))
            i = run.end()
        elif body[i] == _STAR:
            piece, i = _stars(body, i)
            out.append(piece)
        elif body[i] == ord("?"):
            out.append(b"[^/]")
            i += 1
        elif body[i] == ord("["):
            piece, i = _bracket(body, i + 1, fold)
            out.append(piece)
        else:
            out.append(re.escape(_escaped(body, i + 1, fold)))
            i += 2
    return b"".join(out)


def _escaped(body: bytes, i: int, fold: bool) -> bytes:
    if i == len(body):
        raise _Unmatchable("ends in a lone backslash, so it matches nothing")
    if fold and body[i] in _UPPER:
        raise _Unmatchable("escapes an uppercase letter, which git never matches with ignorecase")
    return body[i : i + 1]


def _stars(body: bytes, i: int) -> tuple[bytes, int]:
    """A run of stars: ``**`` spans folders only as a whole path component."""
    end = i
    while end < len(body) and body[end] == _STAR:
        end += 1
    if end - i > 1 and (i == 0 or body[i - 1] == _SLASH):
        rest = body[end : end + 2]
        if not rest or rest == b"\\/":
            return b".*", end
        if rest[0] == _SLASH:
            return b"(?:.*/)?", end + 1
    return b"[^/]*", end


def _need(body: bytes, i: int) -> int:
    if i >= len(body):
        raise _Unmatchable(_UNTERMINATED)
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
    members.discard(_SLASH)
    if not members:
        raise _Unmatchable("has a bracket expression that matches no character")
    return b"[%s]" % re.escape(bytes(sorted(members))), i + 1


def _posix(body: bytes, i: int, members: set[int], fold: bool) -> tuple[int, int]:
    """``[:name:]`` at body[i]; a ``[`` with no ``:]`` before the next ``]`` is itself."""
    end = body.find(b"]", i + 2)
    if end < 0:
        raise _Unmatchable(_UNTERMINATED)
    if end == i + 2 or body[end - 1] != ord(":"):
        members.add(ord("["))
        return ord("["), i
    name = body[i + 2 : end - 1]
    if name not in _CLASSES:
        raise _Unmatchable(f"uses an unknown class [:{name.decode(errors='replace')}:]")
    members |= _CLASSES[b"lower" if fold and name == b"upper" else name]
    return 0, end


def _alternation(sources: list[tuple[int, bytes]]) -> tuple[re.Pattern[bytes] | None, list[int]]:
    """One regex for many patterns, a group each, the highest index first (it wins)."""
    sources = sorted(sources, reverse=True)
    joined = b"|".join(b"(%s)" % source for _, source in sources)
    return re.compile(joined, re.DOTALL) if sources else None, [i for i, _ in sources]


def _find(regex: re.Pattern[bytes] | None, indexes: list[int], text: bytes, best: int) -> int:
    found = regex.fullmatch(text) if regex is not None else None
    return max(best, indexes[found.lastindex - 1]) if found and found.lastindex else best


_Part = bytes | re.Pattern[bytes]
_Split = tuple[tuple[_Part, ...], tuple[_Part, ...]]


@functools.lru_cache(maxsize=4096)
def _component(part: bytes, fold: bool) -> _Part:
    """One path component of a pattern: its bytes if literal, else a regex (shared by all)."""
    if _literal(part):
        return part.lower() if fold else part
    return re.compile(_translate(part, fold), re.DOTALL)


def _split(parts: list[bytes], spans: list[int], fold: bool) -> _Split | None:
    """The components before and after the one ``**`` component, if there is at most one and
    each component stands alone (no bracket holds a slash, no escaped slash)."""
    cut = spans[0] if spans else len(parts)
    try:
        return ((tuple(_component(p, fold) for p in parts[:cut]),
                 tuple(_component(p, fold) for p in parts[cut + 1 :])) if len(spans) < 2 else None)
    except _Unmatchable:
        return None


class _Glob:
    """An anchored pattern with a wildcard, matched component by component where it can be."""

    def __init__(self, index: int, body: bytes, fold: bool) -> None:
        self.index, self.body, self.fold = index, body, fold
        parts = body.split(b"/")
        spans = [i for i, part in enumerate(parts) if len(part) > 1 and not part.strip(b"*")]
        split, self.span = _split(parts, spans, fold), bool(spans)
        self.regex: re.Pattern[bytes] | None = None
        self.head, self.tail = split or ((), ())
        # keys: literal components at a known depth (negative: from the end), to look it up by
        self.keys = [(depth, part) for depth, part in enumerate(self.head) if type(part) is bytes]
        self.keys += [(depth - len(self.tail), part) for depth, part in enumerate(self.tail)
                      if type(part) is bytes]
        if split is None:  # only components before any "**" or "[" have a known depth then
            self.regex = re.compile(_translate(body, fold), re.DOTALL)
            known = next((i for i, p in enumerate(parts) if b"**" in p or b"[" in p), len(parts))
            self.keys = [(depth, part.lower() if fold else part)
                         for depth, part in enumerate(parts[:known]) if _literal(part)]
        self.least = len(self.head) + len(self.tail) + (self.span and not self.tail)

    def source(self) -> bytes:
        return self.regex.pattern if self.regex else _translate(self.body, self.fold)

    def match(self, path: bytes, parts: Sequence[bytes]) -> bool:
        if self.regex is not None:
            return self.regex.fullmatch(path) is not None
        count = len(parts)
        if count < self.least or (count > self.least and not self.span):
            return False
        for test, part in chain(zip(self.head, parts, strict=False),
                                zip(self.tail, parts[count - len(self.tail) :], strict=True)):
            if part != test if isinstance(test, bytes) else test.fullmatch(part) is None:
                return False
        return True


class _Bucket:
    """Globs looked up together: tried one by one, or as one regex when there are many."""

    def __init__(self, globs: list[_Glob]) -> None:  # globs in the patterns' order
        self.globs = globs[::-1]
        many = [(glob.index, glob.source()) for glob in globs] if len(globs) > _FEW else []
        self.regex, self.indexes = _alternation(many) if many else (None, [])

    def best(self, path: bytes, parts: Sequence[bytes], best: int) -> int:
        """The index of the last glob here matching ``path`` if above ``best``, else ``best``."""
        if self.regex is not None:
            return _find(self.regex, self.indexes, path, best)
        for glob in self.globs:
            if glob.index <= best:
                break
            if glob.match(path, parts):
                return glob.index
        return best


class _Table:
    """Patterns of one kind (for any entry, or for folders only), by how they match."""

    def __init__(self) -> None:
        self.names: dict[bytes, int] = {}  # literal name -> last index
        self.suffixes: dict[bytes, int] = {}  # "*literal" name pattern -> last index
        self.paths: dict[bytes, int] = {}  # literal anchored path -> last index
        self.lengths: list[int] = []  # of the suffixes, shortest first
        self.name_regex: re.Pattern[bytes] | None = None  # one group per pattern
        self.name_indexes: list[int] = []
        self.loose = _Bucket([])  # globs with no literal component to look them up by
        self.keyed: list[tuple[int, dict[bytes, _Bucket]]] = []  # (index into parts, by part)
        self._names: list[tuple[int, bytes]] = []
        self._globs: list[_Glob] = []

    def add(self, index: int, rule: _Rule, fold: bool) -> None:
        body, anchored = rule.body, rule.anchored
        floating = _FLOATING_NAME.fullmatch(body) if anchored else None
        if floating:
            body, anchored = floating[1], False
        folded = body.lower() if fold else body
        if not body:
            return
        if _literal(body):
            (self.paths if anchored else self.names)[folded] = index
        elif anchored:
            self._globs.append(_Glob(index, body, fold))
        elif body[0] == _STAR and _literal(body[1:]):
            self.suffixes[folded[1:]] = index
        else:
            self._names.append((index, _translate(body, fold)))

    def seal(self) -> None:
        """Compile; each glob goes under the literal component the fewest globs share."""
        self.lengths = sorted({len(suffix) for suffix in self.suffixes})
        self.name_regex, self.name_indexes = _alternation(self._names)
        shared = Counter(key for glob in self._globs for key in glob.keys)
        loose: list[_Glob] = []
        buckets: dict[tuple[int, bytes], list[_Glob]] = {}
        for glob in self._globs:
            rarest = min(reversed(glob.keys), key=shared.__getitem__) if glob.keys else None
            (buckets.setdefault(rarest, []) if rarest else loose).append(glob)
        self.loose = _Bucket(loose)
        sides: dict[int, dict[bytes, _Bucket]] = {}
        for (depth, part), globs in buckets.items():
            sides.setdefault(depth, {})[part] = _Bucket(globs)
        self.keyed = sorted(sides.items())

    def last(self, path: bytes, parts: Sequence[bytes]) -> int:
        """The index of the last pattern matching ``path`` (split at slashes: ``parts``), or -1."""
        name = parts[-1]
        best = max(self.names.get(name, -1), self.paths.get(path, -1))
        size = len(name)
        for length in self.lengths:
            if length > size:
                break
            best = max(best, self.suffixes.get(name[size - length :], -1))
        if self.name_regex is not None:
            best = _find(self.name_regex, self.name_indexes, name, best)
        return self._globbed(path, parts, best) if self._globs else best

    def _globbed(self, path: bytes, parts: Sequence[bytes], best: int) -> int:
        best = self.loose.best(path, parts, best) if self.loose.globs else best
        count = len(parts)
        for depth, side in self.keyed:
            bucket = side.get(parts[depth]) if -count <= depth < count else None
            if bucket is not None:
                best = bucket.best(path, parts, best)
        return best


class Fold(NamedTuple):
    """How the file system compares names, as git's config says: ``core.ignorecase`` (case
    folded) and ``core.precomposeUnicode`` (names compared in NFC)."""

    ignore_case: bool = False
    nfc: bool = False

    def matcher(self, patterns: Sequence[str]) -> Matcher:
        return Matcher(patterns, ignore_case=self.ignore_case, nfc=self.nfc)


EXACT = Fold()  # names compared byte for byte


class Matcher:
    """Gitignore patterns compiled once, matched like ``git check-ignore``."""

    def __init__(
        self, patterns: Sequence[str], *, ignore_case: bool = False, nfc: bool = False
    ) -> None:
        self.patterns: tuple[str, ...] = tuple(patterns)
        self.ignore_case, self.nfc = ignore_case, nfc
        self._any, self._dirs = _Table(), _Table()
        rules = [_rule(line.removeprefix("\ufeff") if index == 0 else line, nfc)
                 for index, line in enumerate(self.patterns)]  # git skips a UTF-8 BOM
        for index, rule in enumerate(rules):
            with contextlib.suppress(_Unmatchable):
                if rule is not None:
                    (self._dirs if rule.dir_only else self._any).add(index, rule, ignore_case)
        self._negated = tuple(rule is not None and rule.negated for rule in rules)
        self._has_dirs = any(rule is not None and rule.dir_only for rule in rules)
        self._any.seal()
        self._dirs.seal()
        self._folders: dict[bytes, int] = {}  # folder -> index of the pattern excluding it, or -1

    def match(self, path: str) -> bool:
        """Whether the patterns match ``path`` (a file; each leading component a folder)."""
        return self.which(path) is not None

    def which(self, path: str) -> int | None:
        """The index of the non-negated pattern that decides ``path``, or None if unmatched."""
        data = _encode(path, self.nfc)
        if self.ignore_case:
            data = data.lower()
        cut = data.rfind(b"/")
        if cut >= 0:
            hit = self._folders.get(data[:cut])
            hit = self._folder(data[:cut]) if hit is None else hit
            if hit >= 0:
                return hit
        best = self._any.last(data, data.split(b"/"))
        return None if best < 0 or self._negated[best] else best

    def _folder(self, folder: bytes) -> int:
        """The pattern excluding ``folder`` or a folder above it (git stops there), or -1."""
        hit = self._folders.get(folder)
        if hit is not None:
            return hit
        cut = folder.rfind(b"/")
        hit = self._folder(folder[:cut]) if cut >= 0 else -1
        if hit < 0:
            parts = folder.split(b"/")
            best = self._any.last(folder, parts)
            if self._has_dirs:
                best = max(best, self._dirs.last(folder, parts))
            hit = -1 if best < 0 or self._negated[best] else best
        if len(self._folders) >= _CACHE_LIMIT:
            self._folders.clear()
        self._folders[folder] = hit
        return hit
