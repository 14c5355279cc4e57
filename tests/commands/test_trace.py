"""`planscope trace` (checker/commands/trace.py): from a line, a file or a commit back to the
slice and the assumptions it relies on."""

from __future__ import annotations

import json

import pytest

from tests.conftest import AWARDS_PLAN, Repo

PLAN = AWARDS_PLAN.replace(
    "assumptions:\n  - Members are stored in app/models/member.py\n",
    "assumptions:\n"
    "  - id: members-file\n"
    "    text: Members are stored in app/models/member.py\n"
    "    paths: [app/models/member.py]\n"
    "  - id: views-registry\n"
    "    text: Views register themselves in app/views/__init__.py\n"
    "    paths: [app/views/]\n",
).replace("    allow: [tests/**/test_awards*.py]\n",
          "    allow: [tests/**/test_awards*.py, app/models/**]\n    relies_on: [members-file]\n"
          ).replace("    depends_on: [tables]\n",
                    "    depends_on: [tables]\n    allow: [app/views/**]\n"
                    "    relies_on: [views-registry]\n")
TABLES, VIEWS = "plans/awards.yaml#tables", "plans/awards.yaml#views"
VIEW = "def home():\n    return '{}'\n\n\ndef about():\n    return 'about'\n" \
       "\n\ndef contact():\n    return 'contact'\n"


@pytest.fixture
def history(awards: Repo) -> dict[str, str]:
    """Three commits: the tables slice writes a model, the views slice writes a view, then
    renames it and changes its second line."""
    awards.write("plans/awards.yaml", PLAN)
    awards.commit("plan with assumption ids", plan="none")
    awards.write("app/models/member.py", "class Member: ...\n")
    awards.write("app/models/awards.py", "class Award:\n    points = 1\n")
    models = awards.commit("award model", plan=TABLES)
    awards.write("app/views/home.py", VIEW.format("old"))
    view = awards.commit("home view", plan=VIEWS)
    awards.git("mv", "app/views/home.py", "app/views/dashboard.py")
    awards.write("app/views/dashboard.py", VIEW.format("new"))
    renamed = awards.commit("dashboard view", plan=VIEWS)
    return {"models": models, "view": view, "renamed": renamed}


def test_a_line_leads_to_its_slice_and_assumption(awards: Repo,
                                                  history: dict[str, str]) -> None:
    run = awards.planscope("trace", "app/models/awards.py:2")
    assert run.code == 0, run.err
    assert run.out.splitlines() == [
        f"{history['models'][:9]} award model  [{TABLES} ('Plan:' trailer of commit "
        f"{history['models'][:9]})]",
        "    app/models/awards.py:2 (allow)",
        "        assumption members-file: Members are stored in app/models/member.py"
        "  [relied on]",
    ]
    assert "views-registry" not in run.out


def test_a_line_moved_by_a_rename_leads_to_the_commit_that_wrote_it(
        awards: Repo, history: dict[str, str]) -> None:
    first = awards.planscope("trace", "app/views/dashboard.py:1").out.splitlines()
    assert first[0].startswith(f"{history['view'][:9]} home view  [{VIEWS}")
    assert first[1] == "    app/views/home.py:1 (allow), now app/views/dashboard.py:1"
    assert first[2] == ("        assumption views-registry: Views register themselves in "
                        "app/views/__init__.py  [relied on]")
    assert "members-file" not in "\n".join(first)
    second = awards.planscope("trace", "app/views/dashboard.py:2").out.splitlines()
    assert second[0].startswith(f"{history['renamed'][:9]} dashboard view")
    assert second[1] == "    app/views/dashboard.py:2 (allow)"


def test_a_file_history_follows_renames(awards: Repo, history: dict[str, str]) -> None:
    run = awards.planscope("trace", "app/views/dashboard.py", "--format", "json")
    traces = json.loads(run.out)
    assert [(t["commit"], t["claim"], t["paths"][0]["path"]) for t in traces] == [
        (history["renamed"], VIEWS, "app/views/dashboard.py"),
        (history["view"], VIEWS, "app/views/home.py"),
    ]
    assert traces[0]["paths"][0]["assumptions"] == [
        {"id": "views-registry", "text": "Views register themselves in app/views/__init__.py",
         "why": "relied on", "reviews": []}]
    run = awards.planscope("trace", "app/views/dashboard.py", "--no-follow", "--limit", "5")
    assert len([x for x in run.out.splitlines() if not x.startswith(" ")]) == 1


