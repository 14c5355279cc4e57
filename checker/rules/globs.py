"""Gitignore patterns matched the way ``git check-ignore`` matches them.

``Matcher(patterns)`` reads patterns as the lines of a ``.gitignore`` at the repository root;
``which(path)`` names the pattern that decides a path (as ``git check-ignore -v``) and
``match(path)`` says whether one does. Each pattern is read by ``checker.rules.wildmatch``
(git's dir.c and wildmatch.c); this module compiles many of them into one table, looked up
by name, suffix, literal path and the rarest literal component, so that thousands of
patterns cost little more than a few. A pattern that matches a folder covers everything
below it (each leading component of a path is a folder, the last one a file) and no
negation brings back a path below a matched folder; otherwise the last matching pattern
decides.

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
from collections import Counter
from collections.abc import Sequence
from itertools import chain
from pathlib import Path
from typing import NamedTuple

from checker.rules import wildmatch

_CACHE_LIMIT, _FEW = 1 << 16, 8  # folders remembered; globs tried one by one
# Above _LAZY patterns, the first _PROBES paths are matched by a table of the patterns that
# could match them (by their literal start) before the whole table is built: the guard asks
# about one or two paths, and building 3,000 patterns' table took it 28 ms (bench/hotpath.py).
_LAZY, _PROBES = 256, 8
_LITERAL_START = re.compile(r"[^*?\[\\ \t\r]+")  # a pattern line's text before any glob byte

_Part = bytes | re.Pattern[bytes]
_Split = tuple[tuple[_Part, ...], tuple[_Part, ...]]


@functools.lru_cache(maxsize=4096)
def _component(part: bytes, fold: bool) -> _Part:
    """One path component of a pattern: its bytes if literal, else a regex (shared by all)."""
    if wildmatch.is_literal(part):
        return part.lower() if fold else part
    return re.compile(wildmatch.translate(part, fold), re.DOTALL)


def _split(parts: list[bytes], spans: list[int], fold: bool) -> _Split | None:
    """The components before and after the one ``**`` component, if there is at most one and
    each component stands alone (no bracket holds a slash, no escaped slash)."""
    cut = spans[0] if spans else len(parts)
    try:
        return ((tuple(_component(p, fold) for p in parts[:cut]),
                 tuple(_component(p, fold) for p in parts[cut + 1 :])) if len(spans) < 2 else None)
    except wildmatch.Unmatchable:
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
            self.regex = re.compile(wildmatch.translate(body, fold), re.DOTALL)
            known = next((i for i, p in enumerate(parts) if b"**" in p or b"[" in p), len(parts))
            self.keys = [(depth, part.lower() if fold else part)
                         for depth, part in enumerate(parts[:known]) if wildmatch.is_literal(part)]
        self.least = len(self.head) + len(self.tail) + (self.span and not self.tail)

    def source(self) -> bytes:
        return self.regex.pattern if self.regex else wildmatch.translate(self.body, self.fold)

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
        self.regex, self.indexes = wildmatch.alternation(many) if many else (None, [])

    def best(self, path: bytes, parts: Sequence[bytes], best: int) -> int:
        """The index of the last glob here matching ``path`` if above ``best``, else ``best``."""
        if self.regex is not None:
            return wildmatch.find(self.regex, self.indexes, path, best)
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
        self._named: dict[bytes, int] = {}  # name -> what the name patterns say of it

    def add(self, index: int, rule: wildmatch.Rule, fold: bool) -> None:
        body, anchored = rule.body, rule.anchored
        floating = wildmatch.FLOATING_NAME.fullmatch(body) if anchored else None
        if floating:
            body, anchored = floating[1], False
        folded = body.lower() if fold else body
        if not body:
            return
        if wildmatch.is_literal(body):
            (self.paths if anchored else self.names)[folded] = index
        elif anchored:
            self._globs.append(_Glob(index, body, fold))
        elif body[0] == wildmatch.STAR and wildmatch.is_literal(body[1:]):
            self.suffixes[folded[1:]] = index
        else:
            self._names.append((index, wildmatch.translate(body, fold)))

    def seal(self) -> None:
        """Compile; each glob goes under the literal component the fewest globs share."""
        self.lengths = sorted({len(suffix) for suffix in self.suffixes})
        self.name_regex, self.name_indexes = wildmatch.alternation(self._names)
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
        best = self._named.get(name)
        if best is None:  # what the name alone decides: the same in every folder
            best = self.names.get(name, -1)
            size = len(name)
            for length in self.lengths:
                if length > size:
                    break
                best = max(best, self.suffixes.get(name[size - length :], -1))
            if self.name_regex is not None:
                best = wildmatch.find(self.name_regex, self.name_indexes, name, best)
            if len(self._named) >= _CACHE_LIMIT:
                self._named.clear()
            self._named[name] = best
        best = max(best, self.paths.get(path, -1))
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


def fold_of(root: Path) -> Fold:
    """How the repository at ``root`` compares names (``repository.name_folding``)."""
    from checker.git import repository

    return Fold(*repository.name_folding(root))


class Matcher:
    """Gitignore patterns compiled once, matched like ``git check-ignore``."""

    def __init__(
        self, patterns: Sequence[str], *, ignore_case: bool = False, nfc: bool = False
    ) -> None:
        self.patterns: tuple[str, ...] = tuple(patterns)
        self.ignore_case, self.nfc = ignore_case, nfc
        self._probes = 0 if len(self.patterns) > _LAZY and not nfc else _PROBES
        self._built = False
        if self._probes == _PROBES:
            self._build()

    def _build(self) -> None:
        rules = [wildmatch.parse(line.removeprefix("\ufeff") if index == 0 else line, self.nfc)
                 for index, line in enumerate(self.patterns)]  # git skips a UTF-8 BOM
        ignore_case = self.ignore_case
        self._built = True
        self._any, self._dirs = _Table(), _Table()
        for index, rule in enumerate(rules):
            with contextlib.suppress(wildmatch.Unmatchable):
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
        data = wildmatch.encode(path, self.nfc)
        if self.ignore_case:
            data = data.lower()
        if not self._built:
            if self._probes >= _PROBES:
                self._build()
            else:
                self._probes += 1
                return self._probe(path).which(path)
        cut = data.rfind(b"/")
        if cut >= 0:
            hit = self._folders.get(data[:cut])
            hit = self._folder(data[:cut]) if hit is None else hit
            if hit >= 0:
                return hit
        best = self._any.last(data, data.split(b"/"))
        return None if best < 0 or self._negated[best] else best

    def _probe(self, path: str) -> Matcher:
        """A matcher of the patterns that could decide ``path`` or a folder above it, each at
        its own index (the others blank): an anchored pattern only matches paths that start
        with its literal start, and so do the folders it matches. Read from the line itself,
        without parsing it, and only where that is sure: a pattern in doubt is kept."""
        folded = path.lower() if self.ignore_case else path
        kept = []
        for index, line in enumerate(self.patterns):
            rest = line[1:] if line.startswith("!") else line
            rest = rest[1:] if rest.startswith("/") else rest
            start = _LITERAL_START.match(rest)
            head = start.group() if start and index else ""  # (the first line: a BOM?)
            slash = head.find("/")
            anchored = 0 <= slash < len(rest.rstrip("/ \t\r")) - 1
            if anchored and not folded.startswith(head.lower() if self.ignore_case else head):
                line = ""
            kept.append(line)
        probe = Matcher(kept, ignore_case=self.ignore_case, nfc=self.nfc)
        probe._build()
        return probe

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
