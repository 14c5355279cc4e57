"""checker.rules.globs judged by git itself: ``git check-ignore`` on the same patterns and paths.

Every comparison writes the patterns to the .gitignore of a scratch repository and asks
``git check-ignore --no-index -v -n -z --stdin`` about many paths at once.
"""

from __future__ import annotations

import os
import re
import time
import unicodedata
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.rules.globlint import problems
from checker.rules.globs import Matcher
from tests.gitignore import Git, ours


def old_prefix_quirk(pattern: str) -> bool:
    """Whether git before 2.52 reads ``pattern`` differently (difference 1 in checker.globs):
    an anchored pattern whose literal prefix ends inside a name, followed by ``**`` that ends
    the pattern or a component (``foo**/bar``, ``a/b**``)."""
    body = pattern.rstrip(" ").removeprefix("!").removesuffix("/")
    if "/" not in body:
        return False
    body = body.removeprefix("/")
    prefix = re.match(r"[^*?\[\\]*", body)
    assert prefix is not None
    rest = body[prefix.end():]
    return (prefix.group() != "" and not prefix.group().endswith("/")
            and re.match(r"\*\*+(/|\\/|$)", rest) is not None)


def file_path(text: str) -> bool:
    """Whether git reads ``text`` as a file path: no empty, '.' or '..' component."""
    return all(part not in ("", ".", "..") for part in text.split("/"))


# -- git's own wildmatch table ----------------------------------------------------------
# Every 'match' line of t/t3070-wildmatch.sh in git/git (commit 1a3e64c6, 2026-08-20) as
# (wildmatch, iwildmatch, text, pattern): the first two columns are what git's wildmatch()
# itself says, case-sensitively and not. They are kept for reference only: as a .gitignore
# line a pattern also matches a name at any depth and covers what is below a matched
# folder, so each case is judged by git check-ignore instead.

