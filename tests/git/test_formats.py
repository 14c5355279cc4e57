"""git's output formats (checker/git/formats.py) and message text (checker/git/messagetext.py)."""

from __future__ import annotations

import pytest

from checker import errors
from checker.git import formats, messagetext

ZERO = "0" * 40


def test_clean_message_like_git() -> None:
    text = ("Add table\n\n# a comment\nPlan: plans/a.yaml#t\n# Please enter...\n"
            "# ------------------------ >8 ------------------------\n"
            "diff --git a/x b/x\n Plan: not-a-trailer\n")
    assert messagetext.clean_message(text, "#", "strip") == "Add table\n\nPlan: plans/a.yaml#t\n"
    kept = messagetext.clean_message("#123 fixed\n\nPlan: x\n", "#", "whitespace")
    assert kept == "#123 fixed\n\nPlan: x\n"
    assert messagetext.clean_message(text, "#", "verbatim") == text


def test_parse_push_lines() -> None:
    sha = "a" * 40
    ups = formats.parse_push_lines(f"refs/heads/main {sha} refs/heads/main {ZERO}\n\n".encode())
    assert ups == [formats.RefUpdate("refs/heads/main", sha, "refs/heads/main", ZERO)]
    with pytest.raises(errors.BadInput, match="line 1 of stdin"):
        formats.parse_push_lines(b"refs/heads/main main refs/heads/main HEAD\n")


def test_quoted_paths_in_diff_headers() -> None:
    assert formats.unquote('"b/caf\\303\\251 \\"x\\".py"') == 'café "x".py'
    assert formats.unquote("a/plain/path.py") == "plain/path.py"
    assert formats.unquote('"a/tab\\there"') == "tab\there"


def test_parse_status_porcelain_v2() -> None:
    out = (b"1 .M N... 100644 100644 100644 aaa aaa app/a b.py\0"
           b"2 R. N... 100644 100644 100644 bbb bbb R100 new name.py\0old name.py\0"
           b"u UU N... 100644 100644 100644 100644 ccc ddd eee both.py\0"
           b"? new\nline.txt\0"
           b"? caf\xc3\xa9.txt\0")
    assert formats.parse_status(out) == ["app/a b.py", "new name.py", "old name.py", "both.py",
                                 "new\nline.txt", "café.txt"]
    assert formats.parse_status(b"") == []
