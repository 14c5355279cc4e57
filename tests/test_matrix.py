"""One answer, wherever it is asked: the same histories through every entry point.

One table of histories (a trailer against the branch, a fixup!, a revert, a squash with two
trailers, a merge, forbidden paths from the config, another plan and the slice, an
incidental verdict, a plan widened inside a range, the active slice against the message's
trailer, a commit already on the default branch, a baseline moved past a forbidden commit,
a change of only the rules)
is run through ``check --commit``, ``check --range``, ``check --base`` (the pull
request's decision), the Action (``--format github`` on a pull_request event), ``pr-body
--base``, pre-push,
``status``, ``stats``, ``trace``, and for staged changes the commit hooks, ``check
--staged``, ``explain`` and the guard. Each history states one verdict per commit and per
path; every entry point must give it (status and stats as their slice totals). A new entry
point joins this table.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.actions import Gh, pr_payload
from tests.conftest import AWARDS_PLAN, Repo

TABLES, VIEWS = "plans/awards.yaml#tables", "plans/awards.yaml#views"
BRANCH = "awards-dashboard/views"
IN, DRIFT, INCIDENTAL, FORBIDDEN = "in scope", "drift", "incidental", "forbidden"
OTHER_PLAN = """\
version: 1
id: other
title: Another plan, not done, whose plan-level forbid holds for every change
status: approved
forbid: [secret/**]
slices:
  - id: x
    title: X
    files:
      create: [other/x.py]
"""
JUDGE = """\
import json, sys
request = json.load(sys.stdin)
print(json.dumps({"verdicts": [
    {"path": f["path"],
     "verdict": "incidental" if f["path"] == "README.md" else "drift",
     "reason": "a line of docs for the new table" if f["path"] == "README.md" else "unplanned",
     "confidence": 0.9}
    for f in request["drifted"]]}))
"""

Classes = dict[str, str]  # path → IN | DRIFT | INCIDENTAL | FORBIDDEN


@dataclass
class Step:
    """One commit of a history: what it writes (None deletes), its message, and the verdict
    on each path every entry point must give; ``slice`` is where status and stats count it
    (per path for a commit claiming several slices)."""

    subject: str
    files: dict[str, str | None] = field(default_factory=dict)
    trailers: tuple[str, ...] = ()
    expect: Classes = field(default_factory=dict)
    slices: dict[str, str] = field(default_factory=dict)  # path → plans/x.yaml#slice
    how: str = "commit"  # commit | revert (of step ``of``) | merge
    of: int = 0


def _judge_script(tmp: Path) -> str:
    path = tmp / "judge.py"
    path.write_text(JUDGE)
    return json.dumps([sys.executable, str(path)])


@pytest.fixture
def based(awards: Repo, tmp_path: Path) -> tuple[Repo, Path, str]:
    """The awards repository with the matrix's rules on main, pushed to a bare remote; the
    work branch named after the views slice is checked out."""
    plan = AWARDS_PLAN.replace("    allow: [tests/**/test_awards*.py]\n",
                               "    allow: [tests/**/test_awards*.py]\n"
                               "    forbid: [app/models/legacy/**]\n")
    awards.write("plans/awards.yaml", plan)
    awards.write("plans/other.yaml", OTHER_PLAN)
    awards.write(".planscope.yaml", textwrap.dedent(f"""\
        on_drift: verify
        forbid: ["**/*.pem"]
        verify:
          provider: command
          command: {_judge_script(tmp_path)}
        """))
    awards.commit("the matrix's rules", plan="none")
    bare = tmp_path / "remote.git"
    subprocess.run(("git", "init", "-q", "--bare", str(bare)), check=True)
    awards.git("remote", "add", "origin", str(bare))
    awards.git("push", "-q", "--no-verify", "origin", "main")
    awards.git("remote", "set-head", "origin", "main")
    base = awards.head()
    awards.git("checkout", "-q", "-b", BRANCH)
    return awards, bare, base


def build(repo: Repo, steps: list[Step]) -> list[str]:
    """Commit the steps; their ids, oldest first."""
    shas: list[str] = []
    for step in steps:
        if step.how == "revert":
            repo.git("revert", "--no-edit", shas[step.of])
        elif step.how == "merge":
            repo.git("checkout", "-q", "-b", "side", "HEAD~1")
            repo.write("app/views/__init__.py", "# views, from the side branch\n")
            repo.commit("views from the side", plan=VIEWS)
            repo.git("checkout", "-q", BRANCH)
            repo.git("merge", "-q", "--no-ff", "--no-edit", "side")
        else:
            for path, text in step.files.items():
                if text is None:
                    repo.git("rm", "-q", path)
                else:
                    repo.write(path, text)
            message = "\n\n".join([step.subject, "\n".join(f"Plan: {t}"
                                                          for t in step.trailers)])
            repo.git("add", "-A")
            repo.git("commit", "-q", "-m", message.strip())
        shas.append(repo.head())
    return shas