WILDMATCH = [
    (1, 1, 'foo', 'foo'),
    (0, 0, 'foo', 'bar'),
    (1, 1, '', ''),
    (1, 1, 'foo', '???'),
    (0, 0, 'foo', '??'),
    (1, 1, 'foo', '*'),
    (1, 1, 'foo', 'f*'),
    (0, 0, 'foo', '*f'),
    (1, 1, 'foo', '*foo*'),
    (1, 1, 'foobar', '*ob*a*r*'),
    (1, 1, 'aaaaaaabababab', '*ab'),
    (1, 1, 'foo*', 'foo\\*'),
    (0, 0, 'foobar', 'foo\\*bar'),
    (1, 1, 'f\\oo', 'f\\\\oo'),
    (0, 0, 'foo\\', 'foo\\'),
    (1, 1, 'ball', '*[al]?'),
    (0, 0, 'ten', '[ten]'),
    (1, 1, 'ten', '**[!te]'),
    (0, 0, 'ten', '**[!ten]'),
    (1, 1, 'ten', 't[a-g]n'),
    (0, 0, 'ten', 't[!a-g]n'),
    (1, 1, 'ton', 't[!a-g]n'),
    (1, 1, 'ton', 't[^a-g]n'),
    (1, 1, 'a]b', 'a[]]b'),
    (1, 1, 'a-b', 'a[]-]b'),
    (1, 1, 'a]b', 'a[]-]b'),
    (0, 0, 'aab', 'a[]-]b'),
    (1, 1, 'aab', 'a[]a-]b'),
    (1, 1, ']', ']'),
    (0, 0, 'foo/baz/bar', 'foo*bar'),
    (0, 0, 'foo/baz/bar', 'foo**bar'),
    (1, 1, 'foobazbar', 'foo**bar'),
    (1, 1, 'foo/baz/bar', 'foo/**/bar'),
    (1, 1, 'foo/baz/bar', 'foo/**/**/bar'),
    (1, 1, 'foo/b/a/z/bar', 'foo/**/bar'),
    (1, 1, 'foo/b/a/z/bar', 'foo/**/**/bar'),
    (1, 1, 'foo/bar', 'foo/**/bar'),
    (1, 1, 'foo/bar', 'foo/**/**/bar'),
    (0, 0, 'foo/bar', 'foo?bar'),
    (0, 0, 'foo/bar', 'foo[/]bar'),
    (0, 0, 'foo/bar', 'foo[^a-z]bar'),
    (0, 0, 'foo/bar', 'f[^eiu][^eiu][^eiu][^eiu][^eiu]r'),
    (1, 1, 'foo-bar', 'f[^eiu][^eiu][^eiu][^eiu][^eiu]r'),
    (1, 1, 'foo', '**/foo'),
    (1, 1, 'XXX/foo', '**/foo'),
    (1, 1, 'bar/baz/foo', '**/foo'),
    (0, 0, 'bar/baz/foo', '*/foo'),
    (0, 0, 'foo/bar/baz', '**/bar*'),
    (1, 1, 'deep/foo/bar/baz', '**/bar/*'),
    (0, 0, 'deep/foo/bar/baz/', '**/bar/*'),
    (1, 1, 'deep/foo/bar/baz/', '**/bar/**'),
    (0, 0, 'deep/foo/bar', '**/bar/*'),
    (1, 1, 'deep/foo/bar/', '**/bar/**'),
    (0, 0, 'foo/bar/baz', '**/bar**'),
    (1, 1, 'foo/bar/baz/x', '*/bar/**'),
    (0, 0, 'deep/foo/bar/baz/x', '*/bar/**'),
    (1, 1, 'deep/foo/bar/baz/x', '**/bar/*/*'),
    (0, 0, 'acrt', 'a[c-c]st'),
    (1, 1, 'acrt', 'a[c-c]rt'),
    (0, 0, ']', '[!]-]'),
    (1, 1, 'a', '[!]-]'),
    (0, 0, '', '\\'),
    (0, 0, '\\', '\\'),
    (0, 0, 'XXX/\\', '*/\\'),
    (1, 1, 'XXX/\\', '*/\\\\'),
    (1, 1, 'foo', 'foo'),
    (1, 1, '@foo', '@foo'),
    (0, 0, 'foo', '@foo'),
    (1, 1, '[ab]', '\\[ab]'),
    (1, 1, '[ab]', '[[]ab]'),
    (1, 1, '[ab]', '[[:]ab]'),
    (0, 0, '[ab]', '[[::]ab]'),
    (1, 1, '[ab]', '[[:digit]ab]'),
    (1, 1, '[ab]', '[\\[:]ab]'),
    (1, 1, '?a?b', '\\??\\?b'),
    (1, 1, 'abc', '\\a\\b\\c'),
    (0, 0, 'foo', ''),
    (1, 1, 'foo/bar/baz/to', '**/t[o]'),
    (1, 1, 'a1B', '[[:alpha:]][[:digit:]][[:upper:]]'),
    (0, 1, 'a', '[[:digit:][:upper:][:space:]]'),
    (1, 1, 'A', '[[:digit:][:upper:][:space:]]'),
    (1, 1, '1', '[[:digit:][:upper:][:space:]]'),
    (0, 0, '1', '[[:digit:][:upper:][:spaci:]]'),
    (1, 1, ' ', '[[:digit:][:upper:][:space:]]'),
    (0, 0, '.', '[[:digit:][:upper:][:space:]]'),
    (1, 1, '.', '[[:digit:][:punct:][:space:]]'),
    (1, 1, '5', '[[:xdigit:]]'),
    (1, 1, 'f', '[[:xdigit:]]'),
    (1, 1, 'D', '[[:xdigit:]]'),
    (1, 1,
     '_',
     '[[:alnum:][:alpha:][:blank:][:cntrl:][:digit:][:graph:]'
     '[:lower:][:print:][:punct:][:space:][:upper:][:xdigit:]]'),
    (1, 1,
     '.',
     '[^[:alnum:][:alpha:][:blank:][:cntrl:][:digit:][:lower:][:space:][:upper:][:xdigit:]]'),
    (1, 1, '5', '[a-c[:digit:]x-z]'),
    (1, 1, 'b', '[a-c[:digit:]x-z]'),
    (1, 1, 'y', '[a-c[:digit:]x-z]'),
    (0, 0, 'q', '[a-c[:digit:]x-z]'),
    (1, 1, ']', '[\\\\-^]'),
    (0, 0, '[', '[\\\\-^]'),
    (1, 1, '-', '[\\-_]'),
    (1, 1, ']', '[\\]]'),
    (0, 0, '\\]', '[\\]]'),
    (0, 0, '\\', '[\\]]'),
    (0, 0, 'ab', 'a[]b'),
    (0, 0, 'a[]b', 'a[]b'),
    (0, 0, 'ab[', 'ab['),
    (0, 0, 'ab', '[!'),
    (0, 0, 'ab', '[-'),
    (1, 1, '-', '[-]'),
    (0, 0, '-', '[a-'),
    (0, 0, '-', '[!a-'),
    (1, 1, '-', '[--A]'),
    (1, 1, '5', '[--A]'),
    (1, 1, ' ', '[ --]'),
    (1, 1, '$', '[ --]'),
    (1, 1, '-', '[ --]'),
    (0, 0, '0', '[ --]'),
    (1, 1, '-', '[---]'),
    (1, 1, '-', '[------]'),
    (0, 0, 'j', '[a-e-n]'),
    (1, 1, '-', '[a-e-n]'),
    (1, 1, 'a', '[!------]'),
    (0, 0, '[', '[]-a]'),
    (1, 1, '^', '[]-a]'),
    (0, 0, '^', '[!]-a]'),
    (1, 1, '[', '[!]-a]'),
    (1, 1, '^', '[a^bc]'),
    (1, 1, '-b]', '[a-]b]'),
    (0, 0, '\\', '[\\]'),
    (1, 1, '\\', '[\\\\]'),
    (0, 0, '\\', '[!\\\\]'),
    (1, 1, 'G', '[A-\\\\]'),
    (0, 0, 'aaabbb', 'b*a'),
    (0, 0, 'aabcaa', '*ba*'),
    (1, 1, ',', '[,]'),
    (1, 1, ',', '[\\\\,]'),
    (1, 1, '\\', '[\\\\,]'),
    (1, 1, '-', '[,-.]'),
    (0, 0, '+', '[,-.]'),
    (0, 0, '-.]', '[,-.]'),
    (1, 1, '2', '[\\1-\\3]'),
    (1, 1, '3', '[\\1-\\3]'),
    (0, 0, '4', '[\\1-\\3]'),
    (1, 1, '\\', '[[-\\]]'),
    (1, 1, '[', '[[-\\]]'),
    (1, 1, ']', '[[-\\]]'),
    (0, 0, '-', '[[-\\]]'),
    (1, 1,
     '-adobe-courier-bold-o-normal--12-120-75-75-m-70-iso8859-1',
     '-*-*-*-*-*-*-12-*-*-*-m-*-*-*'),
    (0, 0,
     '-adobe-courier-bold-o-normal--12-120-75-75-X-70-iso8859-1',
     '-*-*-*-*-*-*-12-*-*-*-m-*-*-*'),
    (0, 0,
     '-adobe-courier-bold-o-normal--12-120-75-75-/-70-iso8859-1',
     '-*-*-*-*-*-*-12-*-*-*-m-*-*-*'),
    (1, 1,
     'XXX/adobe/courier/bold/o/normal//12/120/75/75/m/70/iso8859/1',
     'XXX/*/*/*/*/*/*/12/*/*/*/m/*/*/*'),
    (0, 0,
     'XXX/adobe/courier/bold/o/normal//12/120/75/75/X/70/iso8859/1',
     'XXX/*/*/*/*/*/*/12/*/*/*/m/*/*/*'),
    (1, 1, 'abcd/abcdefg/abcdefghijk/abcdefghijklmnop.txt', '**/*a*b*g*n*t'),
    (0, 0, 'abcd/abcdefg/abcdefghijk/abcdefghijklmnop.txtz', '**/*a*b*g*n*t'),
    (0, 0, 'foo', '*/*/*'),
    (0, 0, 'foo/bar', '*/*/*'),
    (1, 1, 'foo/bba/arr', '*/*/*'),
    (0, 0, 'foo/bb/aa/rr', '*/*/*'),
    (1, 1, 'foo/bb/aa/rr', '**/**/**'),
    (1, 1, 'abcXdefXghi', '*X*i'),
    (0, 0, 'ab/cXd/efXg/hi', '*X*i'),
    (1, 1, 'ab/cXd/efXg/hi', '*/*X*/*/*i'),
    (1, 1, 'ab/cXd/efXg/hi', '**/*X*/**/*i'),
    (0, 0, 'foo', 'fo'),
    (1, 1, 'foo/bar', 'foo/bar'),
    (1, 1, 'foo/bar', 'foo/*'),
    (0, 0, 'foo/bba/arr', 'foo/*'),
    (1, 1, 'foo/bba/arr', 'foo/**'),
    (0, 0, 'foo/bba/arr', 'foo*'),
    (0, 0, 'foo/bba/arr', 'foo**'),
    (0, 0, 'foo/bba/arr', 'foo/*arr'),
    (0, 0, 'foo/bba/arr', 'foo/**arr'),
    (0, 0, 'foo/bba/arr', 'foo/*z'),
    (0, 0, 'foo/bba/arr', 'foo/**z'),
    (0, 0, 'foo/bar', 'foo?bar'),
    (0, 0, 'foo/bar', 'foo[/]bar'),
    (0, 0, 'foo/bar', 'foo[^a-z]bar'),
    (0, 0, 'ab/cXd/efXg/hi', '*Xg*i'),
    (0, 1, 'a', '[A-Z]'),
    (1, 1, 'A', '[A-Z]'),
    (0, 1, 'A', '[a-z]'),
    (1, 1, 'a', '[a-z]'),
    (0, 1, 'a', '[[:upper:]]'),
    (1, 1, 'A', '[[:upper:]]'),
    (0, 1, 'A', '[[:lower:]]'),
    (1, 1, 'a', '[[:lower:]]'),
    (0, 1, 'A', '[B-Za]'),
    (1, 1, 'a', '[B-Za]'),
    (0, 1, 'A', '[B-a]'),
    (1, 1, 'a', '[B-a]'),
    (0, 1, 'z', '[Z-y]'),
    (1, 1, 'Z', '[Z-y]'),]


