"""Check results as text (checker/render/text.py)."""

from __future__ import annotations

import os

from checker import pipeline
from checker.config import Config
from checker.pipeline import Options, Target
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
    results = pipeline.run(awards.path, Config(on_drift="block"), Target("commit", "HEAD"),
                           Options())
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
    results = pipeline.run(awards.path, Config(), Target("commit", "HEAD"), Options())
    out, err = text.to_text(results)
    assert out == ""
    assert err.startswith("planscope: error: commit ") and "no plan claims this change" in err
