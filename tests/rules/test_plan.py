"""Plans (checker/plan.py, yamlfile.py, schemas.py): loading with line marks, schema and
semantic errors naming file and line, lint against a revision."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker import state
from checker.errors import BadInput
from checker.rules import globlint, schemas, validation, yamlfile
from checker.rules import plan as plan_mod
from tests.conftest import AWARDS_PLAN, Repo


def load_text(tmp_path: Path, text: str) -> plan_mod.Plan:
    (tmp_path / "plans").mkdir(exist_ok=True)
    (tmp_path / "plans/p.yaml").write_text(text)
    return plan_mod.load(tmp_path, "plans/p.yaml")


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(BadInput) as info:
        load_text(tmp_path, text)
    return str(info.value)


MINIMAL = """\
version: 1
id: p
title: P
slices:
  - id: a
    title: A
    files: {modify: [src/a.py]}
"""


def test_loads_the_design_example(tmp_path: Path) -> None:
    p = load_text(tmp_path, AWARDS_PLAN)
    assert p.id == "awards-dashboard"
    assert [s.id for s in p.slices] == ["tables", "views"]
    tables = p.slices[0]
    assert tables.create == ("db/migrations/0042_awards.sql",)
    assert tables.tests[0].path == "tests/test_awards_migration.py"
    assert tables.status == "approved"  # inherits the plan's status
    assert p.slices[1].depends_on == ("tables",)


def test_dates_stay_strings(tmp_path: Path) -> None:
    p = load_text(
        tmp_path, MINIMAL + "reviews:\n  - {reviewer: x, confidence: 0.8, at: 2026-11-20}\n"
    )
    assert p.reviews[0].at == "2026-11-20"


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    msg = error_of(tmp_path, "version: 1\nid: [unclosed\ntitle: x\n")
    assert msg.startswith("plans/p.yaml:3:"), msg


def test_schema_violation_points_at_the_value(tmp_path: Path) -> None:
    msg = error_of(tmp_path, MINIMAL.replace("id: a", "id: Bad_Id"))
    assert msg.startswith("plans/p.yaml:5:9: slices[0].id: 'Bad_Id' does not match"), msg


def test_unknown_key_points_at_the_key(tmp_path: Path) -> None:
    msg = error_of(tmp_path, MINIMAL + "colour: red\n")
    assert msg.startswith("plans/p.yaml:8:1: colour: unknown key 'colour'"), msg


def test_missing_required_key(tmp_path: Path) -> None:
    msg = error_of(tmp_path, MINIMAL.replace("title: P\n", ""))
    assert msg == "plans/p.yaml:1:1: 'title' is a required property"


def test_every_problem_is_reported_on_its_own_line(tmp_path: Path) -> None:
    msg = error_of(tmp_path, MINIMAL.replace("version: 1", "version: 2") + "status: later\n")
    lines = msg.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("plans/p.yaml:1:10: version:")
    assert lines[1].startswith("plans/p.yaml:8:9: status: 'later' is not one of")


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    msg = error_of(tmp_path, MINIMAL + "id: q\n")
    assert msg == "plans/p.yaml:8:1: duplicate key 'id'"


def test_aliases_are_refused(tmp_path: Path) -> None:
    text = MINIMAL.replace("files: {modify: [src/a.py]}", "files: {modify: &m [src/a.py]}")
    text += "  - {id: b, title: B, files: {modify: *m}}\n"
    assert "aliases" in error_of(tmp_path, text)


def test_empty_and_non_utf8_files(tmp_path: Path) -> None:
    assert error_of(tmp_path, "") == "plans/p.yaml:1:1: empty plan file"
    (tmp_path / "plans/p.yaml").write_bytes(b"id: \xff\n")
    with pytest.raises(BadInput, match=r"^plans/p.yaml: not UTF-8"):
        plan_mod.load(tmp_path, "plans/p.yaml")


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    big = MINIMAL + "summary: '" + "x" * (yamlfile.MAX_BYTES + 1) + "'\n"
    assert "larger than" in error_of(tmp_path, big)


def test_duplicate_slice_ids(tmp_path: Path) -> None:
    text = MINIMAL + "  - {id: a, title: again, files: {}}\n"
    assert error_of(tmp_path, text) == (
        "plans/p.yaml:8:10: duplicate slice id 'a' (also slices[0])"
    )


def test_depends_on_unknown_self_and_cycle(tmp_path: Path) -> None:
    text = MINIMAL.replace("    files:", "    depends_on: [b]\n    files:")
    text += "  - {id: b, title: B, depends_on: [a, b, zz]}\n".replace("}", ", files: {}}")
    lines = error_of(tmp_path, text).splitlines()
    assert any("slice 'b' depends on itself" in x for x in lines)
    assert any("unknown slice 'zz'" in x for x in lines)
    assert any("depends_on has a cycle: a -> b -> a" in x for x in lines)


def test_path_both_created_and_deleted(tmp_path: Path) -> None:
    text = MINIMAL.replace("{modify: [src/a.py]}", "{create: [src/a.py], delete: [src/a.py]}")
    assert "'src/a.py' is both created and deleted in slice 'a'" in error_of(tmp_path, text)


@pytest.mark.parametrize(
    ("glob", "why"),
    [
        ("../outside.py", "climbs out"),
        ("src/../../x", "climbs out"),
        ("//etc/passwd", "absolute"),
        ("C:/x.py", "absolute"),
        ("~/x", "absolute"),
    ],
)
def test_globs_must_stay_inside_the_repo(tmp_path: Path, glob: str, why: str) -> None:
    msg = error_of(tmp_path, MINIMAL.replace("src/a.py", f"'{glob}'"))
    assert msg.startswith("plans/p.yaml:7:22: ") and why in msg, msg


def test_leading_slash_anchors_and_is_allowed(tmp_path: Path) -> None:
    p = load_text(tmp_path, MINIMAL.replace("src/a.py", "/README.md"))
    assert globlint.literal(p.slices[0].modify[0]) == "README.md"


def test_lint_against_a_revision(repo: Repo) -> None:
    repo.write("src/a.py")
    repo.write("src/new.py")
    repo.commit("init")
    repo.write(
        "plans/p.yaml",
        MINIMAL.replace(
            "{modify: [src/a.py]}",
            "{modify: [src/a.py, src/gone.py, 'src/*.py'], create: [src/new.py, src/fresh.py], "
            "delete: [src]}",
        ),
    )
    p = plan_mod.load(repo.path, "plans/p.yaml")
    files = {"src/a.py", "src/new.py"}
    findings = validation.lint(p, files, "HEAD")
    assert findings == [
        "plans/p.yaml:7:32: modify 'src/gone.py' does not exist at HEAD",
        "plans/p.yaml:7:67: create 'src/new.py' already exists at HEAD",
    ]


def test_schema_file_is_shipped_once() -> None:

    root = Path(__file__).resolve().parents[2]
    assert not (root / "checker" / "schemas").exists()
    schema = schemas.load("plan")
    assert schema["$id"].endswith("plan.schema.json")

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                assert "description" in sub or "$ref" in sub, name
            for sub in node.values():
                walk(sub)

    walk(schema)


def test_validated_plans_skip_the_schema_next_time(repo: Repo) -> None:
    import subprocess
    import sys

    repo.write("plans/p.yaml", MINIMAL)
    probe = (
        "import sys; from pathlib import Path; from checker import state; "
        "from checker.rules import plan; "
        "root = Path('.'); plan.load(root, 'plans/p.yaml', state.Cache.of(root, 'valid')); "
        "print('checker.rules.validators.plan' in sys.modules, 'jsonschema' in sys.modules)"
    )

    def validates() -> str:
        return subprocess.run(
            [sys.executable, "-c", probe], cwd=repo.path, capture_output=True, text=True, check=True
        ).stdout.strip()

    assert validates() == "True False"  # the generated validator; jsonschema only explains
    assert validates() == "False False"  # same text, same schema: known valid
    valid_dir = repo.path / ".git/planscope/cache/valid"
    assert len(list(valid_dir.iterdir())) == 1
    repo.write("plans/p.yaml", MINIMAL.replace("version: 1", "version: 2"))
    with pytest.raises(BadInput, match="version"):  # a changed text is validated again
        plan_mod.load(repo.path, "plans/p.yaml", state.Cache.of(repo.path, "valid"))
    assert len(list(valid_dir.iterdir())) == 1  # an invalid text is never remembered


ASSUMED = AWARDS_PLAN.replace(
    "assumptions:\n  - Members are stored in app/models/member.py\n",
    "assumptions:\n"
    "  - id: members-file\n"
    "    text: Members are stored in app/models/member.py\n"
    "    paths: [app/models/member.py]\n"
    "  - id: views-registry\n"
    "    text: Views register themselves in app/views/__init__.py\n"
    "    paths: [app/views/__init__.py, 'app/views/*.py']\n"
    "  - Awards need no migration of existing data\n",
).replace("    depends_on: [tables]\n",
          "    depends_on: [tables]\n    relies_on: [views-registry]\n")


def test_assumptions_with_ids_and_slices_relying_on_them(repo: Repo) -> None:
    assert "relies_on" in ASSUMED
    repo.write("plans/awards.yaml", ASSUMED)
    p = plan_mod.load(repo.path, "plans/awards.yaml")
    assert p.assumptions == ("Members are stored in app/models/member.py",
                             "Views register themselves in app/views/__init__.py",
                             "Awards need no migration of existing data")
    assert [a.id for a in p.assumed] == ["members-file", "views-registry", None]
    views = p.slice("views")
    assert views is not None and views.relies_on == ("views-registry",)
    assert [a.id for a in p.relied_on(views)] == ["views-registry"]
    tables = p.slice("tables")
    assert tables is not None and p.relied_on(tables) == ()


@pytest.mark.parametrize(("change", "message"), [
    (("relies_on: [views-registry]", "relies_on: [view-registry]"),
     ":32:17: unknown assumption 'view-registry' (assumption ids: members-file, "
     "views-registry)"),
    (("  - id: views-registry", "  - id: members-file"),
     ":11:9: duplicate assumption id 'members-file' (also assumptions[0])"),
    (("paths: [app/models/member.py]", "paths: [../models/member.py]"),
     ":10:13: '../models/member.py' climbs out"),
])
def test_assumption_errors_name_their_line(repo: Repo, change: tuple[str, str],
                                           message: str) -> None:
    repo.write("plans/awards.yaml", ASSUMED.replace(*change))
    with pytest.raises(BadInput) as caught:
        plan_mod.load(repo.path, "plans/awards.yaml")
    assert f"plans/awards.yaml{message}" in str(caught.value)


def test_validate_against_reports_an_assumption_about_nothing(repo: Repo) -> None:
    repo.write("plans/awards.yaml", ASSUMED)
    repo.write("app/models/__init__.py", "# models\n")
    repo.write("app/views/__init__.py", "# views\n")
    repo.write("app/auth/session.py", "# auth\n")
    repo.commit("init", plan="none")
    run = repo.planscope("validate", "--against", "HEAD")
    assert run.code == 1
    assert ("plans/awards.yaml:10:13: assumption 'members-file' is about "
            "'app/models/member.py', which does not exist at HEAD") in run.out
    assert "views-registry" not in run.out  # its file exists, its glob matches it
    repo.write("app/models/member.py", "class Member: ...\n")
    repo.commit("members", plan="none")
    assert repo.planscope("validate", "--against", "HEAD").code == 0
    repo.git("rm", "-q", "app/views/__init__.py")
    repo.commit("no views", plan="none")
    run = repo.planscope("validate", "--against", "HEAD")
    assert "'app/views/*.py', which matches no file at HEAD" in run.out


def test_lint_a_later_slice_may_modify_what_an_earlier_one_creates(repo: Repo) -> None:
    repo.write("plans/p.yaml", "version: 1\nid: p\ntitle: P\nslices:\n"
               "  - {id: a, title: A, files: {create: [src/new.py]}}\n"
               "  - {id: b, title: B, files: {modify: [src/new.py, src/gone.py]}}\n")
    repo.commit("plan", plan="none")
    run = repo.planscope("validate", "--against", "HEAD")
    assert run.code == 1
    assert "modify 'src/gone.py' does not exist at HEAD" in run.out
    assert "src/new.py" not in run.out
