"""``planscope check --format github`` (checker/github.py): the event payload, plans and
config from the base commit, plan-changed, shallow clones, fork pull requests, and what
GitHub gets (workflow commands, step summary, outputs), run as a process on real repos."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from checker import event
from checker.errors import BadInput
from checker.render import github, markdown
from tests.conftest import AWARDS_PLAN, Repo

TABLES = "plans/awards.yaml#tables"


# --- helpers shared with tests/e2e/test_action.py ------------------------------------------

@dataclass(frozen=True)
class Command:
    """One workflow command as the runner reads it: name, properties, message, unescaped."""

    name: str
    props: dict[str, str]
    message: str


def _unescape(text: str, prop: bool) -> str:
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if prop else [])
    for code, char in [*pairs, ("%25", "%")]:
        text = text.replace(code, char)
    return text


def workflow_commands(stdout: str) -> list[Command]:
    """The workflow commands in a step's output, honouring ``::stop-commands::TOKEN``."""
    found: list[Command] = []
    stopped: str | None = None
    for line in stdout.splitlines():
        if stopped is not None:
            if line == f"::{stopped}::":
                stopped = None
            continue
        m = re.match(r"^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$", line)
        if m is None:
            continue
        name, raw_props, message = m.group(1), m.group(2) or "", m.group(3)
        if name == "stop-commands":
            stopped = message
            continue
        props = {}
        for item in filter(None, raw_props.split(",")):
            key, _, value = item.partition("=")
            props[key] = _unescape(value, prop=True)
        found.append(Command(name, props, _unescape(message, prop=False)))
    return found


def annotations_of(commands: list[Command]) -> list[Command]:
    return [c for c in commands if c.name in ("error", "warning", "notice")]


