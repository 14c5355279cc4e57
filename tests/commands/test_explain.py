"""planscope explain: the class of each path and the pattern, file and line that decide it,
the same answer check gives."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Repo

TABLES = "plans/awards.yaml#tables"


def test_each_class_names_its_rule_and_line(awards: Repo) -> None:
    r = awards.planscope("explain", "--plan", TABLES, "app/auth/x.py",
                         "db/migrations/0042_awards.sql", "tests/unit/test_awards_api.py",
                         "app/views/home.py", "keys/a.pem")
    assert r.code == 1, r.err
    assert r.out.splitlines() == [
        "planscope: explain against plans/awards.yaml#tables (from --plan)",
        "forbidden  app/auth/x.py: 'app/auth/**' at plans/awards.yaml:9:10 "
        "(forbid of plans/awards.yaml)",
        "in scope   db/migrations/0042_awards.sql: 'db/migrations/0042_awards.sql' at "
        "plans/awards.yaml:14:16 (files.create of slice 'tables')",
        "in scope   tests/unit/test_awards_api.py: 'tests/**/test_awards*.py' at "
        "plans/awards.yaml:16:13 (allow of slice 'tables')",
        "drift      app/views/home.py: no pattern of slice 'tables' or always_allow matches it",
        "forbidden  keys/a.pem: '**/*.pem' at plans/awards.yaml:9:23 "
        "(forbid of plans/awards.yaml)",
    ]


def test_in_scope_only_exits_0_and_json(awards: Repo) -> None:
    r = awards.planscope("explain", "--plan", TABLES, "--format", "json",
                         "app/models/__init__.py")
    assert r.code == 0
    assert json.loads(r.out) == {
        "plan": "plans/awards.yaml", "slice": "tables", "claimed_by": "--plan", "exit_code": 0,
        "paths": [{"path": "app/models/__init__.py", "verdict": "in-scope",
                   "pattern": "app/models/__init__.py", "where": "plans/awards.yaml:15:16",
                   "list": "files.modify of slice 'tables'"}],
    }


def test_config_rules_name_the_config_line(awards: Repo) -> None:
    awards.write(".planscope.yaml", "on_drift: block\nalways_allow: ['*.lock']\n"
                                    "forbid:\n  - secrets/\n")
    awards.git("add", ".planscope.yaml")  # explain judges as the hooks do: by staged rules
    r = awards.planscope("explain", "--plan", TABLES, "web/yarn.lock", "secrets/a/b.txt")
    assert r.out.splitlines()[1:] == [
        "in scope   web/yarn.lock: '*.lock' at .planscope.yaml:2:16 (always_allow)",
        "forbidden  secrets/a/b.txt: 'secrets/' at .planscope.yaml:4:5 (forbid)",
    ]


def test_with_no_slice_claimed(awards: Repo) -> None:
    awards.write(".planscope.yaml", "on_drift: block\nexempt:\n  paths: [docs/**]\n")
    awards.git("add", ".planscope.yaml")
    r = awards.planscope("explain", "docs/a.md", "plans/new.yaml", "src/x.py")
    assert r.code == 1
    assert r.out.splitlines() == [
        "planscope: explain with no slice claimed: pass --plan PLAN#SLICE",
        "exempt     docs/a.md: 'docs/**' at .planscope.yaml:3:11 (exempt.paths)",
        "exempt     plans/new.yaml: '/plans/new.yaml' at planscope's rule files (a plan file: a "
        "change of only rule files is a rules change)",
        "unclaimed  src/x.py: no slice claims it and no exempt.paths pattern matches it",
    ]
    awards.write(".planscope.yaml", "on_drift: block\nrequire_plan: false\n")
    awards.git("add", ".planscope.yaml")
    assert awards.planscope("explain", "src/x.py").code == 0
    assert awards.planscope("explain", "app/auth/x.py").code == 1  # forbidden all the same


def test_the_branch_claims_as_for_check(awards: Repo) -> None:
    awards.git("switch", "-q", "-c", "plan/awards-dashboard/views")
    r = awards.planscope("explain", "app/views/awards.py")
    assert r.code == 0
    assert r.out.startswith("planscope: explain against plans/awards.yaml#views "
                            "(from branch plan/awards-dashboard/views)")


def test_paths_from_a_subfolder_and_bad_paths(awards: Repo) -> None:
    r = awards.planscope("explain", "--plan", TABLES, "__init__.py",
                         cwd=awards.path / "app" / "models")
    assert "in scope   app/models/__init__.py" in r.out
    r = awards.planscope("explain", "--plan", TABLES, "../x")
    assert r.code == 2 and "'../x': name a path inside the repository" in r.err
    assert awards.planscope("explain").code == 2  # PATH... is required


ODD = ["app/auth/a\nb/x.py", "src/a\tb/key.pem", "db/migrations/0042_awards.sql",
       "tests/x/test_awards_x.py", "README.md", "app/models/__init__.py", "app/auth/session.py",
       "app/views/v.py", "keys/\udce9.pem"]


@pytest.mark.parametrize("plan_ref", [TABLES, "plans/awards.yaml#views"])
def test_explain_agrees_with_check(awards: Repo, plan_ref: str) -> None:
    for path in ODD:
        awards.write(path)
    awards.git("add", "-A")
    doc = json.loads(awards.planscope("check", "--plan", plan_ref, "--format", "json").out)
    said = json.loads(awards.planscope("explain", "--plan", plan_ref, "--format", "json",
                                       *ODD).out)
    verdicts = {p["path"]: p["verdict"] for p in said["paths"]}
    assert {p for p, v in verdicts.items() if v == "forbidden"} == set(doc["forbidden"])
    assert {p for p, v in verdicts.items() if v == "in-scope"} == set(doc["in_scope"])
    assert {p for p, v in verdicts.items() if v == "drift"} == {d["path"] for d in doc["drift"]}
