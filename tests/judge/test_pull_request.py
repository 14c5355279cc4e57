"""The pull request decision (checker/branch.py) through `planscope check --format github`:
plans and config from the base commit, plan-changed, shallow clones, fork pull requests."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from tests.actions import (  # noqa: F401
    Command,
    Gh,
    annotations_of,
    merge_group_payload,
    open_pr,
    pr_payload,
    workflow_commands,
)
from tests.conftest import AWARDS_PLAN, Repo

TABLES = "plans/awards.yaml#tables"


def test_clean_pull_request(awards: Repo, gh: Gh) -> None:
    base = open_pr(awards)
    awards.write("db/migrations/0042_awards.sql", "create table awards;\n")
    awards.commit("Add awards table", plan=TABLES)
    r = gh(awards, payload=pr_payload(awards, base))
    assert r.code == 0, r.err
    assert annotations_of(r.commands) == []
    assert r.outputs == {"result": "pass", "drift-count": "0"}
    assert r.summary.startswith("## planscope: ✅ in scope\n")
    assert "Pull request #7: 1 commit from" in r.summary
    assert f"base commit `{base[:9]}`" in r.summary
    assert "| `db/migrations/0042_awards.sql` | added | ✅ in scope |" in r.summary
    assert "Planned files not touched: `app/models/__init__.py`" in r.summary
    assert "Traceback" not in r.err


def test_drifted_pull_request(awards: Repo, gh: Gh) -> None:
    base = open_pr(awards)
    awards.write("db/migrations/0042_awards.sql", "create table awards;\n")
    awards.write("app/views/home.py", "home\n")
    sha = awards.commit("Add awards table", plan=TABLES)
    r = gh(awards, payload=pr_payload(awards, base))
    assert r.code == 1
    (err,) = [c for c in r.commands if c.name == "error"]
    assert err.props == {"file": "app/views/home.py", "title": "planscope: drift"}
    assert f"outside slice {TABLES} (commit {sha[:9]})" in err.message
    assert r.outputs == {"result": "drift", "drift-count": "1"}
    assert "| `app/views/home.py` | added | ❌ drift |" in r.summary
    # the text report sits in a group, behind stop-commands
    names = [c.name for c in r.commands]
    assert names[:2] == ["group", "endgroup"]
    assert re.search(r"^::stop-commands::[0-9a-f]{32}$", r.out, re.MULTILINE)
    assert "drift      app/views/home.py (A)" in r.out


def test_forbidden_path(awards: Repo, gh: Gh) -> None:
    base = open_pr(awards)
    awards.write("app/auth/session.py", "changed\n")
    awards.write("app/views/home.py", "home\n")
    awards.commit("Touch auth", plan=TABLES)
    r = gh(awards, payload=pr_payload(awards, base))
    assert r.code == 1
    errs = r.errors()
    assert errs["app/auth/session.py"].props["title"] == "planscope: forbidden path"
    assert ("forbidden by 'app/auth/**' (forbid of plans/awards.yaml)"
            in errs["app/auth/session.py"].message)
    assert "app/views/home.py" in errs
    assert r.outputs == {"result": "forbidden", "drift-count": "2"}
    assert r.summary.startswith("## planscope: ⛔ forbidden path")
    assert "| `app/auth/session.py` | modified | ⛔ forbidden |" in r.summary


def test_plans_and_config_come_from_the_base_commit(awards: Repo, gh: Gh) -> None:
    """The pull request relaxes the config and widens its slice: neither counts."""
    base = open_pr(awards)
    awards.write("plans/awards.yaml", AWARDS_PLAN.replace(
        "allow: [tests/**/test_awards*.py]",
        "allow: [tests/**/test_awards*.py, app/views/**, .planscope.yaml]"))
    awards.commit("Widen the slice", plan="none")  # plan files alone need no plan
    awards.write(".planscope.yaml", "on_drift: warn\n")
    awards.write("app/views/home.py", "home\n")
    awards.commit("A view", plan=TABLES)
    r = gh(awards, payload=pr_payload(awards, base))
    assert r.code == 1
    errs = r.errors()
    assert errs["plans/awards.yaml"].props["title"] == "planscope: plan changed"
    assert "the plan that governs it (plans/awards.yaml#tables)" in \
        errs["plans/awards.yaml"].message
    assert errs["app/views/home.py"].props["title"] == "planscope: drift"
    assert errs[".planscope.yaml"].props["title"] == "planscope: drift"
    assert r.outputs["result"] == "plan-changed"
    assert r.outputs["drift-count"] == "3"
    assert "### plan-changed: `plans/awards.yaml`" in r.summary
    assert "the change **blocks**" in r.summary
    assert "+    allow: [tests/**/test_awards*.py, app/views/**, .planscope.yaml]" in r.summary
    assert "<details><summary>plan diff</summary>" in r.summary
    # check --base gives the pull request check's answer locally; the head's own rules (the
    # working tree's) would let it pass, which --rules-from worktree shows
    local = awards.planscope("check", "--base", "main")
    assert local.code == 1 and local.out.endswith("planscope: result: plan-changed\n")
    drafted = awards.planscope("check", "--base", "main", "--rules-from", "worktree")
    assert drafted.code == 0
    assert drafted.out.endswith("planscope: result: rules-changed (rules from the working "
                                "tree)\n")  # the plans-only commit is a rules change


def test_plan_change_inside_the_slice_scope_does_not_block(awards: Repo, gh: Gh) -> None:
    own = AWARDS_PLAN.replace("allow: [tests/**/test_awards*.py]",
                              "allow: [tests/**/test_awards*.py, plans/awards.yaml]")
    awards.write("plans/awards.yaml", own)
    awards.commit("Let the tables slice edit its plan", plan="none")
    base = open_pr(awards)
    awards.write("plans/awards.yaml", own.replace("status: approved", "status: done", 1))
    awards.write("db/migrations/0042_awards.sql", "create table awards;\n")
    awards.commit("Tables, and mark the plan done", plan=TABLES)
    r = gh(awards, payload=pr_payload(awards, base))
    assert r.code == 0, r.out
    (notice,) = [c for c in r.commands if c.name == "notice"]
    assert notice.props == {"file": "plans/awards.yaml", "title": "planscope: plan changed"}
    assert r.outputs == {"result": "pass", "drift-count": "0"}
    assert "the change allowed: the claimed slice's scope includes the plan file" in r.summary


def test_a_plan_missing_on_the_base_is_bad_input(awards: Repo, gh: Gh) -> None:
    base = open_pr(awards)
    awards.write("plans/new.yaml", AWARDS_PLAN.replace("id: awards-dashboard", "id: new"))
    awards.write("db/migrations/0042_awards.sql", "x\n")
    awards.commit("Plan and work at once", plan="plans/new.yaml#tables")
    r = gh(awards, payload=pr_payload(awards, base))
    assert r.code == 2
    assert "no such plan file at " in r.summary and "merge the plan first" in r.summary
    assert "merge the plan first" in r.summary
    assert r.outputs["result"] == "error"
    assert any(c.name == "error" and "plans/new.yaml" in c.message for c in r.commands)


def test_pull_request_body_names_the_slice_for_commits_without_trailers(
    awards: Repo, gh: Gh
) -> None:
    base = open_pr(awards)
    awards.write("db/migrations/0042_awards.sql", "x\n")
    awards.commit("wip")
    awards.write("app/views/awards.py", "x\n")
    awards.commit("views", plan="plans/awards.yaml#views")  # a trailer wins over the body
    body = "Adds the tables.\n\n---\n\nPlan: plans/awards.yaml#tables\n"
    r = gh(awards, payload=pr_payload(awards, base, body=body))
    assert r.code == 0, r.out
    assert "claimed by the 'Plan:' line of the pull request body" in r.summary
    assert "### `plans/awards.yaml#views`" in r.summary
    r = gh(awards, payload=pr_payload(awards, base, body="No plan line."))
    assert r.code == 2 and r.outputs["result"] == "error"
    assert "no plan claims this change" in r.summary


def test_merge_group_event(awards: Repo, gh: Gh) -> None:
    base = open_pr(awards)
    awards.write("app/views/home.py", "x\n")
    head = awards.commit("A view", plan=TABLES)
    r = gh(awards, event="merge_group", payload=merge_group_payload(base, head))
    assert r.code == 1
    assert "app/views/home.py" in r.errors()
    assert r.summary.startswith("## planscope: ❌ drift") and "Merge group: 1 commit" in r.summary


def test_head_comes_from_the_event_not_from_what_is_checked_out(awards: Repo, gh: Gh) -> None:
    """GitHub checks out a merge commit; the pull request's commits are base..head.sha."""
    base = open_pr(awards)
    awards.write("app/views/home.py", "x\n")
    head = awards.commit("A view", plan=TABLES)
    awards.git("checkout", "-q", "main")
    r = gh(awards, payload=pr_payload(awards, base, head=head))
    assert r.code == 1 and "app/views/home.py" in r.errors()