def test_wildmatch_table_agrees_with_git(check_ignore: Git) -> None:
    cases = [(text, pattern) for _, _, text, pattern in WILDMATCH]
    usable = [(text, pattern) for text, pattern in cases if file_path(text)]
    by_pattern: dict[str, list[str]] = defaultdict(list)
    for text, pattern in usable:
        by_pattern[pattern].append(text)
    differences = []
    for ignore_case in (False, True):
        for pattern, texts in by_pattern.items():
            expected = check_ignore.which([pattern], texts, ignore_case=ignore_case)
            got = ours([pattern], texts, ignore_case=ignore_case)
            differences += [(pattern, text, ignore_case, mine, theirs)
                            for text, mine, theirs in zip(texts, got, expected, strict=True)
                            if mine != theirs]
    # 190 cases: 7 texts are no file path ('', 'x//y', 'x/') and 3 are '.', the root itself
    # (test_character_classes_agree_with_git_on_every_byte covers '.' as 'x.').
    assert (len(cases), len(usable)) == (190, 180)
    assert differences == []


def test_the_table_is_not_what_gitignore_means(check_ignore: Git) -> None:
    """Where wildmatch() and .gitignore differ: a folder covers its contents."""
    assert (0, 0, "foo/bba/arr", "foo/*") in WILDMATCH
    assert check_ignore.which(["foo/*"], ["foo/bba/arr"]) == ours(["foo/*"], ["foo/bba/arr"]) == [0]
    assert (0, 0, "bar/baz/foo", "*/foo") in WILDMATCH
    paths = ["bar/baz/foo"]
    assert check_ignore.which(["*/foo"], paths) == ours(["*/foo"], paths) == [None]


