"""checker.rules.globlint: the errors and warnings validate gives for a glob, and literal paths;
each claim about what git does is checked against ``git check-ignore``."""

from __future__ import annotations

import os

import pytest

from checker.rules.globlint import floating, literal, problems, warnings
from tests.gitignore import Git, ours

# -- problems, warnings, literal --------------------------------------------------------


EMPTY_SET = os.fsdecode(b"[!\x01-\xff]")  # every byte but NUL, negated


@pytest.mark.parametrize(("pattern", "expected"), [
    ("src/app.py", []),
    ("/src/**/*.py", []),
    ("!tests/", []),
    ("//server/x", ["'//server/x' is an absolute path; plans use repo-relative paths"]),
    ("~/x", ["'~/x' is an absolute path; plans use repo-relative paths"]),
    ("C:\\x", ["'C:\\x' is an absolute path; plans use repo-relative paths"]),
    ("~$doc.docx", []),
    ("../x", ["'../x' climbs out with '..'; plans use repo-relative paths"]),
    ("a/../x", ["'a/../x' climbs out with '..'; plans use repo-relative paths"]),
    ("./x", ["'./x' has a '.' component ('./' or '/./'), which git never matches"]),
    ("a/./x", ["'a/./x' has a '.' component ('./' or '/./'), which git never matches"]),
    ("a//x", ["'a//x' has an empty component ('//'), which git never matches"]),
    ("", ["'' is empty"]),
    ("  ", ["'  ' is empty"]),
    ("!", ["'!' is empty"]),
    ("#x", ["'#x' is a comment in .gitignore; write '\\#' for a leading '#'"]),
    ("x\\", ["'x\\' ends in a lone backslash, so it matches nothing"]),
    ("x\\/", ["'x\\/' ends in a lone backslash, so it matches nothing"]),
    ("x\\ ", []),
    ("a[b", ["'a[b' has an unterminated '[' (write '\\[' for a literal bracket)"]),
    ("[[:word:]]", ["'[[:word:]]' uses an unknown class [:word:]"]),
    ("[z-a]", []),  # "z", then an empty range
    (EMPTY_SET, [f"{EMPTY_SET!r} has a bracket expression that matches no character"]),
    ("a\0", ["'a\\x00' holds a line break or NUL, which a .gitignore line cannot"]),
])
def test_problems(pattern: str, expected: list[str]) -> None:
    assert problems(pattern) == expected


def test_problem_patterns_match_nothing_in_git_either(check_ignore: Git) -> None:
    unmatchable = ["x\\", "x\\/", "a[b", "[[:word:]]x", EMPTY_SET, "a//x", "./x", "a/./x"]
    paths = ["x", "x\\", "a[b", "ab", "wx", "zx", "a/x", "x/y", "a/x/y", "x/a/x"]
    for pattern in unmatchable:
        assert ours([pattern], paths) == check_ignore.which([pattern], paths) == [None] * len(paths)


@pytest.mark.parametrize(("pattern", "expected"), [
    ("src/app.py", []),
    ("app/\\[id\\]/page.tsx", []),
    ("app/[id]/page.tsx", ["'app/[id]/page.tsx' reads [id] as one character of a set, so it "
                           "matches 'app/i/page.tsx', not the brackets; write "
                           "'app/\\[id\\]/page.tsx'"]),
    ("pages/[...slug].tsx", ["'pages/[...slug].tsx' reads [...slug] as one character of a "
                             "set, so it matches 'pages/..tsx', not the brackets; write "
                             "'pages/\\[...slug\\].tsx'"]),
    ("src/[Mm]akefile", []),
    ("src/x[0-9]", []),
    ("src/*/[id].ts", []),  # a wildcard too: a glob, not a literal-looking path
    ("README.md", []),  # gitignore's plain rule: see floating()
    ("/README.md", []),
    ("src/x ", ["'src/x ' ends in spaces, which git drops; write '\\ ' to keep one"]),
    ("src/a**", ["'src/a**' has a '**' that is not a whole path component, so it acts "
                 "like '*'"]),
    ("src/**/a/**", []),
    ("src/\\A", ["'src/\\A' escapes an uppercase letter, which git never matches with "
                 "core.ignorecase"]),
])
def test_warnings(pattern: str, expected: list[str]) -> None:
    assert warnings(pattern) == expected


def test_floating() -> None:
    assert floating("README.md") == ("'README.md' has no slash, so it matches 'README.md' in "
                                     "every folder; write '/README.md' for the root one only")
    assert floating("/README.md") is None
    assert floating("docs/README.md") is None
    assert floating("*.md") is None


def test_the_bracket_warning_is_right(check_ignore: Git) -> None:
    paths = ["app/i/page.tsx", "app/[id]/page.tsx"]
    assert check_ignore.which(["app/[id]/page.tsx"], paths) == ours(["app/[id]/page.tsx"], paths)
    assert ours(["app/[id]/page.tsx"], paths) == [0, None]
    assert ours(["app/\\[id\\]/page.tsx"], paths) == [None, 0]


@pytest.mark.parametrize(("pattern", "expected"), [
    ("src/app.py", "src/app.py"),
    ("/src/app.py", "src/app.py"),
    ("README.md", "README.md"),
    ("app/\\[id\\]/page.tsx", "app/[id]/page.tsx"),
    ("\\#notes", "#notes"),
    ("\\!bang", "!bang"),
    ("x\\ ", "x "),
    ("x  ", "x"),
    ("src/*.py", None),
    ("src/?", None),
    ("app/[id]/page.tsx", None),
    ("!src/app.py", None),
    ("src/", None),
    ("#x", None),
    ("x\\", None),
    ("", None),
])
def test_literal(pattern: str, expected: str | None) -> None:
    assert literal(pattern) == expected


def test_literal_paths_match_themselves(check_ignore: Git) -> None:
    patterns = ["src/app.py", "/README.md", "app/\\[id\\]/page.tsx", "\\#notes"]
    paths = [p for p in map(literal, patterns) if p is not None]
    assert ours(patterns, paths) == check_ignore.which(patterns, paths) == [0, 1, 2, 3]