def read_outputs(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    lines = iter(path.read_text().splitlines()) if path.exists() else iter(())
    for line in lines:
        if "<<" in line and "=" not in line.split("<<", 1)[0]:
            name, delim = line.split("<<", 1)
            out[name] = "\n".join(iter(lambda: next(lines), delim))
        elif "=" in line:
            name, _, value = line.partition("=")
            out[name] = value
    return out


def open_pr(repo: Repo) -> str:
    """Start the pull request branch ``feature`` from the current commit: the base."""
    base = repo.git("rev-parse", "HEAD").strip()
    repo.git("checkout", "-q", "-b", "feature")
    return base


def pr_payload(repo: Repo, base: str, *, body: str | None = None, fork: bool = False,
               head: str | None = None, head_ref: str = "feature") -> dict[str, Any]:
    head = head or repo.git("rev-parse", "HEAD").strip()
    return {
        "action": "synchronize",
        "number": 7,
        "pull_request": {
            "number": 7,
            "body": body,
            "base": {"sha": base, "ref": "main", "repo": {"full_name": "acme/app"}},
            "head": {"sha": head, "ref": head_ref,
                     "repo": {"full_name": "someone/app" if fork else "acme/app"}},
        },
    }


def merge_group_payload(base: str, head: str) -> dict[str, Any]:
    return {
        "action": "checks_requested",
        "merge_group": {
            "head_sha": head,
            "head_ref": f"refs/heads/gh-readonly-queue/main/pr-7-{base}",
            "base_sha": base,
            "base_ref": "refs/heads/main",
            "head_commit": {"id": head, "message": "Merge queue", "tree_id": "0" * 40},
        },
    }


# --- running the CLI with a GitHub environment -------------------------------------------------

@dataclass
class GhRun:
    code: int
    out: str
    err: str
    commands: list[Command]
    summary: str
    outputs: dict[str, str]

    def errors(self) -> dict[str, Command]:
        return {c.props.get("file", ""): c for c in self.commands if c.name == "error"}


class Gh:
    """Runs ``planscope check --format github`` with the variables the runner sets."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tmp = tmp_path
        self.mp = monkeypatch
        self.n = 0

    def __call__(self, repo: Repo, *args: str, event: str = "pull_request",
                 payload: dict[str, Any] | None = None, cwd: Path | None = None) -> GhRun:
        self.n += 1
        summary, outputs = self.tmp / f"summary-{self.n}.md", self.tmp / f"output-{self.n}"
        summary.write_text("")
        outputs.write_text("")
        self.mp.setenv("GITHUB_STEP_SUMMARY", str(summary))
        self.mp.setenv("GITHUB_OUTPUT", str(outputs))
        if payload is None:
            self.mp.delenv("GITHUB_EVENT_PATH", raising=False)
            self.mp.delenv("GITHUB_EVENT_NAME", raising=False)
        else:
            path = self.tmp / f"event-{self.n}.json"
            path.write_text(json.dumps(payload))
            self.mp.setenv("GITHUB_EVENT_PATH", str(path))
            self.mp.setenv("GITHUB_EVENT_NAME", event)
        r = repo.planscope("check", "--format", "github", *args, cwd=cwd)
        return GhRun(r.code, r.out, r.err, workflow_commands(r.out), summary.read_text(),
                     read_outputs(outputs))


@pytest.fixture
def gh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Gh:
    return Gh(tmp_path, monkeypatch)


# --- pure functions ----------------------------------------------------------------------------

def test_escaping_follows_the_workflow_command_rules() -> None:
    assert github.escape_data("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b"
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    line = github.command("error", "two\nlines", file="odd,na:me.py", title="t: x")
    assert line == "::error file=odd%2Cna%3Ame.py,title=t%3A x::two%0Alines"
    (parsed,) = workflow_commands(line)
    assert parsed == Command("error", {"file": "odd,na:me.py", "title": "t: x"}, "two\nlines")


@pytest.mark.parametrize(
    ("body", "ref"),
    [
        (None, None),
        ("Adds the awards table.", None),
        ("Adds it.\n\n---\n\nPlan: plans/awards.yaml#tables\n", "plans/awards.yaml#tables"),
        ("plan:   `plans/awards.yaml#views`  ", "plans/awards.yaml#views"),
        ("Plan: none", "none"),
        ("```\nPlan: plans/example.yaml#a\n```\nno line outside the fence", None),
        ("Plan: plans/a.yaml#x\nPlan: plans/a.yaml#x", "plans/a.yaml#x"),
        ("The Plan: plans/a.yaml#x is mentioned in prose", None),
    ],
)
def test_plan_line_of_the_pull_request_body(body: str | None, ref: str | None) -> None:
    assert event.body_plan_ref(body) == ref


def test_two_plan_lines_in_the_body_are_bad_input() -> None:
    with pytest.raises(BadInput, match="2 different 'Plan:' lines"):
        event.body_plan_ref("Plan: plans/a.yaml#x\r\nPlan: plans/a.yaml#y\r\n")


def test_read_event(tmp_path: Path) -> None:
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"pull_request": {
        "number": 3, "body": "Plan: plans/a.yaml#x",
        "base": {"sha": "b" * 40, "repo": {"full_name": "acme/app"}},
        "head": {"sha": "h" * 40, "ref": "topic", "repo": None},
    }}))
    ev = event.read_event({"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(path)})
    assert (ev.base, ev.head, ev.body_ref, ev.head_branch, ev.number) == (
        "b" * 40, "h" * 40, "plans/a.yaml#x", "topic", 3)
    assert ev.fork and ev.fork_name == "a deleted fork"
    # other events and no event: nothing to read
    assert event.read_event({"GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(path)}).base \
        is None
    assert event.read_event({}) == event.Event()
    path.write_text("{not json")
    with pytest.raises(BadInput, match="cannot read the event payload"):
        event.read_event({"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(path)})
    path.write_text(json.dumps({"merge_group": {"head_sha": "h"}}))
    with pytest.raises(BadInput, match=r"without merge_group\.base_sha"):
        event.read_event({"GITHUB_EVENT_NAME": "merge_group", "GITHUB_EVENT_PATH": str(path)})


def test_markdown_helpers_keep_untrusted_text_inert() -> None:
    assert markdown.md_code("a`b|c", table=True) == "``a`b\\|c``"
    assert markdown.md_code("`x`") == "`` `x` ``"
    assert markdown.md_text("<img src=x> **bold** [link](http://x)\nnext") == (
        "\\<img src=x\\> \\*\\*bold\\*\\* \\[link\\]\\(http://x\\) next")
    block = markdown.md_block("+```\n+text\n```` inside", "diff")
    assert block.startswith("`````diff\n") and block.endswith("\n`````")


# --- the check on real repositories ------------------------------------------------------------

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
    assert "forbidden by plans/awards.yaml" in errs["app/auth/session.py"].message
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
    # the same commits checked from the working tree would pass: the head's rules allow it
    assert awards.planscope("check", "--base", "main").code == 0


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
    assert "no such plan file at the base commit" in r.summary
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


def test_untrusted_text_cannot_issue_commands_or_markup(awards: Repo, gh: Gh) -> None:
    base = open_pr(awards)
    odd = "app/views/odd,na:me|`x`.py"
    awards.write(odd, "x\n")
    awards.write("app/views/evil\n::error::injected.py", "x\n")
    awards.commit("::error::from the subject\n\nbody", plan=TABLES)
    r = gh(awards, payload=pr_payload(awards, base))
    assert r.code == 1
    files = {c.props.get("file") for c in annotations_of(r.commands)}
    assert files == {odd, "app/views/evil\n::error::injected.py"}
    assert not any("injected" in c.message and c.props.get("file") is None
                   for c in r.commands)
    assert not any(c.message == "from the subject" for c in r.commands)
    assert "| ``app/views/odd,na:me\\|`x`.py`` | added | ❌ drift |" in r.summary
    assert "evil\\n::error::injected.py" in r.summary  # shown escaped, on one line


def test_annotations_stop_at_ten_per_level(awards: Repo, gh: Gh) -> None:
    base = open_pr(awards)
    for i in range(15):
        awards.write(f"app/views/v{i:02}.py", "x\n")
    awards.commit("Many views", plan=TABLES)
    r = gh(awards, payload=pr_payload(awards, base))
    errs = [c for c in r.commands if c.name == "error"]
    assert len(errs) == 10
    assert errs[-1].message == "6 more findings of this kind: the job summary lists them all."
    assert r.outputs["drift-count"] == "15"
    assert r.summary.count("| ❌ drift |") == 15


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


def test_config_at_a_revision(awards: Repo) -> None:
    from checker import config

    first = awards.git("rev-parse", "HEAD").strip()
    awards.git("rm", "-q", ".planscope.yaml")
    awards.write("pyproject.toml", "[tool.planscope]\nrequire_plan = false\n")
    second = awards.commit("config in pyproject", plan="none")
    awards.write(".planscope.yaml", "on_drift: sometimes\n")  # broken, not committed
    assert config.load_at(awards.path, first).on_drift == "block"
    cfg = config.load_at(awards.path, second)
    assert cfg.require_plan is False and cfg.source == "pyproject.toml [tool.planscope]"
    (awards.path / ".planscope.yaml").unlink()
    awards.write("pyproject.toml", "[project]\nname = 'x'\n")
    third = awards.commit("no config", plan="none")
    assert config.load_at(awards.path, third) == config.Config()
    awards.write(".planscope.yaml", "on_drift: sometimes\n")
    fourth = awards.commit("bad config", plan="none")
    with pytest.raises(BadInput, match=r"\.planscope\.yaml:1:11: on_drift"):
        config.load_at(awards.path, fourth)


def test_git_show_at_a_revision(awards: Repo) -> None:
    from checker import gitio

    sha = awards.git("rev-parse", "HEAD").strip()
    assert gitio.show(awards.path, sha, "README.md") == b"# app\n"
    assert gitio.show(awards.path, sha, "nope.txt") is None
    with pytest.raises(gitio.GitError, match="unknown revision"):
        gitio.show(awards.path, "f" * 40, "README.md")
    awards.write("latin1.txt", "")
    (awards.path / "latin1.txt").write_bytes(b"caf\xe9\n")
    second = awards.commit("bytes", plan="none")
    with pytest.raises(BadInput, match=r"latin1\.txt \(at [0-9a-f]{9}\): not UTF-8 text"):
        gitio.show_text(awards.path, second, "latin1.txt", 100)
    with pytest.raises(BadInput, match="larger than the 3 allowed"):
        gitio.show_text(awards.path, second, "README.md", 3)
    assert gitio.files_under(awards.path, second, "plans") == ["plans/awards.yaml"]
    assert gitio.files_under(awards.path, second, "none") == []
    assert not gitio.is_shallow(awards.path) and gitio.shallow_boundary(awards.path) == set()