# -- random patterns and paths ----------------------------------------------------------

PATTERN_TOKENS = ["a", "b", "A", "/", "*", "?", "[", "]", "!", "-", "^", "\\", ".", "**"]
patterns_st = (st.lists(st.sampled_from(PATTERN_TOKENS), min_size=1, max_size=8)
               .map("".join))
names_st = st.text("abA.-", min_size=1, max_size=4).filter(lambda n: n not in (".", ".."))
folders_st = st.tuples(names_st, st.sampled_from(["", "", "\n", "\t"])).map("".join)
paths_st = st.builds(lambda folders, name: "/".join([*folders, name]),
                     st.lists(folders_st, max_size=3), names_st)


@settings(max_examples=200, deadline=None)
@given(patterns=st.lists(patterns_st, min_size=1, max_size=5),
       paths=st.lists(paths_st, min_size=1, max_size=12), ignore_case=st.booleans())
def test_random_patterns_agree_with_git(check_ignore: Git, patterns: list[str], paths: list[str],
                                        ignore_case: bool) -> None:
    # Nothing here is a comment or blank line, and git reads every such pattern; the only
    # filter is difference 1 in checker.globs, for a git older than 2.52.
    if check_ignore.version < (2, 52):
        patterns = [p for p in patterns if not old_prefix_quirk(p)] or ["a"]
    assert ours(patterns, paths, ignore_case=ignore_case) == check_ignore.which(
        patterns, paths, ignore_case=ignore_case)