# --- the histories ---------------------------------------------------------------------

def _history() -> list[Step]:
    return [
        Step("the table, by its trailer on the views branch",
             {"db/migrations/0042_awards.sql": "create table awards;\n"}, (TABLES,),
             {"db/migrations/0042_awards.sql": IN}),
        Step("the views index, claimed by the branch",
             {"app/views/awards.py": "def index(): ...\n"}, (),
             {"app/views/awards.py": IN}),
        Step("fixup! the table, by its trailer on the views branch",
             {"app/models/__init__.py": "from .award import Award\n"}, (),
             {"app/models/__init__.py": IN}, {"app/models/__init__.py": TABLES}),
        Step("revert", {}, (), {"db/migrations/0042_awards.sql": IN},
             {"db/migrations/0042_awards.sql": TABLES}, how="revert", of=0),
        Step("a squash of two slices",
             {"app/models/__init__.py": "from .award import Award, Badge\n",
              "app/views/__init__.py": "from .awards import index\n"}, (TABLES, VIEWS),
             {"app/models/__init__.py": IN, "app/views/__init__.py": IN},
             {"app/models/__init__.py": TABLES, "app/views/__init__.py": VIEWS}),
        Step("forbidden three ways",
             {"deploy/key.pem": "k\n", "secret/token": "t\n", "app/models/legacy/old.py": "o\n"},
             (TABLES,),
             {"deploy/key.pem": FORBIDDEN, "secret/token": FORBIDDEN,
              "app/models/legacy/old.py": FORBIDDEN}),
        Step("drift, and a line the judge calls incidental",
             {"app/models/__init__.py": "from .award import Award\n# award\n",
              "README.md": "# app, with awards\n", "app/registry.py": "REG = ['awards']\n"},
             (TABLES,),
             {"app/models/__init__.py": IN, "README.md": INCIDENTAL, "app/registry.py": DRIFT}),
        Step("merge", {}, (), {}, how="merge"),
    ]


def _slice_of(step: Step, path: str) -> str:
    """The slice a path is counted under: the one that allows it, else the first claimed
    (the branch's, for a commit with no trailer)."""
    if path in step.slices:
        return step.slices[path]
    return step.trailers[0] if step.trailers else VIEWS


def _fails(classes: Classes) -> bool:
    return any(c in (DRIFT, FORBIDDEN) for c in classes.values())


# --- what each entry point says, as path classes -------------------------------------------

def _unit_classes(unit: dict[str, Any]) -> Classes:
    out: Classes = {p: IN for p in unit["in_scope"]}
    for d in unit["drift"]:
        out[d["path"]] = INCIDENTAL if d["verdict"] == "incidental" else DRIFT
    out.update({p: FORBIDDEN for p in unit["forbidden"]})
    return out


def by_check_commit(repo: Repo, sha: str) -> Classes:
    r = repo.planscope("check", "--commit", sha, "--format", "json")
    assert "Traceback" not in r.err
    return _unit_classes(json.loads(r.out))


def by_range(repo: Repo, *args: str) -> dict[str, Classes]:
    doc = json.loads(repo.planscope("check", *args, "--format", "json").out)
    return {c["commit"]: _unit_classes(c) for c in doc["commits"]}


def by_trace(repo: Repo, sha: str) -> Classes:
    (doc,) = json.loads(repo.planscope("trace", "--commit", sha, "--format", "json").out)
    out: Classes = {}
    for p in doc["paths"]:
        said = [s for s in (FORBIDDEN, INCIDENTAL, DRIFT) if s in p["sections"]]
        out[p["path"]] = said[0] if said else IN
    return out


def by_prepush(repo: Repo, bare: Path) -> set[str]:
    """The short ids of the commits pre-push refuses."""
    line = f"refs/heads/{BRANCH} {repo.head()} refs/heads/{BRANCH} {'0' * 40}\n"
    r = repo.planscope("hook", "pre-push", "origin", str(bare), stdin=line)
    return {w.split()[1] for w in r.err.splitlines()
            if w.startswith("planscope: ") and "'" in w and ": push refused" not in w}


