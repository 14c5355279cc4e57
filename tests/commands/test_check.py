"""`planscope check` (checker/commands/check.py) on real repositories: in scope, drift,
forbidden, renames, root and merge commits, ranges, exemptions, bad input."""

from __future__ import annotations

import json

import pytest

from tests.conftest import AWARDS_PLAN, Repo

TABLES = "plans/awards.yaml#tables"


DESIGN_KEYS = {
    "ok",
    "plan",
    "slice",
    "changed",
    "in_scope",
    "drift",
    "forbidden",
    "untouched",
    "verification",
}


def check_json(repo: Repo, *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    r = repo.planscope("check", "--format", "json", *args)
    return r.code, json.loads(r.out)


def test_in_scope_commit_passes(awards: Repo) -> None:
    awards.write("db/migrations/0042_awards.sql", "create table awards;\n")
    awards.write("app/models/__init__.py", "from .award import Award\n")
    awards.commit("Add awards table", plan=TABLES)
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 0, r.err
    assert "against plans/awards.yaml#tables" in r.out and "2 in scope, 0 drift" in r.out
    assert "untouched  tests/test_awards_migration.py" in r.out


def test_drift_blocks_with_advice(awards: Repo) -> None:
    awards.write("app/models/__init__.py", "x\n")
    awards.write("app/views/home.py", "x\n")
    awards.commit("Sneak in a view", plan=TABLES)
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 1
    assert "drift      app/views/home.py (A)" in r.out
    assert "outside slice 'tables': move them to a commit of their own that claims the slice " \
           "they belong to; or widen the slice in plans/awards.yaml" in r.out
    assert "'Plan: none'" not in r.out  # refused by this config: never suggested


def test_forbidden_blocks_even_when_listed_in_modify(awards: Repo) -> None:
    awards.write("app/auth/session.py", "changed\n")
    awards.commit("Touch auth", plan=TABLES)
    code, doc = check_json(awards, "--commit", "HEAD")
    assert code == 1
    assert doc["forbidden"] == ["app/auth/session.py"] and doc["in_scope"] == []
    r = awards.planscope("check", "--commit", "HEAD")
    assert "forbidden  app/auth/session.py (M)" in r.out and "never pass" in r.out


def test_json_matches_the_design(awards: Repo) -> None:
    awards.write("app/models/__init__.py", "x\n")
    awards.write("app/views/home.py", "x\n")
    awards.commit("mixed", plan=TABLES)
    code, doc = check_json(awards, "--commit", "HEAD")
    assert code == 1
    assert doc.keys() >= DESIGN_KEYS
    assert doc["ok"] is False and doc["plan"] == "plans/awards.yaml" and doc["slice"] == "tables"
    assert doc["changed"] == ["app/models/__init__.py", "app/views/home.py"]
    assert doc["in_scope"] == ["app/models/__init__.py"]
    assert doc["drift"] == [
        {
            "path": "app/views/home.py",
            "status": "A",
            "verdict": None,
            "reason": None,
            "confidence": None,
        }
    ]
    assert doc["untouched"] == [
        "db/migrations/0042_awards.sql",
        "app/auth/session.py",
        "tests/test_awards_migration.py",
    ]
    assert doc["verification"] is None
    assert doc["exit_code"] == 1


def test_rename_needs_both_paths(awards: Repo) -> None:
    awards.git("mv", "app/models/__init__.py", "app/models/base.py")
    awards.commit("rename", plan=TABLES)
    code, doc = check_json(awards, "--commit", "HEAD")
    assert code == 1
    assert doc["in_scope"] == ["app/models/__init__.py"]
    assert doc["drift"][0]["path"] == "app/models/base.py" and doc["drift"][0]["status"] == "R"


def test_root_commit(repo: Repo) -> None:
    repo.write(
        "plans/p.yaml",
        "version: 1\nid: p\ntitle: P\nstatus: approved\nslices:\n"
        "  - {id: s, title: S, files: {create: [src/**, plans/p.yaml]}}\n",
    )
    repo.write("src/a.py")
    repo.commit("root", plan="plans/p.yaml")  # one slice: no #slice needed
    code, doc = check_json(repo, "--commit", "HEAD")
    assert code == 0, doc
    assert doc["changed"] == ["plans/p.yaml", "src/a.py"]


def test_a_clean_merge_adds_nothing_of_its_own(awards: Repo) -> None:
    awards.git("checkout", "-q", "-b", "feature")
    awards.write("app/views/home.py")
    awards.commit("feature work", plan="none")
    awards.git("checkout", "-q", "main")
    awards.write("db/migrations/0042_awards.sql")
    awards.commit("table", plan=TABLES)
    awards.git("merge", "-q", "--no-ff", "-m", f"Merge feature\n\nPlan: {TABLES}", "feature")
    code, doc = check_json(awards, "--commit", "HEAD")
    assert (code, doc["changed"]) == (0, [])
    assert doc["notes"] == ["a merge that adds nothing of its own"]
    # a --plan that names nothing is bad input even where nothing is left to judge
    r = awards.planscope("check", "--commit", "HEAD", "--plan", "plans/nosuch.yaml#x")
    assert r.code == 2 and "plans/nosuch.yaml: no such plan file" in r.err


def test_range_checks_each_commit_against_its_own_trailer(awards: Repo) -> None:
    base = awards.git("rev-parse", "HEAD").strip()
    awards.write("db/migrations/0042_awards.sql")
    awards.commit("tables", plan=TABLES)
    awards.write("app/views/awards.py")
    awards.commit("views", plan="plans/awards.yaml#views")
    awards.write("app/views/__init__.py", "changed\n")
    awards.write("app/models/__init__.py", "changed\n")
    bad = awards.commit("views again, with a model change", plan="plans/awards.yaml#views")
    code, doc = check_json(awards, "--range", f"{base}..HEAD")
    assert code == 1
    assert [c["slice"] for c in doc["commits"]] == ["tables", "views", "views"]
    assert [c["ok"] for c in doc["commits"]] == [True, True, False]
    assert doc["drift"] == [
        {
            "path": "app/models/__init__.py",
            "status": "M",
            "verdict": None,
            "reason": None,
            "confidence": None,
            "commit": bad,
        }
    ]
    assert doc["plan"] == "plans/awards.yaml" and doc["slice"] is None  # mixed slices
    assert doc.keys() >= DESIGN_KEYS
    r = awards.planscope("check", "--range", f"{base}..HEAD")
    assert r.out.count("planscope: ok:") == 2 and r.out.count("planscope: FAIL:") == 1


def test_range_with_plan_checks_the_whole_diff(awards: Repo) -> None:
    base = awards.git("rev-parse", "HEAD").strip()
    awards.write("db/migrations/0042_awards.sql")
    awards.commit("one")
    awards.write("app/models/__init__.py", "y\n")
    awards.commit("two")
    code, doc = check_json(awards, "--range", f"{base}..HEAD", "--plan", TABLES)
    assert code == 0 and "commits" not in doc
    assert doc["in_scope"] == ["app/models/__init__.py", "db/migrations/0042_awards.sql"]


def test_base_on_a_branch(awards: Repo) -> None:
    awards.git("checkout", "-q", "-b", "plan/awards-dashboard/tables")
    awards.write("db/migrations/0042_awards.sql")
    awards.commit("table without trailer: the branch names the slice")
    awards.write("app/views/x.py")
    awards.commit("drift")
    awards.git("checkout", "-q", "main")
    awards.write("unrelated.txt")
    awards.commit("main moves on", plan="none")
    awards.git("checkout", "-q", "plan/awards-dashboard/tables")
    code, doc = check_json(awards, "--base", "main")
    assert code == 1
    assert [c["ok"] for c in doc["commits"]] == [True, False]
    assert {c["claimed_by"] for c in doc["commits"]} == {"branch plan/awards-dashboard/tables"}
    assert "unrelated.txt" not in doc["changed"]


def test_slice_branch_key_maps_the_branch(awards: Repo) -> None:
    plan = (awards.path / "plans/awards.yaml").read_text()
    awards.write(
        "plans/awards.yaml", plan.replace("  - id: views\n", "  - id: views\n    branch: dash\n")
    )
    awards.commit("map branch", plan="none")
    awards.git("checkout", "-q", "-b", "dash")
    awards.write("app/views/awards.py")
    awards.git("add", "-A")
    code, doc = check_json(awards, "--staged")
    assert (code, doc["slice"], doc["claimed_by"]) == (0, "views", "branch dash")


@pytest.mark.parametrize(
    "name", ["db/migrations/with space.sql", "db/migrations/ünï.sql", "db/migrations/new\nline.sql"]
)
def test_hard_path_names(awards: Repo, name: str) -> None:
    awards.write(
        "plans/awards.yaml",
        (awards.path / "plans/awards.yaml")
        .read_text()
        .replace("create: [db/migrations/0042_awards.sql]", "create: ['db/migrations/*.sql']"),
    )
    awards.commit("widen", plan="none")
    awards.write(name)
    awards.write("other dir/ä b.txt")
    awards.commit("hard names", plan=TABLES)
    code, doc = check_json(awards, "--commit", "HEAD")
    assert code == 1
    assert doc["in_scope"] == [name]
    assert [d["path"] for d in doc["drift"]] == ["other dir/ä b.txt"]
    r = awards.planscope("check", "--commit", "HEAD")
    assert "drift      other dir/ä b.txt (A)" in r.out
    assert "\nline" not in r.out or name != "db/migrations/new\nline.sql"


def test_binary_file(awards: Repo) -> None:
    (awards.path / "app/models/logo.png").write_bytes(bytes(range(256)))
    awards.commit("binary", plan=TABLES)
    code, doc = check_json(awards, "--commit", "HEAD")
    assert code == 1 and doc["drift"][0]["path"] == "app/models/logo.png"


def test_malformed_plan_yaml(awards: Repo) -> None:
    awards.write("plans/awards.yaml", "version: 1\nid: [oops\n")
    awards.write("db/migrations/0042_awards.sql")
    awards.git("add", "-A")
    r = awards.planscope("check", "--plan", TABLES)
    assert r.code == 2
    assert r.err.startswith("planscope: error: plans/awards.yaml:3:1: "), r.err
    assert len(r.err.strip().splitlines()) == 1


def test_schema_violation_in_plan(awards: Repo) -> None:
    text = (awards.path / "plans/awards.yaml").read_text().replace("status: approved", "status: ok")
    awards.write("plans/awards.yaml", text)
    awards.commit("break the plan", plan="none")  # judged by the plan before: plan files pass
    assert awards.planscope("check", "--commit", "HEAD").code == 0
    awards.write("db/migrations/0042_awards.sql")
    awards.commit("x", plan=TABLES)  # judged by the broken plan: bad input
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 2
    assert r.err.startswith("planscope: error: plans/awards.yaml:5:9: status: 'ok' is not one of")


def test_unknown_slice_and_missing_slice(awards: Repo) -> None:
    awards.write("db/migrations/0042_awards.sql")
    awards.git("add", "-A")
    r = awards.planscope("check", "--plan", "plans/awards.yaml#nope")
    assert r.code == 2
    assert "plans/awards.yaml: no slice 'nope' (slices: tables, views)" in r.err
    r = awards.planscope("check", "--plan", "plans/awards.yaml")
    assert r.code == 2 and "has 2 slices; name one" in r.err
    r = awards.planscope("check", "--plan", "plans/missing.yaml#x")
    assert r.code == 2 and "plans/missing.yaml: no such plan file (named by --plan)" in r.err


def test_missing_plan_gives_the_trailer_hint(awards: Repo) -> None:
    awards.write("src/x.py")
    awards.commit("no trailer")
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 2
    assert "no plan claims this change; add the trailer 'Plan: plans/<plan>.yaml#<slice>'" in r.err


def test_require_plan_false(awards: Repo) -> None:
    awards.write(".planscope.yaml", "require_plan: false\non_drift: block\n")
    awards.commit("config", plan="none")
    awards.write("src/x.py")
    awards.commit("no trailer")
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 0 and "needs no plan (require_plan is false)" in r.out


def test_plan_none_only_under_exempt(awards: Repo) -> None:
    awards.write(".planscope.yaml", "exempt: {paths: [docs/**]}\non_drift: block\n")
    awards.commit("config", plan="none")
    awards.write("docs/guide.md")
    awards.commit("docs", plan="none")
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 0 and "'Plan: none': needs no plan (exempt)" in r.out
    awards.write("docs/more.md")
    awards.write("src/code.py")
    awards.commit("docs and code", plan="none")
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 2 and "'Plan: none' is honoured only for exempt changes" in r.err


def test_plan_files_need_no_plan(awards: Repo) -> None:
    awards.write("plans/next.yaml", AWARDS_PLAN.replace("id: awards-dashboard", "id: next"))
    awards.commit("draft a plan")
    assert awards.planscope("check", "--commit", "HEAD").code == 0
    awards.write("plans/broken.yaml", "version: 1\n")
    awards.commit("a plan that is no plan")
    assert awards.planscope("check", "--commit", "HEAD").code == 0  # judged by the plans before
    awards.write("src/x.py")
    awards.commit("work on top of it", plan=TABLES)
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 2  # the forbid rules of the plans it is judged by cannot be known
    assert r.err.startswith("planscope: error: plans/broken.yaml:1:1: 'id' is a required")


def test_small_changes_exempt_by_size(awards: Repo) -> None:
    awards.write(".planscope.yaml", "exempt: {max_changed_lines: 2}\non_drift: block\n")
    awards.commit("config", plan="none")
    awards.write("src/typo.py", "one\n")
    awards.commit("typo", plan="none")
    assert awards.planscope("check", "--commit", "HEAD").code == 0
    awards.write("src/big.py", "1\n2\n3\n")
    awards.commit("bigger", plan="none")
    assert awards.planscope("check", "--commit", "HEAD").code == 2
    awards.git("mv", "src/big.py", "app/moved.py")  # moving code is change: 6 lines, not 0
    awards.commit("moved", plan="none")
    assert awards.planscope("check", "--commit", "HEAD").code == 2


def test_on_drift_warn_reports_and_passes(awards: Repo) -> None:
    awards.write(".planscope.yaml", "on_drift: warn\n")
    awards.write("app/views/home.py")
    awards.git("add", "-A")
    r = awards.planscope("check", "--plan", TABLES)
    assert r.code == 0
    assert "drift      .planscope.yaml (M)" in r.out and "on_drift is warn" in r.out


def test_forbidden_blocks_even_when_drift_only_warns(awards: Repo) -> None:
    awards.write(".planscope.yaml", "on_drift: warn\n")
    awards.write("app/auth/session.py", "y\n")
    awards.git("add", "-A")
    assert awards.planscope("check", "--plan", TABLES).code == 1


def test_verify_unavailable_follows_on_error(awards: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANSCOPE_OFFLINE", "1")
    awards.write(".planscope.yaml", "on_drift: verify\n")
    awards.git("add", "-A")
    r = awards.planscope("check", "--plan", TABLES)
    assert r.code == 3
    assert "verification could not run: PLANSCOPE_OFFLINE=1" in r.err
    assert awards.planscope("check", "--plan", TABLES, "--no-verify").code == 1
    awards.write(".planscope.yaml", "on_drift: verify\nverify: {on_error: pass}\n")
    awards.git("add", "-A")
    r = awards.planscope("check", "--plan", TABLES)
    assert r.code == 0 and "WARNING: verification could not run" in r.out


def test_nothing_staged_and_empty_range(awards: Repo) -> None:
    r = awards.planscope("check")
    assert r.code == 0 and "no changes" in r.out
    r = awards.planscope("check", "--range", "HEAD..HEAD")
    assert (r.code, r.out.strip()) == (0, "planscope: ok: no commits to check")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--commit", "nope"], "unknown revision 'nope'"),
        (["--range", "HEAD"], "--range takes A..B"),
        (["--range", "HEAD...HEAD"], "--range takes A..B"),
        (["--commit", "HEAD", "--base", "main"], "use only one of"),
        (["--format", "xml"], "Invalid value for '--format'"),
    ],
)
def test_bad_arguments(awards: Repo, args: list[str], message: str) -> None:
    r = awards.planscope("check", *args)
    assert r.code == 2 and message in r.err


