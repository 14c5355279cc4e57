"""`planscope pr-body` (checker/commands/pr_body.py)."""

from __future__ import annotations

from tests.conftest import Repo


def test_pr_body_lists_every_file_and_the_trailer(awards: Repo) -> None:
    plan = (awards.path / "plans/awards.yaml").read_text()
    awards.write(
        "plans/awards.yaml",
        plan + "reviews:\n  - {reviewer: claude-opus-5-5, "
        "confidence: 0.86, at: 2026-11-20, notes: Needs a rollback step.}\n",
    )
    r = awards.planscope("pr-body", "plans/awards.yaml#views")
    assert r.code == 0, r.err
    body = r.out
    assert body.startswith("## Dashboard views\n")
    for expected in (
        "`app/views/awards.py`",
        "`app/views/__init__.py`",
        "Members give each other",
        "- [ ] `tables`: New database tables (approved)",
        "Members are stored in app/models/member.py",
        "| claude-opus-5-5 | 0.86 | 2026-11-20 | Needs a rollback step. |",
        "`app/auth/**`",
    ):
        assert expected in body, expected
    assert body.rstrip().endswith("Plan: plans/awards.yaml#views")
    r = awards.planscope("pr-body", "plans/awards.yaml#tables")
    for f in (
        "db/migrations/0042_awards.sql",
        "app/models/__init__.py",
        "app/auth/session.py",
        "tests/**/test_awards*.py",
        "tests/test_awards_migration.py",
    ):
        assert f"`{f}`" in r.out
    assert awards.planscope("pr-body", "plans/awards.yaml#nope").code == 2
