"""git's output formats, parsed: pure functions and the records they make, no process.

``checker.git`` runs git and hands its output here; nothing else in planscope reads git
output.
Names arrive with ``-z`` and are decoded like ``os.fsdecode`` (undecodable bytes kept as
surrogate escapes), so any byte a file name can hold survives the round trip.
"""

from __future__ import annotations

import os
import re
import sys
from typing import NamedTuple

from checker.errors import BadInput
from checker.git.messagetext import near_misses, reverted, split_message, trailer_values
from checker.record import record

_FS_ENCODING = sys.getfilesystemencoding()


class Change(NamedTuple):
    """One changed path. ``old_path`` is set for renames (status ``R``).

    A named tuple: a big diff makes tens of thousands of them.
    """

    status: str  # A C D M R T U X (one letter)
    path: str
    old_path: str | None = None

    @property
    def paths(self) -> tuple[str, ...]:
        """The paths this change touches: a rename touches both names."""
        if self.status == "R" and self.old_path is not None:
            return (self.old_path, self.path)
        return (self.path,)


def parse_name_status(out: bytes) -> list[Change]:
    """Parse ``git diff --name-status -z`` output (names decoded like ``os.fsdecode``)."""
    fields = out.decode(_FS_ENCODING, "surrogateescape").split("\0")
    if fields and fields[-1] == "":
        fields.pop()
    changes: list[Change] = []
    append = changes.append
    i = 0
    while i < len(fields):
        letter = fields[i][:1]
        if letter == "R":
            append(Change("R", fields[i + 2], fields[i + 1]))
            i += 3
        elif letter == "C":  # a copy leaves its source untouched: only the new path changed
            append(Change("C", fields[i + 2]))
            i += 3
        else:
            append(Change(letter, fields[i + 1]))
            i += 2
    return changes


def parse_status(out: bytes) -> list[str]:
    """The paths ``git status --porcelain=v2 -z`` names: changed, unmerged and untracked
    (both names of a rename), decoded like ``os.fsdecode``."""
    fields = out.decode(_FS_ENCODING, "surrogateescape").split("\0")
    paths: list[str] = []
    i = 0
    while i < len(fields):
        entry = fields[i]
        kind = entry[:1]
        if kind == "1":
            paths.append(entry.split(" ", 8)[-1])
        elif kind == "2":  # a rename or copy: the new name, then the old one in its own field
            paths.append(entry.split(" ", 9)[-1])
            if i + 1 < len(fields):
                paths.append(fields[i + 1])
            i += 1
        elif kind == "u":
            paths.append(entry.split(" ", 10)[-1])
        elif kind == "?":
            paths.append(entry[2:])
        i += 1
    return paths


def parse_hidden(out: bytes) -> set[str]:
    """From ``git ls-files -v -z``: the paths git was told not to look at in the work tree
    (assume-unchanged: a lowercase tag; skip-worktree: ``S``)."""
    found = set()
    for entry in out.decode(_FS_ENCODING, "surrogateescape").split("\0"):
        tag, _, path = entry.partition(" ")
        if path and (tag.islower() or tag == "S"):
            found.add(path)
    return found


def parse_numstat(out: bytes) -> int | None:
    """Added plus deleted lines of ``git diff --numstat -z`` output (``None`` when a binary
    file is among the changes). A record is ``ADDED TAB DELETED TAB PATH NUL``; for a rename
    or copy the path is empty and the old and new names follow as NUL-separated fields."""
    fields = out.split(b"\0")
    total, i = 0, 0
    while i < len(fields):
        record = fields[i]
        i += 1
        if not record:
            continue
        added, deleted, path = [*record.split(b"\t", 2), b"", b""][:3]
        if not path:
            i += 2  # a rename's old and new names are fields of their own
        if added == b"-" or deleted == b"-":
            return None
        if not (added.isdigit() and deleted.isdigit()):
            raise BadInput(f"git diff --numstat: unexpected record {record[:80]!r}")
        total += int(added) + int(deleted)
    return total