def test_shallow_clone_says_fetch_depth_0(awards: Repo, gh: Gh, tmp_path: Path) -> None:
    base = open_pr(awards)
    awards.write("db/migrations/0042_awards.sql", "x\n")
    awards.commit("one", plan=TABLES)
    awards.write("app/models/__init__.py", "y\n")
    awards.commit("two", plan=TABLES)
    clone = Repo(tmp_path / "clone")
    awards.git("clone", "-q", "--depth", "1", "--branch", "feature",
               f"file://{awards.path}", str(clone.path))
    r = gh(clone, payload=pr_payload(awards, base))
    assert r.code == 2
    assert "fetch-depth: 0" in r.err and "shallow clone" in r.err
    assert r.outputs == {"result": "error", "drift-count": "0"}
    assert r.summary.startswith("## planscope: ⚠️ could not check")
    (err,) = annotations_of(r.commands)
    assert err.name == "error" and "fetch-depth: 0" in err.message
    # the base is there but the pull request's history is cut: the same advice
    deeper = Repo(tmp_path / "deeper")
    awards.git("clone", "-q", "--depth", "1", "--no-single-branch", f"file://{awards.path}",
               str(deeper.path))
    deeper.git("checkout", "-q", "feature")
    r = gh(deeper, payload=pr_payload(awards, base))
    assert r.code == 2 and "fetch-depth: 0" in r.err
    # a full clone works
    full = Repo(tmp_path / "full")
    awards.git("clone", "-q", "--branch", "feature", f"file://{awards.path}", str(full.path))
    assert gh(full, payload=pr_payload(awards, base)).code == 0


