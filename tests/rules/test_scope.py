"""The scope engine (checker/rules/scope.py) on the rules of the one builder
(checker/rules/ruleset.py): partition, forbid wins, gitignore-style globs."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.git.formats import Change
from checker.rules.config import Config
from checker.rules.globs import EXACT, Matcher
from checker.rules.plan import Plan, Slice
from checker.rules.ruleset import Part, RuleSet, rules_for
from checker.rules.scope import ScopeResult, Touched, classify


def make_plan(forbid: tuple[str, ...] = (), **slice_lists: tuple[str, ...]) -> tuple[Plan, Slice]:
    s = Slice(id="s", title="S", status="approved", **slice_lists)  # type: ignore[arg-type]
    return Plan(
        path="plans/p.yaml", id="p", title="P", status="approved", slices=(s,), forbid=forbid
    ), s


def compile_scope(plan: Plan, slices: Sequence[Slice], always_allow: Sequence[str]) -> RuleSet:
    return rules_for(Config(always_allow=tuple(always_allow)), [], [Part(plan, tuple(slices))],
                     EXACT)


def result_for(
    changes: list[Change], always_allow: tuple[str, ...] = (), **kw: tuple[str, ...]
) -> ScopeResult:
    plan, s = make_plan(**kw)
    return classify(changes, compile_scope(plan, [s], always_allow))


def paths(items: Sequence[Touched]) -> list[str]:
    return [t.path for t in items]


def test_in_scope_drift_and_untouched() -> None:
    r = result_for(
        [Change("M", "src/a.py"), Change("A", "tests/test_a.py"), Change("M", "src/b.py")],
        modify=("src/a.py", "src/c.py"),
        allow=("tests/**",),
    )
    assert paths(r.in_scope) == ["src/a.py", "tests/test_a.py"]
    assert paths(r.drift) == ["src/b.py"]
    assert r.untouched == ("src/c.py",)


def test_forbid_wins_over_modify() -> None:
    r = result_for(
        [Change("M", "app/auth/x.py")], forbid=("app/auth/**",), modify=("app/auth/x.py",)
    )
    assert paths(r.forbidden) == ["app/auth/x.py"] and not r.in_scope


def test_rename_needs_both_paths() -> None:
    rename = [Change("R", "new/x.py", "old/x.py")]
    r = result_for(rename, create=("new/x.py",))
    assert paths(r.in_scope) == ["new/x.py"] and paths(r.drift) == ["old/x.py"]
    r = result_for(rename, create=("new/x.py",), delete=("old/x.py",))
    assert paths(r.in_scope) == ["old/x.py", "new/x.py"] and not r.drift


def test_tests_and_always_allow_are_in_scope() -> None:
    from checker.rules.plan import TestRef

    plan, s = make_plan(modify=("a.py",))
    s = Slice(id="s", title="S", status="approved", tests=(TestRef("tests/test_a.py"),))
    r = classify(
        [Change("A", "tests/test_a.py"), Change("M", "CHANGELOG.md")],
        compile_scope(plan, [s], ("CHANGELOG.md",)),
    )
    assert paths(r.in_scope) == ["tests/test_a.py", "CHANGELOG.md"]


def test_a_planned_folder_counts_as_touched() -> None:
    r = result_for([Change("A", "db/migrations/1.sql")], create=("db/migrations",))
    assert paths(r.in_scope) == ["db/migrations/1.sql"] and r.untouched == ()


def test_globs_are_gitignore_style() -> None:
    r = result_for(
        [Change("M", "x/y/z.lock"), Change("M", "README.md"), Change("M", "docs/README.md")],
        modify=("*.lock", "/README.md"),
    )
    assert paths(r.in_scope) == ["x/y/z.lock", "README.md"]
    assert paths(r.drift) == ["docs/README.md"]


segment = st.sampled_from(["a", "b", "c", "x.py", "y.txt", "a.py"])


path_st = st.lists(segment, min_size=1, max_size=4).map("/".join)


glob_st = st.lists(
    st.sampled_from(["a", "b", "*", "**", "?", "*.py", "x.py", "c"]), min_size=1, max_size=3
).map("/".join)


globs_st = st.lists(glob_st, max_size=4).map(tuple)


@settings(max_examples=300, deadline=None)
@given(changed=st.lists(path_st, max_size=12), modify=globs_st, allow=globs_st, forbid=globs_st)
def test_classification_is_a_partition_and_forbid_wins(
    changed: list[str], modify: tuple[str, ...], allow: tuple[str, ...], forbid: tuple[str, ...]
) -> None:
    changes = [Change("M", p) for p in dict.fromkeys(changed)]
    r = result_for(changes, modify=modify, allow=allow, forbid=forbid)
    groups = [paths(r.in_scope), paths(r.drift), paths(r.forbidden)]
    assert sorted(p for g in groups for p in g) == sorted(c.path for c in changes)
    forbidden = Matcher(forbid)
    assert paths(r.forbidden) == [c.path for c in changes if forbidden.match(c.path)]


@settings(max_examples=300, deadline=None)
@given(
    changed=st.lists(path_st, max_size=12),
    modify=globs_st,
    allow=globs_st,
    forbid=globs_st,
    extra=glob_st,
)
def test_adding_to_allow_never_creates_drift(
    changed: list[str],
    modify: tuple[str, ...],
    allow: tuple[str, ...],
    forbid: tuple[str, ...],
    extra: str,
) -> None:
    changes = [Change("M", p) for p in dict.fromkeys(changed)]
    before = result_for(changes, modify=modify, allow=allow, forbid=forbid)
    after = result_for(changes, modify=modify, allow=(*allow, extra), forbid=forbid)
    assert set(paths(before.in_scope)) <= set(paths(after.in_scope))
    assert set(paths(after.drift)) <= set(paths(before.drift))
    assert paths(after.forbidden) == paths(before.forbidden)


DIRS = ["", "a/", "b/", "a/b/", "a/b/c/", "b/a/", "c/"]


FILES = ["x.py", "a.py", "y.txt", "ab.py"]


@pytest.fixture(scope="module")
def glob_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("globs")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    for d in DIRS:
        for f in FILES:
            (root / d).mkdir(parents=True, exist_ok=True)
            (root / d / f).write_text("x")
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    return root


dir_segment = st.sampled_from(["a", "b", "c", "*", "**", "?", "[ab]"])


file_segment = st.sampled_from(["x.py", "*.py", "?.py", "*.*", "a*.py", "[xy].*", "ab.py"])


anchored_glob = st.tuples(st.lists(dir_segment, min_size=1, max_size=3), file_segment).map(
    lambda t: "/".join([*t[0], t[1]])
)


@settings(max_examples=150, deadline=None)
@given(pattern=anchored_glob)
def test_matching_agrees_with_git_ls_files(glob_repo: Path, pattern: str) -> None:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--", f":(glob){pattern}"],
        cwd=glob_repo,
        capture_output=True,
        check=True,
    ).stdout
    by_git = {p for p in out.decode().split("\0") if p}
    every = {d + f for d in DIRS for f in FILES}
    plan, s = make_plan(modify=(pattern,))
    allowed = compile_scope(plan, [s], ()).allowed
    assert {p for p in every if allowed.match(p)} == by_git


_NAME = st.text(alphabet="ab/.\n é", min_size=1, max_size=8).filter(
    lambda p: not p.startswith("/") and not p.endswith("/") and "//" not in p)


@settings(max_examples=300, deadline=None)
@given(st.lists(_NAME, max_size=12), st.lists(_NAME, max_size=12))
def test_untouched_is_what_no_touched_path_is_or_lies_under(planned: list[str],
                                                             touched: list[str]) -> None:
    from checker.rules.scope import untouched_of

    slow = tuple(p for p in planned
                 if p not in touched and not any(t.startswith(p + "/") for t in touched))
    assert untouched_of(planned, touched) == slow


def test_untouched_with_folders_files_and_renames() -> None:
    changes = [Change("M", "app/models/user.py"), Change("R", "docs/README2", "README")]
    r = result_for(changes, modify=("app/models", "app/models/__init__.py", "app/mod", "README"),
                   create=("db/new.sql",))
    assert r.untouched == ("db/new.sql", "app/models/__init__.py", "app/mod")