@record(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    subject: str
    plan_trailers: tuple[str, ...]  # values of every ``Plan:`` trailer, in order
    reverts: str | None = None  # the commit a ``git revert`` message names
    near_misses: tuple[str, ...] = ()  # with no Plan: trailer, what looks meant as one

    @property
    def short(self) -> str:
        return self.sha[:9]


# Four fields a commit, each ended by a NUL (``-z`` ends the last): no field can hold a NUL
# (git keeps none in a message), so no message can shift the fields. The Plan: trailers come
# as git's trailer parser gives them, one ``Key: value`` line each, continuation lines
# unfolded: the same lines ``git interpret-trailers --parse`` gives the commit-msg hook.
LOG_FORMAT = "%H%x00%P%x00%(trailers:key=Plan,unfold)%x00%B"
_LOG_FIELDS = 4
_OID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


def _commit(fields: list[bytes]) -> Commit:
    sha, parent_ids, trailers, message = (f.decode("utf-8", "replace") for f in fields)
    parents = tuple(parent_ids.split())
    if not _OID.fullmatch(sha) or not all(_OID.fullmatch(p) for p in parents):
        raise BadInput(f"git log: unexpected record {fields[0][:80]!r}")
    subject, _ = split_message(message)
    values = trailer_values(trailers, "Plan")
    return Commit(sha, parents, subject, values, reverted(message),
                  () if values else near_misses(message))


def parse_log(out: bytes) -> list[Commit]:
    """``git log -z --format=LOG_FORMAT`` output → commits, oldest first."""
    fields = out.split(b"\0")
    if fields and not fields[-1]:
        fields.pop()  # the end of the last record
    if len(fields) % _LOG_FIELDS:
        raise BadInput(f"git log: {len(fields)} fields, not {_LOG_FIELDS} a commit")
    commits = [_commit(fields[i:i + _LOG_FIELDS]) for i in range(0, len(fields), _LOG_FIELDS)]
    commits.reverse()
    return commits


_STATUS = re.compile(rb"[ACDMRTUXB][0-9]*")


def parse_log_changes(out: bytes) -> list[tuple[Commit, list[Change]]]:
    """``git log -z --name-status --format=LOG_FORMAT`` output → each commit with its
    changes, oldest first. Fields are read by their number (a status, then one path, or two
    for a rename or copy), so no path, whatever it holds, is taken for a header."""
    fields = out.split(b"\0")
    found: list[tuple[Commit, list[Change]]] = []
    i = 0
    while i < len(fields):
        if not fields[i]:
            i += 1
            continue
        if i + _LOG_FIELDS > len(fields):
            raise BadInput("git log: a commit record cut short")
        commit = _commit(fields[i:i + _LOG_FIELDS])
        i += _LOG_FIELDS
        changes: list[Change] = []
        if i < len(fields) and fields[i].startswith(b"\n"):
            fields[i] = fields[i][1:]
            while i < len(fields) and _STATUS.fullmatch(fields[i]):
                letter = fields[i][:1].decode()
                names = [f.decode(_FS_ENCODING, "surrogateescape")
                         for f in fields[i + 1:i + (3 if letter in "RC" else 2)]]
                if letter == "R":
                    changes.append(Change("R", names[1], names[0]))
                elif letter == "C":
                    changes.append(Change("C", names[1]))
                else:
                    changes.append(Change(letter, names[0]))
                i += 3 if letter in "RC" else 2
        found.append((commit, changes))
    found.reverse()
    return found


def parse_range(text: str) -> tuple[str, str]:
    """``A..B`` → (A, B); BadInput for anything else (``A...B`` included)."""
    a, sep, b = text.partition("..")
    if not sep or b.startswith(".") or not a or not b:
        raise BadInput(f"--range takes A..B, got {text!r}")
    return a, b


def abbrev(rev: str) -> str:
    """A full commit id shortened for messages; any other revision as given."""
    return rev[:9] if re.fullmatch(r"[0-9a-f]{40}(?:[0-9a-f]{24})?", rev) else rev


# --- what git tells a pre-push hook on stdin ----------------------------------------------

ZERO = re.compile(r"0{40}(?:0{24})?")
SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


@record(frozen=True)
class RefUpdate:
    """One line git gives a pre-push hook on stdin."""

    local_ref: str
    local_sha: str
    remote_ref: str
    remote_sha: str

    @property
    def deletes(self) -> bool:
        return ZERO.fullmatch(self.local_sha) is not None

    @property
    def creates(self) -> bool:
        return ZERO.fullmatch(self.remote_sha) is not None


def parse_push_lines(data: bytes) -> list[RefUpdate]:
    """``<local ref> SP <local sha> SP <remote ref> SP <remote sha>`` lines; anything else is
    bad input."""
    updates = []
    for n, raw in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
        if not raw.strip():
            continue
        parts = raw.rsplit(maxsplit=3)
        if len(parts) != 4 or not SHA.fullmatch(parts[1]) or not SHA.fullmatch(parts[3]):
            raise BadInput(
                f"pre-push: line {n} of stdin is not '<local ref> <local sha> <remote ref> "
                f"<remote sha>': {raw[:200]!r}")
        updates.append(RefUpdate(*parts))
    return updates


# --- names as git prints them in diff headers ---------------------------------------------

_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def unquote(name: str) -> str:
    """A path as git prints it in a diff header (maybe C-quoted), without its a/ or b/."""
    if len(name) >= 2 and name[0] == '"' and name[-1] == '"':
        name = os.fsdecode(_unescape(name[1:-1]))
    if name.startswith(("a/", "b/")):
        name = name[2:]
    return name


def _unescape(body: str) -> bytes:
    out, i = bytearray(), 0
    while i < len(body):
        c = body[i]
        if c != "\\" or i + 1 >= len(body):
            out += c.encode("utf-8", "surrogateescape")
            i += 1
            continue
        digits = body[i + 1:i + 4]
        if len(digits) == 3 and all(d in "01234567" for d in digits):
            out.append(int(digits, 8) & 0xFF)
            i += 4
        else:
            out.append(_ESCAPES.get(body[i + 1], ord(body[i + 1]) & 0xFF))
            i += 2
    return bytes(out)


def parse_batch(out: bytes) -> dict[str, bytes]:
    """``git cat-file --batch`` output → blob id → bytes (``ID missing`` and objects that are
    not blobs are left out)."""
    found: dict[str, bytes] = {}
    at = 0
    while at < len(out):
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) != 3:  # "<id> missing" or "<name> ambiguous"
            continue
        size = int(header[2])
        if header[1] == b"blob":
            found[header[0].decode("ascii")] = out[at:at + size]
        at += size + 1
    return found