def _slice_totals(steps: list[Step]) -> dict[str, dict[str, int]]:
    """Per slice, how many paths of each class the steps give it."""
    totals: dict[str, dict[str, int]] = {}
    for step in steps:
        for path, cls in step.expect.items():
            row = totals.setdefault(_slice_of(step, path),
                                    {IN: 0, DRIFT: 0, INCIDENTAL: 0, FORBIDDEN: 0})
            row[cls] += 1
    return totals


# --- the matrix -----------------------------------------------------------------------------

def test_every_entry_point_gives_each_commit_and_path_one_verdict(
        based: tuple[Repo, Path, str], gh: Gh) -> None:
    repo, bare, base = based
    steps = _history()
    shas = build(repo, steps)
    merge = shas[-1]
    expected = dict(zip(shas, (s.expect for s in steps), strict=True))
    # check --commit, one by one (this also records the judge's verdicts for later readers)
    for sha, classes in expected.items():
        assert by_check_commit(repo, sha) == classes, sha
    # a range and the pull request's decision: the same rules here (none changes inside)
    ranged = by_range(repo, "--range", f"{base}..HEAD")
    pulled = by_range(repo, "--base", "origin/main")
    side = next(c for c in ranged if c not in expected)  # the side branch's own commit
    assert ranged.pop(side) == pulled.pop(side) == {"app/views/__init__.py": IN}
    assert ranged == pulled == expected
    # the Action on a pull_request event: the same decision, as outputs
    run = gh(repo, payload=pr_payload(repo, base, head_ref=BRANCH))
    assert run.outputs["result"] == "forbidden"
    # pr-body --base: the same decision, in the description
    body = repo.planscope("pr-body", TABLES, VIEWS, "--base", "origin/main").out
    assert "the pull request check says **forbidden**" in body
    assert "- `app/registry.py`" in body.split("**Drift**")[1].split("**Forbidden**")[0]
    assert int(run.outputs["drift-count"]) == sum(
        1 for c in expected.values() for cls in c.values() if cls in (DRIFT, FORBIDDEN))
    # pre-push: refuses exactly the commits with drift or a forbidden path
    assert by_prepush(repo, bare) == {sha[:9] for sha, c in expected.items() if _fails(c)}
    # trace: each path of each commit
    for sha, classes in expected.items():
        if sha != merge:
            assert by_trace(repo, sha) == classes, sha
    # status and stats: the same paths under the same slices
    totals = _slice_totals(steps)
    stats = {g["key"]: g for g in json.loads(repo.planscope(
        "stats", "--base", "origin/main", "--by", "slice", "--format", "json").out)["groups"]}
    for ref, row in totals.items():
        got = stats[ref]
        assert (got["in_scope"], got["drift"], got["incidental"], got["forbidden"]) == (
            row[IN] + (1 if ref == VIEWS else 0),  # + the side branch's commit
            row[DRIFT], row[INCIDENTAL], row[FORBIDDEN]), ref
    doc = json.loads(repo.planscope("status", "plans/awards.yaml", "--format", "json").out)
    status = {f"plans/awards.yaml#{s['id']}": s for s in doc["plans"][0]["slices"]}
    wanted = {ref: {cls: sorted(p for step in steps for p, c in step.expect.items()
                                if c == cls and _slice_of(step, p) == ref)
                    for cls in (DRIFT, FORBIDDEN)} for ref in (TABLES, VIEWS)}
    for ref in (TABLES, VIEWS):
        assert status[ref]["drift"] == wanted[ref][DRIFT]
        assert status[ref]["forbidden"] == wanted[ref][FORBIDDEN]
    assert status[TABLES]["incidental"] == [
        {"path": "README.md", "reason": "a line of docs for the new table"}]


def test_a_plan_widened_inside_a_range_takes_effect_once_it_has_landed(
        based: tuple[Repo, Path, str]) -> None:
    """A commit on its own is judged by the rules it was written under; a range, a push and
    a pull request by the rules of the base they land on, whatever the range changes."""
    repo, bare, base = based
    plan = (repo.path / "plans/awards.yaml").read_text()
    steps = [
        Step("widen tables", {"plans/awards.yaml": plan.replace(
            "allow: [tests/**/test_awards*.py]",
            "allow: [tests/**/test_awards*.py, app/extra.py]")}, ("none",)),
        Step("use the widening", {"app/extra.py": "x\n"}, (TABLES,), {"app/extra.py": IN}),
    ]
    _, use = build(repo, steps)
    assert by_check_commit(repo, use) == {"app/extra.py": IN}
    assert by_trace(repo, use) == {"app/extra.py": IN}
    for args in (("--range", f"{base}..HEAD"), ("--base", "origin/main")):
        got = by_range(repo, *args)
        assert got[use] == {"app/extra.py": DRIFT}, args
    assert by_prepush(repo, bare) == {use[:9]}
    doc = json.loads(repo.planscope("check", "--base", "origin/main", "--format", "json").out)
    assert doc["result"] == "plan-changed" and doc["plan_changes"][0]["plan"] == (
        "plans/awards.yaml")