@pytest.mark.parametrize(("on_error", "code", "result"), [("pass", 0, "pass"),
                                                          ("fail", 3, "unverified")])
def test_fork_without_api_key_skips_verification(
    awards: Repo, gh: Gh, on_error: str, code: int, result: str
) -> None:
    awards.write(".planscope.yaml", f"on_drift: verify\nverify: {{on_error: {on_error}}}\n")
    awards.commit("verify drift", plan="none")
    base = open_pr(awards)
    awards.write("app/views/home.py", "x\n")
    awards.commit("A view", plan=TABLES)
    r = gh(awards, payload=pr_payload(awards, base, fork=True))
    assert r.code == code
    assert r.outputs == {"result": result, "drift-count": "1"}
    skipped = [c for c in r.commands if c.props.get("title") == "planscope: verification skipped"]
    assert len(skipped) == 1 and "comes from a fork (someone/app)" in skipped[0].message
    assert "**Verification was skipped:** this pull request comes from a fork" in r.summary
    assert f"`verify.on_error` is `{on_error}`" in r.summary
    drift = [c for c in r.commands if c.props.get("file") == "app/views/home.py"]
    assert [c.name for c in drift] == ["warning" if on_error == "pass" else "error"]


def test_base_given_explicitly_outside_an_event(awards: Repo, gh: Gh) -> None:
    open_pr(awards)
    awards.write("app/views/home.py", "x\n")
    awards.commit("A view", plan=TABLES)
    r = gh(awards, "--base", "main")
    assert r.code == 1 and "app/views/home.py" in r.errors()
    assert "Changes: 1 commit from" in r.summary


