"""``planscope widen`` (checker/commands/widen.py, checker/history/planrecord.py add_allowed):
drift folded back into the slice with its reasons, as a diff or written in place, as a
rules change of its own that judges the next change, never the one it excuses."""

from __future__ import annotations

import json

import yaml

from tests.conftest import Repo

TABLES = "plans/awards.yaml#tables"


def _drifted_commit(repo: Repo, *extra: str) -> str:
    repo.write("db/migrations/0042_awards.sql", "create table awards;\n")
    for path in ("app/registry.py", "README.md", *extra):
        repo.write(path, f"# {path}, touched\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "--no-verify", "-m", f"tables, and more\n\nPlan: {TABLES}")
    return repo.head()


def test_widen_shows_the_diff_with_the_verdicts_reasons(awards: Repo) -> None:
    sha = _drifted_commit(awards)
    log = awards.path / ".git/planscope/verdicts.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(json.dumps({"plan": "plans/awards.yaml", "commit": sha, "verdicts": [
        {"path": "app/registry.py", "verdict": "incidental", "confidence": 0.9,
         "reason": "registers the awards model"}]}) + "\n")
    before = (awards.path / "plans/awards.yaml").read_text()
    r = awards.planscope("widen", TABLES, "--commit", "HEAD")
    assert r.code == 0, r.err
    assert "-    allow: [tests/**/test_awards*.py]" in r.out
    assert "+    allow:" in r.out and '+      - "tests/**/test_awards*.py"' in r.out
    assert '+      - "/app/registry.py"  # registers the awards model' in r.out
    assert '+      - "/README.md"' in r.out
    assert "not written (--write edits it in place)" in r.out
    assert (awards.path / "plans/awards.yaml").read_text() == before


def test_widen_write_is_a_rules_change_that_judges_the_next_change(awards: Repo) -> None:
    _drifted_commit(awards)
    assert awards.planscope("check", "--commit", "HEAD").code == 1  # drift
    r = awards.planscope("widen", TABLES, "--commit", "HEAD", "--write")
    assert r.code == 0 and "2 path(s) added to the allow of slice 'tables'" in r.out, r.out
    text = (awards.path / "plans/awards.yaml").read_text()
    assert text.startswith("# yaml-language-server")  # the file is edited, not dumped
    tables = yaml.safe_load(text)["slices"][0]
    assert tables["allow"] == ["tests/**/test_awards*.py", "/README.md", "/app/registry.py"]
    assert awards.planscope("check", "--commit", "HEAD").code == 1  # judged as it was
    awards.commit("widen tables", "plans/awards.yaml")  # no trailer: a rules change
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 0 and "a rules change" in r.out and "widened" in r.out, r.out
    awards.write("app/registry.py", "# again\n")
    awards.commit("registry again", plan=TABLES)
    assert awards.planscope("check", "--commit", "HEAD").code == 0
    r = awards.planscope("widen", TABLES, "--commit", "HEAD")
    assert "nothing drifted out of plans/awards.yaml#tables" in r.out


def test_forbidden_paths_are_never_widened(awards: Repo) -> None:
    _drifted_commit(awards, "app/auth/login.py")
    r = awards.planscope("widen", TABLES, "--commit", "HEAD", "--write")
    assert "forbidden paths are never widened into a slice: app/auth/login.py" in r.out
    allow = yaml.safe_load((awards.path / "plans/awards.yaml").read_text())["slices"][0]["allow"]
    assert "/app/auth/login.py" not in allow and "/README.md" in allow


def test_a_slice_without_allow_and_staged_changes(awards: Repo) -> None:
    awards.write("app/views/awards.py", "V = 1\n")
    awards.write("app/helpers.py", "H = 1\n")
    awards.git("add", "-A")
    r = awards.planscope("widen", "plans/awards.yaml#views", "--staged", "--write")
    assert r.code == 0, r.err
    views = yaml.safe_load((awards.path / "plans/awards.yaml").read_text())["slices"][1]
    assert views["allow"] == ["/app/helpers.py"] and views["depends_on"] == ["tables"]
    bad = awards.planscope("widen", "plans/awards.yaml#views")
    assert bad.code == 2 and "name the change" in bad.err


def test_a_file_named_like_a_wildcard_widens_only_itself(awards: Repo) -> None:
    """An executor's file named ``**`` must not become a rule that allows everything."""
    _drifted_commit(awards, "**", "app/views/*")
    r = awards.planscope("widen", TABLES, "--commit", "HEAD", "--write")
    assert r.code == 0, r.err
    allow = yaml.safe_load((awards.path / "plans/awards.yaml").read_text())["slices"][0]["allow"]
    assert "/\\*\\*" in allow and "/app/views/\\*" in allow and "**" not in allow
    awards.commit("widen", "plans/awards.yaml")
    awards.write("app/billing/charge.py", "x\n")
    awards.commit("billing", plan=TABLES)
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 1 and "drift      app/billing/charge.py" in r.out, r.out


def test_widen_keeps_crlf(awards: Repo) -> None:
    path = awards.path / "plans/awards.yaml"
    awards.write("plans/awards.yaml", path.read_text().replace("\n", "\r\n"))
    awards.commit("crlf", "plans/awards.yaml", plan="none")
    _drifted_commit(awards)
    assert awards.planscope("widen", TABLES, "--commit", "HEAD", "--write").code == 0
    data = path.read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n")