@pytest.fixture
def hooked_branch(based: tuple[Repo, Path, str]) -> Repo:
    repo = based[0]
    assert repo.planscope("install").code == 0
    return repo


def _commit(repo: Repo, *message: str) -> subprocess.CompletedProcess[str]:
    args = [a for m in message for a in ("-m", m)]
    return subprocess.run(("git", "commit", "-q", *args), cwd=repo.path, capture_output=True,
                          text=True, check=False)


def test_staged_the_trailer_comes_before_the_active_slice_and_the_branch(
        hooked_branch: Repo) -> None:
    repo = hooked_branch
    assert repo.planscope("use", TABLES).code == 0
    repo.write("app/views/awards.py", "def index(): ...\n")
    repo.git("add", "-A")
    # no message yet: the active slice claims it (drift); the pre-commit stage cannot see
    # the message, so it refuses nothing a trailer could make pass
    staged = json.loads(repo.planscope("check", "--staged", "--format", "json").out)
    assert (staged["claimed_by"], _unit_classes(staged)) == (
        "planscope use", {"app/views/awards.py": DRIFT})
    explained = json.loads(repo.planscope("explain", "app/views/awards.py",
                                          "--format", "json").out)
    assert [p["verdict"] for p in explained["paths"]] == ["drift"]
    assert repo.planscope("hook", "pre-commit").code == 0
    payload = {"tool_name": "Write", "hook_event_name": "PreToolUse", "cwd": str(repo.path),
               "tool_input": {"file_path": str(repo.path / "app/views/awards.py")}}
    guard = repo.planscope("guard", stdin=json.dumps(payload))
    assert guard.code == 2 and "outside the active slice 'tables'" in guard.err
    # the message's trailer decides, at commit time and afterwards
    refused = _commit(repo, "Views, claimed by the active slice")
    assert refused.returncode == 1
    assert "planscope use --clear" in refused.stdout + refused.stderr
    done = _commit(repo, "Views", f"Plan: {VIEWS}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert by_check_commit(repo, repo.head()) == {"app/views/awards.py": IN}
    said = json.loads(repo.planscope("check", "--commit", "HEAD", "--format", "json").out)
    assert said["claimed_by"] == "'Plan:' trailer of commit " + repo.head()[:9]


def test_staged_a_fixup_and_a_forbidden_path(hooked_branch: Repo) -> None:
    repo = hooked_branch
    repo.write("db/migrations/0042_awards.sql", "create table awards;\n")
    repo.git("add", "-A")
    assert _commit(repo, "The table", f"Plan: {TABLES}").returncode == 0
    repo.write("app/models/__init__.py", "from .award import Award\n")
    repo.git("add", "-A")
    fixed = _commit(repo, "fixup! The table")  # the branch (views) would call it drift
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert by_check_commit(repo, repo.head()) == {"app/models/__init__.py": IN}
    repo.write("deploy/key.pem", "k\n")
    repo.git("add", "-A")
    pre = repo.planscope("hook", "pre-commit")  # no claim could make a forbidden path pass
    assert pre.code == 1 and "deploy/key.pem" in pre.out
    staged = json.loads(repo.planscope("check", "--staged", "--plan", TABLES,
                                       "--format", "json").out)
    assert _unit_classes(staged) == {"deploy/key.pem": FORBIDDEN}



def test_a_commit_already_on_the_default_branch_is_not_the_branch_s(
        based: tuple[Repo, Path, str]) -> None:
    """The checked-out branch claims only the commits its pull request would hold: a range
    or a base that reaches back past the default branch leaves main's commits unclaimed."""
    repo, _, base = based
    repo.git("checkout", "-q", "main")
    repo.write("plans/other.yaml", OTHER_PLAN + "# a note\n")
    on_main = repo.commit("a note in a plan, on main")  # plans only: needs no plan
    repo.git("push", "-q", "--no-verify", "origin", "main")
    repo.git("checkout", "-q", BRANCH)
    repo.git("merge", "-q", "--ff-only", "main")
    repo.write("app/views/awards.py", "def index(): ...\n")
    work = repo.commit("the views index, claimed by the branch")
    said = {}
    for args in (("--range", f"{base}..HEAD"), ("--base", base), ("--base", "origin/main")):
        doc = json.loads(repo.planscope("check", *args, "--format", "json").out)
        said[args] = {c["commit"]: (c["ok"], c["claimed_by"]) for c in doc["commits"]}
    one = json.loads(repo.planscope("check", "--commit", on_main, "--format", "json").out)
    assert (one["ok"], one["claimed_by"]) == (True, None)
    assert said[("--range", f"{base}..HEAD")] == said[("--base", base)] == {
        on_main: (True, None), work: (True, f"branch {BRANCH}")}
    assert said[("--base", "origin/main")] == {work: (True, f"branch {BRANCH}")}
    (traced,) = json.loads(repo.planscope("trace", "--commit", on_main, "--format", "json").out)
    assert traced["source"] == "" and "needs no plan" in traced["claim"]


def test_a_baseline_written_after_the_adoption_hides_nothing(
        based: tuple[Repo, Path, str]) -> None:
    """The baseline leaves out what came before planscope; one the change itself moves past
    a forbidden commit hides it from no entry point."""
    repo, bare, base = based
    shas = build(repo, [Step("auth", {"app/auth/session.py": "# changed\n"}, (TABLES,),
                             {"app/auth/session.py": FORBIDDEN})])
    config = (repo.path / ".planscope.yaml").read_text()
    repo.write(".planscope.yaml", config + f"baseline: {shas[0]}\n")
    repo.commit("baseline", plan="none")
    assert by_check_commit(repo, shas[0]) == {"app/auth/session.py": FORBIDDEN}
    for args in (("--range", f"{base}..HEAD"), ("--base", "origin/main")):
        assert by_range(repo, *args)[shas[0]] == {"app/auth/session.py": FORBIDDEN}, args
    assert by_trace(repo, shas[0]) == {"app/auth/session.py": FORBIDDEN}
    assert shas[0][:9] in by_prepush(repo, bare)
    doc = json.loads(repo.planscope("status", "plans/awards.yaml", "--format", "json").out)
    assert doc["plans"][0]["slices"][0]["forbidden"] == ["app/auth/session.py"]


def test_a_rules_change_is_one_everywhere(based: tuple[Repo, Path, str], gh: Gh) -> None:
    """A commit that changes only the rules passes wherever it is asked, and says so; the
    rules it brings judge a later commit on its own (its parent's rules), never a range, a
    push or a pull request that holds both (the base's rules)."""
    repo, bare, base = based
    plan = (repo.path / "plans/awards.yaml").read_text()
    repo.write("plans/awards.yaml", plan.replace(
        "      modify: [app/views/__init__.py]",
        "      modify: [app/views/__init__.py, app/registry.py]"))
    repo.git("add", "-A")
    staged = json.loads(repo.planscope("check", "--staged", "--format", "json").out)
    assert staged["ok"] and staged["rules_change"] == [
        "plans/awards.yaml#views: widened +app/registry.py"]
    explained = repo.planscope("explain", "plans/awards.yaml")
    assert explained.code == 0 and "rules change" in explained.out
    hooked = repo.planscope("install")
    assert hooked.code == 0, hooked.err
    made = subprocess.run(("git", "commit", "-q", "-m", "views may touch the registry"),
                          cwd=repo.path, capture_output=True, text=True, check=False)
    assert made.returncode == 0, made.stderr
    widened = repo.head()
    repo.write("app/registry.py", "REG = ['views']\n")
    work = repo.commit("the registry, for the views", plan=VIEWS)
    one = json.loads(repo.planscope("check", "--commit", widened, "--format", "json").out)
    assert one["ok"] and one["rules_change"] == staged["rules_change"]
    assert by_check_commit(repo, work) == {"app/registry.py": IN}  # its parent's rules
    ranged = by_range(repo, "--range", f"{base}..HEAD")
    pulled = by_range(repo, "--base", "origin/main")
    assert ranged == pulled == {widened: {}, work: {"app/registry.py": DRIFT}}
    # the pull request changes the plan its own work claims: that decides the result word
    run = gh(repo, payload=pr_payload(repo, base, head_ref=BRANCH))
    assert run.outputs["result"] == "plan-changed" and "### rules-changed" in run.summary
    assert repo.planscope("check", "--base", "origin/main").out.endswith(
        "planscope: result: plan-changed\n")
    assert by_prepush(repo, bare) == {work[:9]}
    (traced,) = json.loads(repo.planscope("trace", "--commit", widened, "--format",
                                          "json").out)
    assert "a rules change" in traced["claim"]
    stats = {g["key"]: g for g in json.loads(repo.planscope(
        "stats", "--base", "origin/main", "--by", "plan", "--format", "json").out)["groups"]}
    assert stats["(rules change)"]["commits"] == 1