def test_no_base_and_no_event_is_bad_input(awards: Repo, gh: Gh) -> None:
    r = gh(awards)
    assert r.code == 2
    assert "--format github checks a pull request: give --base REF" in r.err
    assert r.outputs == {"result": "error", "drift-count": "0"}


def test_other_targets_use_the_working_tree(awards: Repo, gh: Gh) -> None:
    awards.write("app/views/home.py", "x\n")
    awards.commit("A view", plan=TABLES)
    r = gh(awards, "--commit", "HEAD")
    assert r.code == 1 and "app/views/home.py" in r.errors()
    assert "against the working tree's plans" in r.summary


def test_plan_flag_checks_the_whole_pull_request(awards: Repo, gh: Gh) -> None:
    base = open_pr(awards)
    awards.write("db/migrations/0042_awards.sql", "x\n")
    awards.commit("no trailer")
    r = gh(awards, "--plan", TABLES, payload=pr_payload(awards, base))
    assert r.code == 0, r.out
    assert "Pull request #7: the whole diff" in r.summary and "commits |" not in r.summary


JUDGE = """\
import json, sys
request = json.load(sys.stdin)
verdicts = []
for d in request["drifted"]:
    if d["path"] == "app/views/__init__.py":
        verdicts.append({"path": d["path"], "verdict": "incidental", "confidence": 0.9,
                         "reason": "registers the new view | nothing else"})
    else:
        verdicts.append({"path": d["path"], "verdict": "drift", "confidence": 0.8,
                         "reason": "a page the slice does not plan"})
print(json.dumps({"verdicts": verdicts}))
"""


def test_verification_verdicts_become_warnings_and_errors(
    awards: Repo, gh: Gh, tmp_path: Path
) -> None:
    judge = tmp_path / "judge.py"
    judge.write_text(JUDGE)
    command = json.dumps([sys.executable, str(judge)])
    awards.write(".planscope.yaml", f"on_drift: verify\nverify:\n  provider: command\n"
                                    f"  command: {command}\n")
    awards.commit("verify with a command", plan="none")
    base = open_pr(awards)
    awards.write("db/migrations/0042_awards.sql", "x\n")
    awards.write("app/views/__init__.py", "from .awards import *\n")
    awards.write("app/views/home.py", "x\n")
    awards.commit("tables", plan=TABLES)
    r = gh(awards, payload=pr_payload(awards, base))
    assert r.code == 1, r.out + r.err
    (warn,) = [c for c in r.commands if c.name == "warning"]
    assert warn.props == {"file": "app/views/__init__.py", "title": "planscope: incidental change"}
    assert warn.message.endswith("judged incidental (0.90): registers the new view | nothing else")
    (err,) = [c for c in r.commands if c.name == "error"]
    assert err.props["file"] == "app/views/home.py"
    assert "Verification: judged drift (0.80): a page the slice does not plan." in err.message
    assert r.outputs == {"result": "drift", "drift-count": "1"}
    assert ("| `app/views/__init__.py` | modified | 🟡 incidental | "
            "judged incidental \\(0\\.90\\): registers the new view \\| nothing else |"
            ) in r.summary
    assert "Drifted paths judged by" in r.summary and "(1 call, 0 cached)" in r.summary