def test_many_patterns_agree_with_git(check_ignore: Git) -> None:
    """3,000 patterns of every kind the matcher files apart, checked in one call: literal
    names and paths, suffixes, name globs, globs under a literal folder at the start or the
    end, globs with no literal folder, buckets of many globs (k repeats), negations."""
    kinds = ["pkg{k}/mod{n}/**", "pkg*/mod{n}/*.py", "**/mod{n}/img/*.png", "docs/mod{n}/",
             "!pkg{k}/mod{n}/file0.py", "mod{n}.txt", "*.gen{k}", "pkg?/mod{n}", "t[a-c]{k}/*",
             "/lib{n}/**/x.py", "lib{k}", "**/m{n}", "a{k}/b\\*/c", "!**/mod{n}/", "M?D{n}*",
             "x/*/Y{k}/", "*/mod{n}/deep/**"]
    patterns = [kinds[n % len(kinds)].format(k=n % 7, n=n) for n in range(3000)]
    paths = [f"{top}/mod{n}/{name}" for n in range(0, 3000, 29)
             for top in ("pkg0", "pkg3", "docs", "x/y", "lib21")
             for name in ("file0.py", "img/a.png", "m5", "deep/x.py")]
    paths += ["mod5.txt", "a.gen6", "tb4/z", "lib9/q/x.py", "a3/b*/c", "mod7", "x/q/y3/z",
              "MOD12.py", "lib3/x.py"]
    assert ours(patterns, paths) == check_ignore.which(patterns, paths)
    assert ours(patterns, paths, ignore_case=True) == check_ignore.which(patterns, paths,
                                                                ignore_case=True)
    # the first paths asked of a big list are matched by the patterns that could match them
    # (the guard asks about one): each path asked first of its own matcher, the same answers
    for fold in (False, True):
        firsts = [Matcher(patterns, ignore_case=fold).which(p) for p in paths[::61]]
        assert firsts == check_ignore.which(patterns, paths[::61], ignore_case=fold)


# -- any character in a name ------------------------------------------------------------

ODD = ["a\nb", "a\rb", "a\tb", os.fsdecode(b"a\xff"), os.fsdecode(b"\xc3("), "caf\u00e9",
       " lead", "trail ", "#x", "!x", "[x]", "back\\slash", "*", "?", "\u2028"]