def test_bad_config_and_outside_a_repo(
    awards: Repo, tmp_path_factory: pytest.TempPathFactory
) -> None:
    awards.write(".planscope.yaml", "on_drift: sometimes\n")
    assert awards.planscope("check").code == 0  # staged changes: the staged rules
    awards.git("add", ".planscope.yaml")
    r = awards.planscope("check")
    assert r.code == 2 and r.err.startswith("planscope: error: .planscope.yaml:1:11: on_drift:")
    r = Repo(tmp_path_factory.mktemp("nowhere")).planscope("check")
    assert r.code == 2 and "not inside a git repository" in r.err


def test_planscope_use_claims_the_staged_changes(awards: Repo) -> None:
    awards.write("app/views/awards.py")
    awards.git("add", "-A")
    assert awards.planscope("check").code == 2  # nothing claims the change yet
    assert awards.planscope("use", "plans/awards.yaml#views").code == 0
    code, doc = check_json(awards)
    assert (code, doc["slice"], doc["claimed_by"]) == (0, "views", "planscope use")
    awards.commit("no trailer")
    assert awards.planscope("check", "--commit", "HEAD").code == 2  # commits need trailers
    assert awards.planscope("use", "--clear").code == 0
    awards.write("app/views/more.py")
    awards.git("add", "-A")
    assert awards.planscope("check").code == 2