class Blamed(NamedTuple):
    """Where one line came from (``git blame --porcelain``)."""

    sha: str  # all zeros: not committed yet
    path: str  # the file's name in that commit (blame follows renames)
    line: int  # the line's number there


def parse_blame(out: bytes) -> Blamed | None:
    """The first line's origin in ``git blame --porcelain`` output; None when there is none.
    A ``filename`` holding odd bytes comes C-quoted."""
    lines = out.split(b"\n")
    head = lines[0].split()
    if len(head) < 3:
        return None
    raw = next((line[len(b"filename "):] for line in lines[1:]
                if line.startswith(b"filename ")), b"")
    if len(raw) >= 2 and raw[:1] == raw[-1:] == b'"':
        raw = _unescape(raw[1:-1].decode("utf-8", "surrogateescape"))
    return Blamed(head[0].decode("ascii"), os.fsdecode(raw), int(head[1]))


# Five NUL-ended fields a commit, as LOG_FORMAT: no name or trailer can shift them.
STATS_FORMAT = ("%H%x00%an <%ae>%x00%aI%x00%(trailers:key=Executor,unfold)%x00"
                "%(trailers:key=Co-authored-by,unfold)")
_STATS_FIELDS = 5


class Authored(NamedTuple):
    """Who and when, from ``git log -z --format=STATS_FORMAT``."""

    author: str  # Name <email>
    date: str  # ISO 8601, the author's
    executors: tuple[str, ...]  # Executor: values
    co_authors: tuple[str, ...]  # Co-authored-by: values


def parse_authored(out: bytes) -> dict[str, Authored]:
    """``git log -z --format=STATS_FORMAT`` output → sha → Authored."""
    fields = out.split(b"\0")
    if fields and not fields[-1]:
        fields.pop()
    if len(fields) % _STATS_FIELDS:
        raise BadInput(f"git log: {len(fields)} fields, not {_STATS_FIELDS} a commit")
    found: dict[str, Authored] = {}
    for i in range(0, len(fields), _STATS_FIELDS):
        sha, author, date, named, co = (f.decode("utf-8", "replace")
                                        for f in fields[i:i + _STATS_FIELDS])
        sha = sha.lstrip("\n")  # -z ends a record with NUL, git may start the next with \n
        found[sha] = Authored(author, date,
                              tuple(v for v in trailer_values(named, "Executor") if v),
                              tuple(v for v in trailer_values(co, "Co-authored-by") if v))
    return found
