"""A change of only planscope's rules (checker/rules/ruleschange.py): it needs no slice, it
passes locally saying so, the pull request check names it ``rules-changed`` with what it
changes, and the rules it brings judge none of the other commits beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.rules import ruleschange
from tests.actions import Gh, open_pr, pr_payload
from tests.commands.test_hooks import git
from tests.conftest import Repo

TABLES = "plans/awards.yaml#tables"


def relax(repo: Repo) -> None:
    """The config, changed after adoption: a forbid added, drift only warned about."""
    repo.write(".planscope.yaml", "on_drift: warn\nforbid: [secrets/**]\n")


def unforbid_auth(repo: Repo) -> str:
    """A pull request branch whose first commit stops forbidding app/auth/**; its base."""
    base = open_pr(repo)
    plan = (repo.path / "plans/awards.yaml").read_text()
    repo.write("plans/awards.yaml", plan.replace('forbid: [app/auth/**, "**/*.pem"]',
                                                 'forbid: ["**/*.pem"]'))
    repo.commit("stop forbidding auth")
    return base


def test_a_config_only_commit_needs_no_slice_in_every_local_entry_point(hooked: Repo) -> None:
    relax(hooked)
    hooked.git("add", "-A")
    staged = hooked.planscope("check", "--staged")
    assert staged.code == 0 and ruleschange.NOTE in staged.out, staged.out + staged.err
    made = git(hooked, "commit", "-q", "-m", "Warn on drift; forbid secrets")  # both hooks
    assert made.code == 0, made.out
    assert ruleschange.NOTE in made.out
    r = hooked.planscope("check", "--commit", "HEAD")
    assert r.code == 0, r.out + r.err
    assert ".planscope.yaml: forbid +secrets/**" in r.out
    assert ".planscope.yaml: on_drift changed" in r.out
    assert hooked.planscope("check", "--range", "HEAD~1..HEAD").code == 0


@pytest.mark.parametrize(("path", "text", "said"), [
    (".claude/settings.json", "{}\n", ".claude/settings.json: Claude Code's hook settings "
                                      "changed"),
    (".codex/hooks.json", "{}\n", ".codex/hooks.json: Codex's hook settings changed"),
    (".pre-commit-config.yaml", "repos: []\n", "the pre-commit framework's hooks changed"),
])
def test_hook_settings_set_up_after_adoption(awards: Repo, path: str, text: str,
                                             said: str) -> None:
    awards.write(path, text)
    awards.commit("the guard, after adoption")
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 0 and said in r.out, r.out + r.err


def test_a_plan_widened_on_its_slice_branch_is_a_rules_change(awards: Repo) -> None:
    awards.git("checkout", "-q", "-b", "plan/awards-dashboard/tables")
    plan = (awards.path / "plans/awards.yaml").read_text()
    awards.write("plans/awards.yaml", plan.replace("allow: [tests/**/test_awards*.py]",
                                                   "allow: [tests/**/test_awards*.py, docs/**]"))
    awards.commit("widen tables to the docs")  # the branch claims tables
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 0, r.out + r.err
    assert "plans/awards.yaml#tables: widened +docs/**" in r.out


def test_the_pull_request_check_says_rules_changed(awards: Repo, gh: Gh) -> None:
    base = unforbid_auth(awards)
    r = awards.planscope("check", "--base", "main")
    assert r.code == 0 and "planscope: result: rules-changed" in r.out, r.out + r.err
    assert "plans/awards.yaml: forbid -app/auth/**" in r.out
    ran = gh(awards, payload=pr_payload(awards, base))
    assert ran.code == 0 and ran.outputs["result"] == "rules-changed"
    assert "forbid \\-app/auth/\\*\\*" in ran.summary and "### rules-changed" in ran.summary, \
        ran.summary


def test_a_forbid_removed_in_a_pull_request_does_not_free_it(awards: Repo, gh: Gh) -> None:
    base = unforbid_auth(awards)
    awards.write("app/auth/session.py", "# now free?\n")
    awards.commit("touch auth", plan=TABLES)
    for args in (("--base", "main"), ("--range", f"{base}..HEAD")):
        r = awards.planscope("check", *args)
        assert r.code == 1 and "forbidden  app/auth/session.py" in r.out, (args, r.out)
    ran = gh(awards, payload=pr_payload(awards, base))
    assert ran.code == 1 and ran.outputs["result"] == "forbidden"


def test_a_rule_file_that_is_forbidden_is_forbidden(awards: Repo) -> None:
    awards.write(".planscope.yaml", "on_drift: block\nforbid: [.claude/**]\n")
    awards.commit("lock the agent settings", plan="none")
    awards.write(".claude/settings.json", "{}\n")
    awards.commit("unlock?")
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code != 0 and "forbidden  .claude/settings.json" in r.out, r.out + r.err


def test_a_mixed_commit_is_judged_as_any_change(awards: Repo) -> None:
    relax(awards)
    awards.write("app/views/home.py", "# work\n")
    awards.commit("config and work")
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 2 and "no plan claims this change" in r.err, r.out + r.err


def test_pyproject_counts_only_when_its_planscope_table_alone_changed(repo: Repo,
                                                                       tmp_path: Path) -> None:
    repo.write("pyproject.toml", '[project]\nname = "x"\n\n[tool.planscope]\n'
               'forbid = ["secrets/**"]\n')
    repo.write("app.py", "x\n")
    repo.commit("adopt")
    repo.write("pyproject.toml", '[project]\nname = "x"\n\n[tool.planscope]\n'
               'forbid = ["secrets/**", "vendor/**"]\n')
    repo.commit("forbid vendor")
    r = repo.planscope("check", "--commit", "HEAD")
    assert r.code == 0 and "pyproject.toml: forbid +vendor/**" in r.out, r.out + r.err
    repo.write("pyproject.toml", '[project]\nname = "x"\nversion = "2"\n\n[tool.planscope]\n'
               'forbid = ["secrets/**", "vendor/**"]\n')
    repo.commit("bump")
    r = repo.planscope("check", "--commit", "HEAD")
    assert r.code == 2 and "no plan claims this change" in r.err, r.out + r.err


def test_json_names_what_a_rules_change_changes(awards: Repo) -> None:
    relax(awards)
    awards.commit("relax")
    import json

    doc = json.loads(awards.planscope("check", "--commit", "HEAD", "--format", "json").out)
    assert doc["ok"] and doc["rules_change"] == [".planscope.yaml: forbid +secrets/**",
                                                 ".planscope.yaml: on_drift changed"]


def test_a_rule_file_beside_an_exempt_path_is_still_a_rules_change(awards: Repo) -> None:
    awards.write("plans/README.md", "How we plan.\n")  # under plans_dir: exempt
    awards.write(".claude/settings.json", "{}\n")
    awards.commit("the guard, and a note on plans")
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 0 and ruleschange.NOTE in r.out, r.out + r.err
    assert "plans/README.md" not in r.out  # exempt: not a rule, not described


def test_explain_and_pre_push_say_the_same(awards: Repo, remote: Path) -> None:
    relax(awards)
    awards.git("add", "-A")
    explained = awards.planscope("explain", ".planscope.yaml")
    assert explained.code == 0 and "a change of only rule files is a rules change" in \
        explained.out
    awards.commit("relax")
    line = f"refs/heads/main {awards.head()} refs/heads/main {'0' * 40}\n"
    pushed = awards.planscope("hook", "pre-push", "origin", str(remote), stdin=line)
    assert pushed.code == 0 and "(1 of them a rules change, for review)" in pushed.out, \
        pushed.out + pushed.err