def test_a_head_missing_from_the_clone_is_bad_input_not_a_pass(awards: Repo, gh: Gh) -> None:
    """pull_request_target checks out the base: the pull request's commits are not there."""
    base = open_pr(awards)
    awards.write("app/views/home.py", "x\n")
    awards.commit("A view", plan=TABLES)
    payload = pr_payload(awards, base, head="f" * 40)
    r = gh(awards, event="pull_request_target", payload=payload)
    assert r.code == 2 and r.outputs["result"] == "error"
    assert f"the head commit {'f' * 40} of the pull_request_target event is not in this clone" \
        in r.err
    r = gh(awards, event="pull_request_target", payload=pr_payload(awards, base))
    assert r.code == 1
    (warn,) = [c for c in r.commands if c.name == "warning"]
    assert warn.props["title"] == "planscope: pull_request_target"
    assert "run it on pull_request" in warn.message


def test_head_branch_from_the_event_maps_a_slice_on_a_detached_head(awards: Repo, gh: Gh) -> None:
    base = open_pr(awards)
    awards.write("app/views/awards.py", "x\n")
    head = awards.commit("views, no trailer")
    awards.git("checkout", "-q", "--detach", head)  # as actions/checkout leaves it
    r = gh(awards, payload=pr_payload(awards, base, head_ref="plan/awards-dashboard/views"))
    assert r.code == 0, r.out + r.err
    assert "claimed by branch plan/awards\\-dashboard/views" in r.summary
    r = gh(awards, payload=pr_payload(awards, base, head_ref="some-topic"))
    assert r.code == 2 and "no plan claims this change" in r.summary


def test_a_new_plan_in_the_pull_request_with_allow_new(awards: Repo, gh: Gh) -> None:
    awards.write(".planscope.yaml", "on_drift: block\nplans_in_pr: allow-new\n")
    awards.commit("Allow new plans in pull requests", plan="none")
    base = open_pr(awards)
    awards.write("plans/badges.yaml", AWARDS_PLAN.replace("id: awards-dashboard", "id: badges"))
    awards.commit("Plan the badges", plan="none")
    awards.write("db/migrations/0042_awards.sql", "badges\n")
    awards.commit("Badges table", plan="plans/badges.yaml#tables")
    r = gh(awards, payload=pr_payload(awards, base))
    assert r.code == 0, r.out
    assert r.outputs == {"result": "rules-changed", "drift-count": "0"}  # a plan is added
    assert "### rules-changed: commit" in r.summary and "new plan 'badges'" in r.summary
    assert "### New plan: `plans/badges.yaml`" in r.summary and "id: badges" in r.summary
    assert "### plan-changed" not in r.summary
    local = awards.planscope("check", "--base", base)
    assert local.code == 0 and "planscope: new plan plans/badges.yaml" in local.out
    # an existing plan may still not be edited by the pull request that it governs
    awards.write("plans/awards.yaml", AWARDS_PLAN.replace("allow: [tests/**/test_awards*.py]",
                                                          "allow: [app/**]"))
    awards.commit("Widen awards", plan="none")
    awards.write("app/views/home.py", "x\n")
    awards.commit("A view", plan="plans/awards.yaml#tables")
    r = gh(awards, payload=pr_payload(awards, base))
    assert r.code == 1 and r.outputs["result"] == "plan-changed"


@pytest.mark.parametrize("case", ["pass", "drift", "forbidden", "plan-changed"])
def test_check_base_gives_the_answer_of_the_pull_request_check(
    awards: Repo, gh: Gh, case: str
) -> None:
    base = open_pr(awards)
    awards.write("db/migrations/0042_awards.sql", "create\n")
    if case == "drift":
        awards.write("app/views/home.py", "x\n")
    elif case == "forbidden":
        awards.write("app/auth/session.py", "x\n")
    elif case == "plan-changed":
        awards.write("plans/awards.yaml", AWARDS_PLAN.replace("status: approved", "status: done"))
    awards.commit("Work", plan=TABLES)
    ci = gh(awards, payload=pr_payload(awards, base))
    local = awards.planscope("check", "--base", base, "--format", "json")
    assert ci.outputs["result"] == json.loads(local.out)["result"] == case
    assert ci.code == local.code == (0 if case == "pass" else 1)
    text = awards.planscope("check", "--base", base)
    assert text.code == local.code and text.out.endswith(f"planscope: result: {case}\n")
