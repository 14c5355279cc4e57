"""`planscope pr-body` (checker/commands/pr_body.py)."""

from __future__ import annotations

from tests import fake_api
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
        "| claude\\-opus\\-5\\-5 | 0.86 | 2026\\-11\\-20 | Needs a rollback step\\. |",
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
    union = awards.planscope("pr-body", "plans/awards.yaml#tables+views").out
    assert union == awards.planscope("pr-body", "plans/awards.yaml#tables",
                                     "plans/awards.yaml#views").out
    assert union.rstrip().endswith("Plan: plans/awards.yaml#tables\nPlan: plans/awards.yaml#views")
    headings = [line for line in union.splitlines() if line.startswith("#")]
    assert headings == ["## New database tables (+1 more)", "### Why", "### Assumptions",
                        "### Plan reviews",
                        "### New database tables (`tables`)",
                        "#### Tests", "### Dashboard views (`views`)", "#### Depends on"]


def test_what_the_change_did_against_the_base(awards: Repo) -> None:
    awards.git("checkout", "-q", "-b", "awards-tables")
    awards.write("db/migrations/0042_awards.sql", "create table awards ();\n")
    awards.write("README.md", "# app, with awards\n")
    awards.commit("the table", plan="plans/awards.yaml#tables")
    awards.write("app/auth/session.py", "# auth, touched\n")
    awards.commit("and auth", plan="plans/awards.yaml#tables")
    body = awards.planscope("pr-body", "plans/awards.yaml#tables", "--base", "main").out
    section = body[body.index("### What this change did"):body.index("---\n")]
    merge_base = awards.git("merge-base", "main", "HEAD").strip()
    assert section.splitlines() == [
        "### What this change did", "",
        f"Against `main` (merge base `{merge_base[:9]}`): the pull request check says "
        "**forbidden**.", "",
        "**Touched in scope**", "", "- `db/migrations/0042_awards.sql`", "",
        "**Planned, not touched**", "", "- `app/models/__init__.py`",
        "- `tests/test_awards_migration.py`", "",
        "**Drift**", "", "- `README.md`", "",
        "**Forbidden**", "", "- `app/auth/session.py`", "",
    ]
    assert body.rstrip().endswith("Plan: plans/awards.yaml#tables")
    plain = awards.planscope("pr-body", "plans/awards.yaml#tables").out
    assert "What this change did" not in plain


def test_incidental_paths_carry_the_reason(awards: Repo, api: fake_api.FakeAPI) -> None:
    awards.write(".planscope.yaml", "on_drift: verify\n")
    awards.commit("verify drift", plan="none")
    awards.git("checkout", "-q", "-b", "awards-tables")
    awards.write("db/migrations/0042_awards.sql", "create table awards ();\n")
    awards.write("app/registry.py", "REGISTRY = ['awards']\n")
    awards.commit("the table", plan="plans/awards.yaml#tables")
    api.replies.append(fake_api.verdicts(("app/registry.py", "incidental", 0.9),
                                         reason="registers the new table"))
    body = awards.planscope("pr-body", "plans/awards.yaml#tables", "--base", "main").out
    assert "**Incidental** (the verification pass)" in body
    assert "- `app/registry.py`: registers the new table" in body
    assert "the pull request check says **pass**" in body
    assert "**Drift**" not in body


def test_no_commits_and_other_slices(awards: Repo) -> None:
    body = awards.planscope("pr-body", "plans/awards.yaml#tables", "--base", "main").out
    assert "No commits since the merge base with `main`." in body
    awards.git("checkout", "-q", "-b", "mixed")
    awards.write("db/migrations/0042_awards.sql", "t\n")
    awards.commit("the table", plan="plans/awards.yaml#tables")
    awards.write("app/views/awards.py", "v\n")
    awards.commit("a view", plan="plans/awards.yaml#views")
    body = awards.planscope("pr-body", "plans/awards.yaml#tables", "--base", "main").out
    assert "Other commits: 1 (plans/awards.yaml#views)." in body
    assert "the pull request check says **pass**" in body
    assert "**Drift**" not in body  # the view is the other slice's, as the check judges it


def test_assumptions_show_their_ids(awards: Repo) -> None:
    plan = (awards.path / "plans/awards.yaml").read_text().replace(
        "assumptions:\n  - Members are stored in app/models/member.py\n",
        "assumptions:\n  - id: members-file\n    text: Members are stored in "
        "app/models/member.py\n  - Awards are never deleted\n").replace(
        "    allow: [tests/**/test_awards*.py]\n",
        "    allow: [tests/**/test_awards*.py]\n    relies_on: [members-file]\n")
    awards.write("plans/awards.yaml", plan)
    body = awards.planscope("pr-body", "plans/awards.yaml#tables").out
    assert ("- `members-file` Members are stored in app/models/member.py (this slice relies "
            "on it)") in body.splitlines()
    assert "- Awards are never deleted" in body.splitlines()
