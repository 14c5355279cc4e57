"""Check results as text (checker/render/text.py)."""

from __future__ import annotations

import os

from checker.judge import targets
from checker.judge.changes import Target
from checker.judge.pipeline import Options
from checker.render import text
from tests.conftest import TABLES, Repo


def test_names_are_shown_escaped() -> None:
    assert text.display("a\nb\tc.py") == "a\\nb\\tc.py"
    assert text.display(os.fsdecode(b"caf\xe9.py")) == "caf\\xe9.py"
    assert text.display("café.py") == "café.py"
    assert (text.plural(1, "commit"), text.plural(2, "commit")) == ("1 commit", "2 commits")
    assert text.short("0123456789abcdef") == "012345678" and text.short(None) == ""


def test_the_report_and_its_advice(awards: Repo) -> None:
    awards.write("app/models/__init__.py", "x\n")
    awards.write("app/views/home.py", "x\n")
    awards.write("app/auth/session.py", "y\n")
    awards.commit("work", plan=TABLES)
    results = targets.judge_target(awards.path, Target("commit", "HEAD"), Options())[0]
    out, err = text.to_text(results)
    assert err == ""
    lines = out.splitlines()
    assert lines[0].startswith("planscope: FAIL: commit ") and lines[0].endswith(
        "1 in scope, 1 drift, 1 forbidden")
    assert ("  forbidden  app/auth/session.py (M) by 'app/auth/**' (forbid of "
            "plans/awards.yaml)") in lines
    assert "  drift      app/views/home.py (A)" in lines
    assert any(line.startswith("  -> forbidden paths never pass") for line in lines)
    assert any(line.startswith("  -> 1 path(s) outside slice 'tables'") for line in lines)
    assert text.to_text([]) == ("planscope: ok: no commits to check\n", "")


def test_errors_go_to_stderr_in_the_one_format(awards: Repo) -> None:
    awards.write("README.md", "x\n")
    awards.commit("no trailer")
    results = targets.judge_target(awards.path, Target("commit", "HEAD"), Options())[0]
    out, err = text.to_text(results)
    assert out == ""
    assert err.startswith("planscope: error: commit ") and "no plan claims this change" in err


def test_many_drifted_paths_are_counted_not_listed(awards: Repo) -> None:
    for folder in range(6):
        for i in range(10):
            awards.write(f"docs/part{folder}/page{i}.md", "x\n")
    awards.write("db/migrations/0042_awards.sql", "create table awards ();\n")
    awards.git("add", "-A")
    run = awards.planscope("check", "--staged", "--plan", TABLES)
    drift = [line for line in run.out.splitlines() if line.startswith("  drift ")]
    assert run.code == 1 and len(drift) == text.SHOWN + 1
    assert drift[0] == "  drift      docs/part0/page0.md (A)"
    assert drift[-1] == ("  drift      ... and 40 more in 4 folders "
                         "(planscope check --all lists every one)")
    assert "60 drift" in run.out and "-> 60 path(s) outside slice" in run.out
    every = awards.planscope("check", "--staged", "--plan", TABLES, "--all")
    assert sum(line.startswith("  drift ") for line in every.out.splitlines()) == 60
    assert "--all lists" not in every.out


def test_up_to_the_limit_every_drifted_path_is_listed(awards: Repo) -> None:
    for i in range(text.LISTED):
        awards.write(f"docs/page{i}.md", "x\n")
    awards.git("add", "-A")
    run = awards.planscope("check", "--staged", "--plan", TABLES)
    assert sum(line.startswith("  drift ") for line in run.out.splitlines()) == text.LISTED