def test_forbidden_means_forbidden_in_every_change(awards: Repo) -> None:
    """Exempt, unclaimed, 'Plan: none': a path the config or any plan not done forbids
    fails, naming the rule; a slice's !negation does not cancel its plan's forbid."""
    awards.write(".planscope.yaml", "on_drift: block\nforbid: [secrets/**]\n"
                 "exempt: {max_changed_lines: 2, paths: [docs/**]}\n")
    awards.commit("config", plan="none")
    awards.write("app/auth/session.py", "# one line\n")
    awards.commit("small, exempt by size, but forbidden by the awards plan", plan="none")
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 1
    assert r.out.splitlines() == [
        f"planscope: FAIL: commit {awards.head()[:9]} 'small, exempt by size, but forbidden by "
        f"the awards plan': 'Plan: none': needs no plan (exempt); 1 forbidden",
        "  forbidden  app/auth/session.py (M) by 'app/auth/**' (forbid of plans/awards.yaml)",
        "  -> forbidden paths never pass, whatever the change claims: take them out of this "
        "change"]
    awards.write("secrets/token.txt", "1\n2\n3\n")
    awards.commit("no trailer at all")
    r = awards.planscope("check", "--commit", "HEAD", "--format", "json")
    doc = json.loads(r.out)
    assert r.code == 2 and doc["forbidden"] == ["secrets/token.txt"]  # and no plan: exit 2
    assert doc["forbidden_rules"] == {"secrets/token.txt": "'secrets/**' (forbid in "
                                                           ".planscope.yaml)"}
    plan = (awards.path / "plans/awards.yaml").read_text()
    awards.write("plans/awards.yaml", plan.replace(
        "allow: [tests/**/test_awards*.py]",
        "allow: [tests/**/test_awards*.py]\n    forbid: ['!app/auth/**']"))
    awards.commit("a slice that tries to unforbid auth", plan="none")
    awards.write("app/auth/session.py", "# changed\n")
    awards.commit("auth", plan=TABLES)
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 1 and "forbidden  app/auth/session.py (M)" in r.out


def test_a_plan_that_is_done_forbids_no_more(awards: Repo) -> None:
    plan = (awards.path / "plans/awards.yaml").read_text()
    awards.write("plans/awards.yaml", plan.replace("status: approved", "status: done"))
    awards.write(".planscope.yaml", "on_drift: block\nrequire_plan: false\n")
    awards.commit("done", plan="none")
    awards.write("app/auth/session.py", "# later work\n")
    awards.commit("auth, later")
    assert awards.planscope("check", "--commit", "HEAD").code == 0


def test_plan_paths_are_repo_relative_or_from_the_current_folder(awards: Repo) -> None:
    awards.write("app/models/__init__.py", "x\n")
    awards.git("add", "-A")
    for ref in ("plans/awards.yaml#tables", "../../plans/awards.yaml#tables"):
        r = awards.planscope("check", "--plan", ref, cwd=awards.path / "app/models")
        assert r.code == 0 and "against plans/awards.yaml#tables (from --plan)" in r.out, ref
    r = awards.planscope("check", "--plan", "nowhere.yaml#x", cwd=awards.path / "app")
    assert r.code == 2 and "nowhere.yaml (named by --plan): not a plan file" in r.err