@pytest.mark.parametrize("odd", ODD)
def test_odd_characters_in_folder_and_file_names(check_ignore: Git, odd: str) -> None:
    patterns = ["**/*.pem", "secret/**", "*.key"]
    paths = [f"src/{odd}/key.pem", f"{odd}/key.pem", f"secret/{odd}/x", f"{odd}/secret/x",
             f"{odd}/x.key", f"a/{odd}.key", f"{odd}/{odd}/x.pem", f"{odd}.pem", f"{odd}/x"]
    expected = [0, 0, 1, None, 2, 2, 0, 0, None]
    assert ours(patterns, paths) == expected
    assert check_ignore.which(patterns, paths) == expected


def test_newline_in_a_folder_name() -> None:
    assert Matcher(["**/*.pem"]).match("src/a\nb/key.pem")
    assert Matcher(["src/*/key.pem"]).match("src/a\nb/key.pem")
    assert not Matcher(["src/*"]).match("src\n/key.pem")


names_any = st.text(st.characters(blacklist_characters="/\0"), min_size=1, max_size=6)
names_bytes = st.binary(min_size=1, max_size=6).filter(
    lambda b: b"/" not in b and b"\0" not in b).map(os.fsdecode)


@settings(max_examples=200, deadline=None)
@given(folder=st.one_of(names_any, names_bytes), name=st.one_of(names_any, names_bytes))
def test_any_name_matches_as_a_whole(folder: str, name: str) -> None:
    path = f"top/{folder}/{name}"
    assert Matcher(["**"]).match(path)
    assert Matcher(["top/*/*"]).match(path)
    assert Matcher(["top/*"]).which(path) == 0  # the folder top/<folder> is matched
    escaped = "".join("\\" + c for c in folder)
    assert Matcher([f"top/{escaped}/"]).match(path)
    assert Matcher([f"**/{escaped}/*"]).match(path)
    assert not Matcher([f"top/{escaped}x/*"]).match(path)


def test_a_newline_in_a_pattern_is_literal() -> None:
    """Difference 2: git cannot read it; here it is one more character."""
    assert Matcher(["a\nb/*"]).match("a\nb/x")
    assert not Matcher(["a\nb/*"]).match("a/x")
    assert problems("a\nb/*") == ["'a\\nb/*' holds a line break or NUL, which a .gitignore "
                                  "line cannot"]


# -- folders ----------------------------------------------------------------------------


@pytest.mark.parametrize(("patterns", "path", "expected"), [
    (["app/auth/*"], "app/auth/sub/x.py", 0),  # matches folder app/auth/sub
    (["app/auth/*"], "app/auth/x.py", 0),
    (["app/auth/*"], "app/x.py", None),
    (["docs/"], "docs/a/b.md", 0),
    (["docs/"], "docs", None),  # a file named docs
    (["docs/"], "x/docs/y", 0),  # no slash but the trailing one: any depth
    (["/docs/"], "x/docs/y", None),
    (["docs/", "!docs/a/b.md"], "docs/a/b.md", 0),  # no way back below a matched folder
    (["docs/**", "!docs/a/b.md"], "docs/a/b.md", 0),  # docs/** matches folder docs/a
    (["docs/**", "!docs/a/"], "docs/a/b.md", 0),  # docs/a is back, docs/** matches the file
    (["docs/*", "!docs/a/"], "docs/a/b.md", None),  # docs/a is back, docs/* misses the file
    (["docs/*", "!docs/a.md"], "docs/a.md", None),  # a file in an unmatched folder
    (["*.py", "!keep.py"], "src/keep.py", None),
    (["build", "!build/keep"], "build/keep", 0),
    (["a/b/*", "!a/b/c/"], "a/b/c/d", None),
    (["a/**/b"], "a/b", 0),
    (["a/**/b"], "a/x/y/b/z", 0),
    (["a/**"], "a", None),
    (["**/x"], "x", 0),
    (["x/**/"], "x/y", None),  # a folder-only pattern and a file
    (["x/**/"], "x/y/z", 0),
])
def test_a_matched_folder_covers_what_is_below(
    check_ignore: Git, patterns: list[str], path: str, expected: int | None
) -> None:
    assert Matcher(patterns).which(path) == expected
    assert check_ignore.which(patterns, [path]) == [expected]