def test_what_a_commit_did(awards: Repo, history: dict[str, str]) -> None:
    run = awards.planscope("trace", "--commit", history["models"])
    assert "    app/models/awards.py (allow)" in run.out.splitlines()
    assert "    app/models/member.py (allow)" in run.out.splitlines()


def test_lines_with_no_claim_say_so(awards: Repo, history: dict[str, str]) -> None:
    run = awards.planscope("trace", "README.md:1")
    assert run.out.splitlines()[0].endswith("Initial  [Plan: none]")
    awards.write("app/views/dashboard.py", VIEW.format("wip"))
    assert awards.planscope("trace", "app/views/dashboard.py:2").out == (
        "[not committed yet]\n    app/views/dashboard.py:2\n")
    awards.write("NOTES.md", "a note\n")
    awards.commit("a note")
    assert awards.planscope("trace", "NOTES.md:1").out.splitlines()[0].endswith(
        "a note  [no plan]")


def test_a_pull_request_body_claims_a_squash_merge(awards: Repo, history: dict[str, str],
                                                   tmp_path: object) -> None:
    awards.write("app/models/awards.py", "class Award:\n    points = 2\n")
    awards.commit("Awards (#12)")
    body = f"Adds awards.\n\nPlan: {TABLES}\n"
    run = awards.planscope("trace", "app/models/awards.py:2", "--pr-body", "-", stdin=body)
    assert f"[{TABLES} (the pull request body)]" in run.out
    assert "members-file" in run.out


def test_a_commit_of_two_slices_shows_each_path_the_assumptions_of_its_own_slice(
        awards: Repo, history: dict[str, str]) -> None:
    awards.write("app/models/awards.py", "class Award:\n    points = 3\n")
    awards.write("app/views/dashboard.py", "def home(): ...\n")
    sha = awards.commit("both (#13)", plan=f"{TABLES}\nPlan: {VIEWS}")
    doc = json.loads(awards.planscope("trace", "--commit", sha, "--format", "json").out)
    paths = {p["path"]: p for p in doc[0]["paths"]}
    relied = {path: [a["id"] for a in p["assumptions"] if a["why"] == "relied on"]
              for path, p in paths.items()}
    assert relied == {"app/models/awards.py": ["members-file"],
                      "app/views/dashboard.py": ["views-registry"]}, doc


def test_before_the_baseline(repo: Repo) -> None:
    repo.write("app/old.py", "old = 1\n")
    before = repo.commit("before planscope")
    assert repo.planscope("init").code == 0  # the baseline: the commit it ran on
    repo.commit("Adopt planscope")
    run = repo.planscope("trace", "app/old.py:1")
    assert f"[before planscope's baseline ({before[:9]}): not checked]" in run.out


def test_a_baseline_moved_after_the_adoption_hides_nothing(awards: Repo,
                                                          history: dict[str, str]) -> None:
    awards.write(".planscope.yaml", f"on_drift: block\nbaseline: {history['view']}\n")
    awards.commit("baseline", plan="none")
    run = awards.planscope("trace", "app/views/dashboard.py:1")
    assert f"[{VIEWS} ('Plan:' trailer of commit {history['view'][:9]})]" in run.out
    said = awards.planscope("check", "--commit", history["view"])
    assert said.code == 0 and "baseline" not in said.out, said.out


@pytest.mark.parametrize(("target", "message"), [
    ("app/models/awards.py:9", "app/models/awards.py:9: "),
    ("app/models/awards.py:0", "lines are numbered from 1"),
    ("nothing.py:1", "nothing.py:1: "),
    ("app/views", "app/views: a folder; trace takes a file"),
])
def test_bad_targets_are_one_line(awards: Repo, history: dict[str, str], target: str,
                                  message: str) -> None:
    run = awards.planscope("trace", target)
    assert run.code == 2 and message in run.err and len(run.err.splitlines()) <= 2
    assert awards.planscope("trace").code == 2
