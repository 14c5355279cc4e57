"""Commit messages as text, the way git reads them: the subject and the body (``%s`` and
``%b``), the values of trailer lines git's trailer parser printed, the commit a revert
names, and the cleanup ``git commit`` applies to a message file. Pure functions: the commit-msg
hook and ``git log`` readers (``checker.git.formats``) share them, so a message reads the
same wherever it is read.
"""

from __future__ import annotations

import re

_REVERTS = re.compile(r"^This reverts commit ([0-9a-f]{7,64})\b", re.MULTILINE)
_GIT_SPACE = " \t\n\r"  # what git counts as white space (not \v, \f or \x1c-\x1f)


def reverted(message: str) -> str | None:
    """The commit a ``git revert`` message names in its body (``This reverts commit X.``),
    or None."""
    found = _REVERTS.search(split_message(message)[1])
    return found.group(1) if found else None


def split_message(message: str) -> tuple[str, str]:
    """(subject, body) of a commit message as git reads them: the subject is the first
    paragraph, its lines joined with a space (``%s``, what ``fixup!`` names), the body what
    follows the blank lines after it (``%b``)."""
    lines = message.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip(_GIT_SPACE):
        i += 1
    start = i
    while i < len(lines) and lines[i].strip(_GIT_SPACE):
        i += 1
    subject = " ".join(line.rstrip(_GIT_SPACE) for line in lines[start:i])
    while i < len(lines) and not lines[i].strip(_GIT_SPACE):
        i += 1
    return subject, "\n".join(lines[i:])


_NEAR = re.compile(r"^[ \t]*([A-Za-z][A-Za-z_-]*)[ \t]*([:=])[ \t]*\S.*$", re.MULTILINE)
_NEAR_KEYS = frozenset({"plan", "plans", "planscope", "plan-ref", "slice"})


def near_misses(message: str) -> tuple[str, ...]:
    """What in a message that claims no plan looks meant as a ``Plan:`` trailer: another
    key (``Plans:``, ``Plan=``), or a ``Plan:`` line git does not read as a trailer (not
    in the last paragraph, or among lines that are not trailers)."""
    said = []
    for found in _NEAR.finditer(message):
        key, sep, line = found.group(1).lower(), found.group(2), found.group(0).strip()
        if key not in _NEAR_KEYS:
            continue
        if key != "plan" or sep != ":":
            said.append(f"the line {line[:80]!r} (the trailer is 'Plan: "
                        f"plans/<plan>.yaml#<slice>')")
        else:
            said.append(f"the line {line[:80]!r}, which git does not read as a trailer: "
                        f"trailers are the lines of the message's last paragraph, after a "
                        f"blank line")
    return tuple(dict.fromkeys(said))


def trailer_values(lines: str, key: str) -> tuple[str, ...]:
    """The values of the ``KEY: value`` lines git's trailer parser printed (key
    case-insensitive, empty values kept: a ``Plan:`` with nothing after it is read, and
    refused, wherever it is read)."""
    out = []
    for line in lines.split("\n"):
        name, sep, value = line.partition(":")
        if sep and name.strip(" \t").lower() == key.lower():
            out.append(value.strip(" \t"))
    return tuple(out)


SCISSORS = "------------------------ >8 ------------------------"
_AUTO_COMMENT_CHARS = "#;@!$%^&|:"


def auto_comment_prefix(text: str) -> str:
    """The comment character git chose for ``core.commentChar=auto``, as the file shows it."""
    lines = text.splitlines()
    for c in _AUTO_COMMENT_CHARS:
        if f"{c} {SCISSORS}" in lines:
            return c
    last = next((ln for ln in reversed(lines) if ln.strip()), "")
    return last[0] if last and last[0] in _AUTO_COMMENT_CHARS else "#"


def clean_message(text: str, comment: str, mode: str) -> str:
    """The message git will record, as far as trailers care: ``mode`` is git's
    ``commit.cleanup`` (strip, scissors, whitespace, verbatim). Everything below the
    scissors line (``git commit -v``'s diff) goes, and with strip the comment lines."""
    if mode == "verbatim":
        return text
    lines = text.splitlines()
    if f"{comment} {SCISSORS}" in lines:
        lines = lines[: lines.index(f"{comment} {SCISSORS}")]
    if mode == "strip":
        lines = [ln for ln in lines if not ln.startswith(comment)]
    return "\n".join(ln.rstrip() for ln in lines).strip("\n") + "\n"