def test_which_names_the_deciding_pattern(check_ignore: Git) -> None:
    patterns = ["*.py", "src/", "!src/keep.py", "docs/*.md", "!docs/x.md", "# note", "",
                "docs/x.md", "/tools/*.sh"]
    paths = ["a.py", "src/x.txt", "src/keep.py", "docs/a.md", "docs/x.md", "lib/x.py",
             "tools/a.sh", "x/tools/a.sh", "README"]
    expected = [0, 1, 1, 3, 7, 0, 8, None, None]
    assert ours(patterns, paths) == expected
    assert check_ignore.which(patterns, paths) == expected
    assert [matched for matched, _ in check_ignore.check(["*.py", "!a.py"], ["a.py"])] == [False]
    assert check_ignore.check(["*.py", "!a.py"], ["a.py"]) == [(False, 2)]


# -- how lines are read -----------------------------------------------------------------


def test_spaces_escapes_comments_and_crs_agree_with_git(check_ignore: Git) -> None:
    patterns = ["a ", "b\\ ", "c\\\\ ", "#d", "\\#e", "\\!f", "g\\", "h\\ \\  ", "i\r",
                "!", "   ", "/", "j\\/", "\\k\\*", "l[\\]]", "\ufeffm"]
    paths = ["a", "a ", "b ", "b", "c\\", "c\\ ", "#d", "d", "#e", "!f", "g\\", "g",
             "h  ", "h ", "i", "i\r", "j", "j\\", "k*", "kx", "l]", "\ufeffm", "m"]
    assert ours(patterns, paths) == check_ignore.which(patterns, paths)
    assert ours(["\ufeffm"], ["m"]) == check_ignore.which(["\ufeffm"], ["m"]) == [0]  # a BOM


@pytest.mark.parametrize("name", ["alnum", "alpha", "blank", "cntrl", "digit", "graph",
                                  "lower", "print", "punct", "space", "upper", "xdigit"])
def test_character_classes_agree_with_git_on_every_byte(check_ignore: Git, name: str) -> None:
    # "." alone is the root and ":x" pathspec magic to git: those two come after an "x"
    singles = [os.fsdecode(bytes([b])) for b in range(1, 256) if b not in b"/.:"]
    paths = [*singles, "x.", "x:", "X."]
    patterns = [f"[[:{name}:]]", f"x[[:{name}:]]"]
    for ignore_case in (False, True):
        assert ours(patterns, paths, ignore_case=ignore_case) == check_ignore.which(
            patterns, paths, ignore_case=ignore_case)


def test_ignore_case(check_ignore: Git) -> None:
    assert Matcher(["secret/**"], ignore_case=True).match("SECRET/key.txt")
    assert not Matcher(["secret/**"]).match("SECRET/key.txt")
    assert check_ignore.which(["secret/**"], ["SECRET/key.txt"], ignore_case=True) == [0]
    # git's own folding: plain letters and ranges fold, "[A]" and "\B" match nothing
    patterns = ["[A]", "\\B", "c[D-F]", "[[:upper:]]x", "Y*", "*.PY", "Z/"]
    paths = ["A", "a", "B", "b", "cd", "cD", "Ax", "ax", "yes", "a.py", "z/q", "\u00c9"]
    expected = [None, None, None, None, 2, 2, 3, 3, 4, 5, 6, None]
    assert ours(patterns, paths, ignore_case=True) == expected
    assert check_ignore.which(patterns, paths, ignore_case=True) == expected


def test_nfc() -> None:
    nfd, nfc = "cafe\u0301", "caf\u00e9"
    assert unicodedata.normalize("NFC", nfd) == nfc != nfd
    assert Matcher([f"{nfc}/**"], nfc=True).match(f"{nfd}/x")
    assert Matcher([f"{nfd}/**"], nfc=True).match(f"{nfc}/x")
    assert Matcher([f"*{nfc[-1]}"], nfc=True).match(nfd)
    assert not Matcher([f"{nfc}/**"]).match(f"{nfd}/x")
    assert Matcher(["caf?/x"], nfc=True).match(f"{nfd}/x") is False  # "é" is two bytes


