"""What GitHub gets (checker/render/github.py): escaped workflow commands, annotations
capped per level, untrusted text kept inert in the log and the summary."""

from __future__ import annotations

from checker.render import github
from tests.actions import Command, Gh, annotations_of, open_pr, pr_payload, workflow_commands
from tests.conftest import Repo

TABLES = "plans/awards.yaml#tables"


def test_escaping_follows_the_workflow_command_rules() -> None:
    assert github.escape_data("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b"
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    line = github.command("error", "two\nlines", file="odd,na:me.py", title="t: x")
    assert line == "::error file=odd%2Cna%3Ame.py,title=t%3A x::two%0Alines"
    (parsed,) = workflow_commands(line)
    assert parsed == Command("error", {"file": "odd,na:me.py", "title": "t: x"}, "two\nlines")


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


def test_the_summary_says_how_the_branch_kept_to_its_plans(awards: Repo, gh: Gh) -> None:
    base = open_pr(awards)
    for path in ("db/migrations/0042_awards.sql", "tests/unit/test_awards_a.py",
                 "tests/unit/test_awards_b.py"):
        awards.write(path, "t\n")
        awards.git("add", "-A")
        awards.git("commit", "-q", "-m", f"step {path}", "-m",
                   f"Plan: {TABLES}\nExecutor: codex")
    r = gh(awards, payload=pr_payload(awards, base))
    assert "Scope discipline" not in r.summary  # three commits: too few to say
    awards.write("README.md", "# drift\n")
    awards.git("add", "-A")
    awards.git("commit", "-q", "-m", "step 3", "-m",
               f"Plan: {TABLES}\nCo-authored-by: Claude <noreply@anthropic.com>")
    r = gh(awards, payload=pr_payload(awards, base))
    assert ("**Scope discipline on this branch:** 4 commits, 4 paths changed, drift rate "
            "25.0% (1 drift, 0 forbidden, 0 incidental); executors: claude\\-code 1, codex 3."
            ) in r.summary
