"""Which slices a change claims (checker/judge/claims.py): references, trailers (several
claim the union), the branch, the active slice; plans read through a Rulebook."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.errors import BadInput
from checker.judge import claims
from checker.rules.book import Rulebook
from tests.conftest import Repo


def test_parse_ref() -> None:
    assert claims.parse_ref(" plans/a.yaml#tables ") == ("plans/a.yaml", "tables")
    assert claims.parse_ref("plans/a.yaml") == ("plans/a.yaml", None)
    assert claims.parse_ref("plans/a.yaml#") == ("plans/a.yaml", None)
    assert claims.parse_ref("None") is None


def test_claims_from_a_reference(awards: Repo) -> None:
    plans = Rulebook(awards.path)
    claim = claims.from_ref("plans/awards.yaml#views", plans, "--plan")
    assert claim.ref == "plans/awards.yaml#views" and claim.source == "--plan"
    assert claims.from_ref("none", plans, "x").ref == "none"
    with pytest.raises(BadInput, match="has 2 slices; name one"):
        claims.from_ref("plans/awards.yaml", plans, "x")
    with pytest.raises(BadInput, match=r"no slice 'nope' \(slices: tables, views\)"):
        claims.from_ref("plans/awards.yaml#nope", plans, "x")
    for bad in ("/etc/passwd", "../x.yaml", " "):
        with pytest.raises(BadInput, match="a plan is named by its repo-relative path"):
            claims.from_ref(bad, plans, "x")
    with pytest.raises(BadInput, match="no such plan file"):
        claims.from_ref("plans/missing.yaml#a", plans, "x")


def test_several_trailers_claim_the_union_of_their_slices(awards: Repo) -> None:
    plans = Rulebook(awards.path)
    assert claims.from_trailers((), plans, "commit x") is None
    both = claims.from_trailers(("plans/awards.yaml#tables", "plans/awards.yaml#views",
                                 "plans/awards.yaml#tables"), plans, "commit x")
    assert both is not None and both.ref == "plans/awards.yaml#tables+views"
    assert both.source == "'Plan:' trailers of commit x"
    assert [s.id for s in both.slices] == ["tables", "views"]
    awards.write("plans/other.yaml", (awards.path / "plans/awards.yaml").read_text()
                 .replace("id: awards-dashboard", "id: other"))
    across = claims.from_trailers(("plans/awards.yaml#views", "plans/other.yaml#tables"),
                                  Rulebook(awards.path), "commit x")
    assert across is not None and across.plan is None and len(across.parts) == 2
    assert across.ref == "plans/awards.yaml#views + plans/other.yaml#tables"
    with pytest.raises(BadInput, match="'Plan: none' together with a slice"):
        claims.from_trailers(("none", "plans/awards.yaml#views"), plans, "commit x")
    assert claims.from_ref("plans/awards.yaml#tables+views", plans, "x").ref == (
        "plans/awards.yaml#tables+views")


def test_branches_map_to_slices(awards: Repo) -> None:
    plans = Rulebook(awards.path)
    assert claims.from_branch(None, plans) is None
    assert claims.from_branch("feature", plans) is None
    for branch in ("awards-dashboard/views", "plan/awards-dashboard/views"):  # new, old
        found = claims.from_branch(branch, plans)
        assert found is not None and found.ref == "plans/awards.yaml#views", branch
    for branch in ("awards-dashboard/nope", "plan/awards-dashboard", "x/awards-dashboard/views",
                   "awards/views"):
        assert claims.from_branch(branch, plans) is None, branch
    text = (awards.path / "plans/awards.yaml").read_text()
    awards.write("plans/again.yaml", text.replace("id: awards-dashboard", "id: again")
                 .replace("id: views", "id: views\n    branch: work/views"))
    awards.write("plans/copy.yaml", text.replace("id: awards-dashboard", "id: copy")
                 .replace("id: views", "id: views\n    branch: work/views"))
    with pytest.raises(BadInput, match="maps to several slices"):
        claims.from_branch("work/views", Rulebook(awards.path))


def test_the_plan_branch_and_its_slice_branches_live_together(awards: Repo,
                                                               tmp_path: Path) -> None:
    """The documented names: plan/<plan-id> for the plan's pull request, <plan-id>/<slice-id>
    for the work. git holds both, locally and on a remote, and the work branch claims."""
    remote = tmp_path / "remote.git"
    awards.git("init", "-q", "--bare", str(remote))
    awards.git("remote", "add", "origin", str(remote))
    awards.git("switch", "-q", "-c", "plan/awards-dashboard")
    awards.git("push", "-q", "origin", "plan/awards-dashboard")
    awards.git("switch", "-q", "-c", "awards-dashboard/views")  # no "cannot lock ref"
    awards.git("push", "-q", "origin", "awards-dashboard/views")
    awards.write("app/views/awards.py", "VIEW = 1\n")
    awards.git("add", "-A")
    r = awards.planscope("check", "--staged")
    assert r.code == 0 and "(from branch awards-dashboard/views)" in r.out
    assert awards.planscope("check", "--staged", "--plan", "plans/awards.yaml#views").code == 0
    awards.git("switch", "-q", "plan/awards-dashboard")
    assert awards.planscope("check", "--staged").code == 2  # the plan's branch claims nothing


def test_plans_at_a_revision(awards: Repo) -> None:
    base = awards.head()
    awards.write("plans/awards.yaml", "broken: [\n")
    plans = Rulebook(awards.path, base)
    assert plans.plan("plans/awards.yaml", "x").id == "awards-dashboard"
    assert plans.files() == ["plans/awards.yaml"]
    assert "awards-dashboard" in plans.text("plans/awards.yaml")
    with pytest.raises(BadInput, match=r"no such plan file at .*, the commit the rules are "):
        plans.plan("plans/new.yaml", "x")


def test_command_line_paths(awards: Repo, monkeypatch: pytest.MonkeyPatch,
                            tmp_path: Path) -> None:
    monkeypatch.chdir(awards.path / "app")
    assert claims.repo_relative(awards.path, "../plans/awards.yaml") == "plans/awards.yaml"
    book = Rulebook(awards.path)
    plan, slice_ = claims.named_slice(awards.path, book, "../plans/awards.yaml#tables", "brief")
    assert (plan.id, slice_.id) == ("awards-dashboard", "tables")
    plan, slices = claims.named_slices(awards.path, book, "../plans/awards.yaml#tables+views")
    assert [s.id for s in slices] == ["tables", "views"]
    with pytest.raises(BadInput, match=r"planscope brief takes one slice; "
                                       r"\.\./plans/awards.yaml#tables\+views names 2"):
        claims.named_slice(awards.path, book, "../plans/awards.yaml#tables+views", "brief")
    with pytest.raises(BadInput, match="not inside the repository"):
        claims.repo_relative(awards.path, str(tmp_path))


def test_the_active_slice_claims(awards: Repo) -> None:
    plans = Rulebook(awards.path)
    assert claims.from_active(awards.path, plans, {}) is None
    found = claims.from_active(awards.path, plans, {"PLANSCOPE_PLAN": "plans/awards.yaml#views"})
    assert found is not None and found.source == "PLANSCOPE_PLAN"


def test_a_fixup_or_revert_whose_commit_is_not_found_says_so(awards: Repo) -> None:
    awards.write("db/migrations/0042_awards.sql")
    awards.commit("fixup! Nothing by that subject")
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 2
    assert ("planscope: note: 'fixup!' target 'Nothing by that subject' is not among the last "
            "500 commits; give this commit a 'Plan:' trailer of its own") in r.out + r.err
    assert "no plan claims this change" in r.err
    awards.write("app/views/awards.py")
    awards.commit(f"Revert \"x\"\n\nThis reverts commit {'1' * 40}.")
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 2 and f"note: it reverts {'1' * 9}, which is not in its history" \
        in r.out + r.err
    # a commit this clone has but the history does not: the same answer as in a fresh clone
    awards.git("checkout", "-q", "-b", "elsewhere", "HEAD~2")
    awards.write("README.md", "elsewhere\n")
    other = awards.commit("elsewhere", plan="plans/awards.yaml#tables")
    awards.git("checkout", "-q", "main")
    awards.write("app/views/awards.py", "reverted\n")
    awards.commit(f"Revert \"elsewhere\"\n\nThis reverts commit {other}.")
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 2 and f"note: it reverts {other[:9]}, which is not in its history" \
        in r.out + r.err


def test_a_claimed_plan_must_lie_in_plans_dir(awards: Repo) -> None:
    """A YAML file elsewhere (an exempt docs example, say) is no plan, whoever names it."""
    awards.write("docs/example.yaml", (awards.path / "plans/awards.yaml").read_text())
    awards.commit("docs: an example", plan="none")
    awards.write("app/payments.py", "x\n")
    awards.commit("payments", plan="docs/example.yaml#tables")
    for args in (("--commit", "HEAD"), ("--staged", "--plan", "docs/example.yaml#tables")):
        r = awards.planscope("check", *args)
        assert r.code == 2 and "docs/example.yaml (named by" in r.err and \
            "not a plan file; plans are the .yaml and .yml files under plans/" in r.err, r.err


def test_a_branch_finds_a_plan_whose_id_key_is_quoted(awards: Repo) -> None:
    text = (awards.path / "plans/awards.yaml").read_text()
    awards.write("plans/awards.yaml",
                 text.replace("\nid: awards-dashboard", '\n"id": awards-dashboard'))
    found = claims.from_branch("awards-dashboard/views", Rulebook(awards.path))
    assert found is not None and found.ref == "plans/awards.yaml#views"