def test_nfc_off_agrees_with_git(check_ignore: Git) -> None:
    paths = ["cafe\u0301/x", "caf\u00e9/x"]
    assert ours(["caf\u00e9/**"], paths) == check_ignore.which(["caf\u00e9/**"], paths) == [None, 0]
    assert ours(["caf??/x"], paths) == check_ignore.which(["caf??/x"], paths) == [None, 0]  # bytes


def test_prefix_before_double_star_follows_git_2_52(check_ignore: Git) -> None:
    """Difference 1: ``foo**/bar`` no longer matches ``foobar`` from git 2.52 on."""
    paths = ["foobar", "foo/bar", "foox/bar", "foox/y/bar"]
    assert ours(["foo**/bar"], paths) == [None, 0, 0, None]
    old = check_ignore.version < (2, 52)
    assert check_ignore.which(["foo**/bar"], paths) == ([0, 0, 0, 0] if old else [None, 0, 0, None])
    assert old_prefix_quirk("foo**/bar") and not old_prefix_quirk("foo/**/bar")


# -- many stars: git's answer, in time linear in the path ------------------------------

STARRY_TOKENS = ["*", "*", "**/", "-", "a", "/", "?", ".md"]
starry_st = st.lists(st.sampled_from(STARRY_TOKENS), min_size=3, max_size=12).map("".join)
long_st = st.builds(lambda parts, tail: "/".join(parts) + tail,
                    st.lists(st.text("a-", min_size=1, max_size=60), min_size=1, max_size=4),
                    st.sampled_from(["", ".md", "-x.md", "/a.md"]))
PATIENCE_S = 5.0  # per pattern and path list: a linear match takes well under 1 ms


@settings(max_examples=150, deadline=None)
@given(patterns=st.lists(starry_st, min_size=1, max_size=3),
       paths=st.lists(long_st, min_size=1, max_size=8))
def test_many_stars_agree_with_git_without_backtracking(check_ignore: Git, patterns: list[str],
                                                         paths: list[str]) -> None:
    if check_ignore.version < (2, 52):
        patterns = [p for p in patterns if not old_prefix_quirk(p)] or ["a"]
    started = time.monotonic()
    mine = ours(patterns, paths)
    assert time.monotonic() - started < PATIENCE_S, (patterns, paths)
    assert mine == check_ignore.which(patterns, paths)


def test_the_pattern_that_backtracked_for_a_minute() -> None:
    matcher = Matcher(["docs/*-*-*-*-*.md"])
    started = time.monotonic()
    for n in range(20, 31):
        assert not matcher.match("docs/" + "-" * n * 10 + "x.mdx")
    assert matcher.match("docs/a-b-c-d-e.md")
    assert time.monotonic() - started < PATIENCE_S


@pytest.mark.parametrize(("pattern", "same"), [
    ("**/" * 6 + "x", "**/x"), ("a/" + "**/" * 5 + "x", "a/**/x"),
    ("**/*/**/*/**/x", "*/*/**/x"), ("**/**/a/**/**/x", "**/a/**/x")])
def test_repeated_double_stars_on_a_deep_path(check_ignore: Git, pattern: str,
                                              same: str) -> None:
    """``**/`` again and again: git's answer on paths git can still answer for (git 2.39
    crashes on some paths 100 folders deep), and on paths 100 folders deep the answer of
    the same pattern written once, in time linear in the path."""
    def paths(depth: int) -> list[str]:
        return ["a/" * depth + "y", "a/" * depth + "x", "a/" * (depth - 1) + "x/y",
                "b/" * (depth // 2) + "a/x", "x", "a/x"]
    assert ours([pattern], paths(8)) == check_ignore.which([pattern], paths(8))
    started = time.monotonic()
    mine = ours([pattern], paths(100))
    assert time.monotonic() - started < PATIENCE_S, pattern
    assert mine == ours([same], paths(100)) != [None] * 6
