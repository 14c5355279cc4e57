"""Hostile and odd input through every entry point: exit codes, one-line errors, no traceback."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.errors import BadInput
from checker.rules import plan as plan_mod
from tests import fake_api
from tests.actions import Gh, open_pr, pr_payload
from tests.conftest import Repo, Run

TABLES = "plans/awards.yaml#tables"


HOSTILE_PLANS = {
    "alias bomb": "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n",
    "tabs": "version: 1\n\tid: x\n",
    "python tag": "version: !!python/object/apply:os.system ['true']\n",
    "not a mapping": "- just\n- a list\n",
    "scalar": "42\n",
    "binary junk": "\x00\x01\x02",
    "unclosed quote": "id: 'oops\n",
    "huge number": "version: 1e999999\nid: x\ntitle: t\nslices: []\n",
    "duplicate key": "version: 1\nversion: 1\n",
    "deep nesting": "x: " + "[" * 200 + "]" * 200 + "\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_PLANS))
def test_hostile_plan_yaml(awards: Repo, name: str) -> None:
    awards.write("plans/awards.yaml", HOSTILE_PLANS[name])
    awards.write("db/migrations/0042_awards.sql")
    awards.git("add", "-A")
    r = awards.planscope("check", "--plan", TABLES)
    assert r.code == 2, (r.out, r.err)
    assert "plans/awards.yaml" in r.err.splitlines()[0]


def test_ten_megabyte_plan_is_refused_quickly(awards: Repo) -> None:
    awards.write("plans/awards.yaml", "summary: '" + "x" * (10 * 1024 * 1024) + "'\n")
    awards.write("db/migrations/0042_awards.sql")
    awards.git("add", "-A")
    r = awards.planscope("check", "--plan", TABLES)
    assert r.code == 2 and "larger than the 1048576 allowed" in r.err


SCHEMA_BREAKS = [
    ("version: 1", "version: '1'"),
    ("id: awards-dashboard", "id: 'awards dashboard'"),
    ("status: approved", "status: [approved]"),
    ("forbid: [app/auth/**, \"**/*.pem\"]", "forbid: app/auth/**"),
    ("forbid: [app/auth/**, \"**/*.pem\"]", "forbid: [1, 2]"),
    ("      create: [db/migrations/0042_awards.sql]", "      create: [\"\"]"),
    ("      create: [db/migrations/0042_awards.sql]", "      make: [x]"),
    ("    depends_on: [tables]", "    depends_on: tables"),
    ("  - id: views", "  - idd: views"),
    ("        covers: awards table migrates up and down", "        covers: [x]"),
]


@pytest.mark.parametrize(("old", "new"), SCHEMA_BREAKS)
def test_schema_violations(awards: Repo, old: str, new: str) -> None:
    from tests.conftest import AWARDS_PLAN

    assert old in AWARDS_PLAN
    awards.write("plans/awards.yaml", AWARDS_PLAN.replace(old, new))
    awards.write("db/migrations/0042_awards.sql")
    awards.git("add", "-A")
    r = awards.planscope("validate", "plans/awards.yaml")
    assert r.code == 2
    first = r.err.splitlines()[0]
    assert first.startswith("planscope: error: plans/awards.yaml:") and first.count(":") >= 4, first


def test_crlf_plan_and_files(awards: Repo) -> None:
    from tests.conftest import AWARDS_PLAN

    (awards.path / "plans/awards.yaml").write_bytes(AWARDS_PLAN.replace("\n", "\r\n").encode())
    (awards.path / "app/models/__init__.py").write_bytes(b"a\r\nb\r\n")
    awards.commit("crlf", plan=TABLES)
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 1  # the plan file itself is drift for the tables slice
    assert "drift      plans/awards.yaml (M)" in r.out


def test_symlink_is_a_path_like_any_other(awards: Repo) -> None:
    os.symlink("../../etc/passwd", awards.path / "app/models/link")
    awards.commit("symlink", plan=TABLES)
    code = awards.planscope("check", "--commit", "HEAD").code
    assert code == 1


def test_empty_commit(awards: Repo) -> None:
    awards.git("commit", "-q", "--allow-empty", "-m", "nothing")
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 0 and "no changes" in r.out


def test_octopus_merge_is_judged_by_what_no_parent_had(awards: Repo) -> None:
    for name in ("one", "two"):
        awards.git("checkout", "-q", "-b", name, "main")
        awards.write(f"{name}.txt")
        awards.commit(name, plan="none")
    awards.git("checkout", "-q", "main")
    awards.write("main.txt")
    awards.commit("main moves", plan="none")
    awards.git("merge", "-q", "-m", f"octopus\n\nPlan: {TABLES}", "one", "two")
    assert len(awards.git("rev-list", "--parents", "-n1", "HEAD").split()) == 4
    r = awards.planscope("check", "--commit", "HEAD", "--format", "json")
    assert (r.code, json.loads(r.out)["changed"]) == (0, [])
    r = awards.planscope("check", "--range", "HEAD~1..HEAD")
    assert r.code == 2  # the merged commits claim 'Plan: none' without an exemption
    awards.write("app/auth/session.py", "# an octopus that also edits\n")
    awards.git("commit", "-q", "--amend", "-a", "--no-edit")
    r = awards.planscope("check", "--commit", "HEAD", "--format", "json")
    assert (r.code, json.loads(r.out)["forbidden"]) == (1, ["app/auth/session.py"])


def test_shallow_clone_and_detached_head(awards: Repo, tmp_path: Path) -> None:
    awards.write("db/migrations/0042_awards.sql")
    awards.commit("table", plan=TABLES)
    clone = Repo(tmp_path / "shallow")
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{awards.path}", str(clone.path)],
                   check=True)
    clone.git("checkout", "-q", "--detach")
    r = clone.planscope("check", "--commit", "HEAD")
    assert r.code == 2
    assert "its parent is not in this shallow clone; fetch more history" in r.err
    r = clone.planscope("check", "--range", "HEAD~1..HEAD")
    assert r.code == 2 and "unknown revision 'HEAD~1'" in r.err
    clone.git("fetch", "-q", "--deepen=1")
    r = clone.planscope("check", "--commit", "HEAD")
    assert r.code == 0, r.err


def test_unborn_branch(repo: Repo) -> None:
    repo.write("plans/p.yaml", "version: 1\nid: p\ntitle: P\nstatus: approved\nslices:\n"
               "  - {id: s, title: S, files: {create: ['**']}}\n")
    repo.git("add", "-A")
    assert repo.planscope("check", "--plan", "plans/p.yaml").code == 0
    r = repo.planscope("check", "--commit", "HEAD")
    assert r.code == 2 and "unknown revision 'HEAD'" in r.err
    r = repo.planscope("check", "--base", "main")
    assert r.code == 2


def test_outside_a_repository(tmp_path: Path) -> None:
    for args in (["check"], ["validate"], ["status"], ["trace", "x"], ["new", "x"]):
        r = Repo(tmp_path).planscope(*args)
        assert r.code == 2, args
        assert r.err.startswith("planscope: error: not inside a git repository"), args


def test_non_utf8_and_control_names_print_escaped(awards: Repo) -> None:
    (awards.path / os.fsdecode(b"app/caf\xe9.py")).write_text("x")
    awards.write("app/bell\a.py")
    awards.commit("names", plan=TABLES)
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 1
    assert "drift      app/caf\\xe9.py (A)" in r.out
    assert "drift      app/bell\\x07.py (A)" in r.out
    doc = json.loads(awards.planscope("check", "--commit", "HEAD", "--format", "json").out)
    assert "app/caf\udce9.py" in doc["changed"]


def test_quote_path_config(awards: Repo) -> None:
    awards.git("config", "core.quotePath", "true")
    awards.write("app/ü \"q\".py")
    awards.commit("quoted", plan=TABLES)
    doc = json.loads(awards.planscope("check", "--commit", "HEAD", "--format", "json").out)
    assert doc["changed"] == ['app/ü "q".py']


yaml_ish = st.text(alphabet=st.sampled_from(list("abc:-[]{}'\"#&*!|>\n\t 01.,%@`")), max_size=200)


@settings(max_examples=int(os.environ.get("PLANSCOPE_FUZZ_EXAMPLES", "300")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(text=yaml_ish)
def test_plan_loader_fuzz(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    """Any text either loads as a plan or raises BadInput naming the file; nothing else."""
    root = tmp_path_factory.mktemp("fuzz")
    (root / "p.yaml").write_text(text)
    try:
        plan_mod.load(root, "p.yaml")
    except BadInput as exc:
        assert str(exc).startswith("p.yaml"), str(exc)


# -- globs: git's rules, whatever bytes a path holds -------------------------------------

ODD_FOLDERS = ["a\nb", "a\rb", "a\tb", os.fsdecode(b"caf\xe9"), "x y", "\\q", "[id]"]


@pytest.mark.parametrize("folder", ODD_FOLDERS)
def test_any_depth_forbid_matches_odd_bytes_in_folders(awards: Repo, folder: str) -> None:
    awards.write(f"src/{folder}/key.pem", "-----BEGIN KEY-----\n")
    awards.write(f"app/auth/{folder}/x.py")
    awards.git("add", "-A")
    doc = json.loads(awards.planscope("check", "--plan", TABLES, "--format", "json").out)
    assert sorted(doc["forbidden"]) == sorted([f"app/auth/{folder}/x.py",
                                               f"src/{folder}/key.pem"])


@pytest.mark.parametrize("folder", ODD_FOLDERS)
def test_a_secret_in_an_odd_folder_is_never_shown(repo: Repo, folder: str) -> None:
    from checker.model import hunks
    from checker.rules.scope import Touched

    repo.write(f"conf/{folder}/prod.env", "TOKEN=s3cret\n")
    repo.git("add", "-A")
    files = hunks.collect(repo.path, (), True, [Touched(f"conf/{folder}/prod.env", "A")],
                          ["**/*.env"], 10_000)
    assert files[0].text is None and "secret path" in files[0].why


def test_a_forbidden_folder_covers_its_subfolders(awards: Repo) -> None:
    """git's rule: a pattern that matches a folder covers everything below it."""
    awards.write(".planscope.yaml", "on_drift: block\nforbid: ['app/auth/*']\n")
    awards.commit("forbid the auth folder", plan="none")
    awards.write("app/auth/sub/deep/x.py")
    awards.git("add", "-A")
    r = awards.planscope("check", "--plan", TABLES)
    assert r.code == 1
    assert "forbidden  app/auth/sub/deep/x.py (A) by 'app/auth/*' (forbid in .planscope.yaml)" \
        in r.out


VOID_GLOBS = ["./secret/**", "secret/./**", "secret//**", "secret/[**", "secret/x\\"]


@pytest.mark.parametrize("glob", VOID_GLOBS)
def test_void_globs_are_refused_in_plans_and_config(awards: Repo, glob: str) -> None:
    text = awards.path.joinpath("plans/awards.yaml").read_text()
    quoted = json.dumps(glob)
    awards.write("plans/awards.yaml", text.replace('"**/*.pem"', quoted))
    r = awards.planscope("validate")
    assert r.code == 2
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("forbid:"))
    assert r.err.startswith(f"planscope: error: plans/awards.yaml:{line}:"), r.err
    awards.git("checkout", "plans/awards.yaml")
    awards.write(".planscope.yaml", f"on_drift: block\nforbid:\n  - {quoted}\n")
    awards.git("add", ".planscope.yaml")
    r = awards.planscope("check", "--plan", TABLES)
    assert r.code == 2
    assert r.err.startswith("planscope: error: .planscope.yaml:3:5: forbid[0]: "), r.err


def test_misleading_globs_are_warned_about(awards: Repo) -> None:
    text = awards.path.joinpath("plans/awards.yaml").read_text()
    text = text.replace("allow: [tests/**/test_awards*.py]",
                        "allow: ['app/[id]/page.tsx']\n    forbid: ['!app/auth/session.py']")
    awards.write("plans/awards.yaml", text)
    r = awards.planscope("validate")
    assert r.code == 0, r.err
    assert ("reads [id] as one character of a set, so it matches 'app/i/page.tsx', not the "
            "brackets; write 'app/\\[id\\]/page.tsx'") in r.out
    assert "'!app/auth/session.py' only narrows this slice's own forbid list" in r.out
    awards.write("app/auth/session.py", "# changed\n")
    awards.git("add", "-A")
    r = awards.planscope("check", "--plan", TABLES)
    assert r.code == 1 and "forbidden  app/auth/session.py (M) by 'app/auth/**'" in r.out


def test_case_folding_file_system(awards: Repo) -> None:
    """core.ignorecase: SECRET/ is secret/ on this file system, and forbidden like it."""
    awards.write(".planscope.yaml", "on_drift: block\nforbid: [secret/**]\n")
    awards.commit("forbid secrets", plan="none")
    awards.write("SECRET/key.txt")
    awards.git("add", "-A")
    assert awards.planscope("check", "--plan", TABLES).code == 1  # drift, not forbidden
    assert "  forbidden  " not in awards.planscope("check", "--plan", TABLES).out
    awards.git("config", "core.ignorecase", "true")
    r = awards.planscope("check", "--plan", TABLES)
    assert r.code == 1 and "forbidden  SECRET/key.txt (A) by 'secret/**'" in r.out


def test_unicode_normalising_file_system(awards: Repo) -> None:
    """core.precomposeUnicode: an NFD café/ is the NFC café/ a rule names."""
    nfc, nfd = "caf\u00e9", "cafe\u0301"
    awards.write(".planscope.yaml", f"on_drift: block\nforbid: ['{nfc}/**']\n")
    awards.commit("forbid the café", plan="none")
    awards.write(f"{nfd}/menu.txt")
    awards.git("add", "-A")
    assert "  forbidden  " not in awards.planscope("check", "--plan", TABLES).out
    awards.git("config", "core.precomposeUnicode", "true")
    r = awards.planscope("check", "--plan", TABLES)
    assert r.code == 1 and f"  forbidden  {nfd}/menu.txt (A) by '{nfc}/**'" in r.out


# -- hostile input: exit 2 with the file and line, never a traceback or a hang ----------

HOSTILE_VALUES = {
    "deep nesting": ("x: " + "[" * 3000 + "]" * 3000 + "\n", ":1:", "nested deeper than"),
    "huge integer": ("version: " + "9" * 5000 + "\n", ":1:10:", "more than 30 digits"),
    "nan": ("version: .nan\n", ":1:10:", "'.nan' is not a finite number"),
    "infinity": ("version: -.inf\n", ":1:10:", "'-.inf' is not a finite number"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_VALUES))
@pytest.mark.parametrize("where", ["plans/awards.yaml", ".planscope.yaml"])
def test_hostile_values_name_the_file_and_line(awards: Repo, name: str, where: str) -> None:
    text, line, message = HOSTILE_VALUES[name]
    awards.write(where, text)
    awards.write("db/migrations/0042_awards.sql")
    awards.git("add", "db", where)  # a staged change is judged by the staged rules
    r = awards.planscope("check", "--plan", TABLES)
    assert r.code == 2, (r.out, r.err)
    (first, *_) = r.err.splitlines()
    assert first.startswith(f"planscope: error: {where}{line}") and message in first, first


@pytest.mark.parametrize(("setting", "message"), [
    ("verify:\n  timeout_s: .nan\n", "'.nan' is not a finite number"),
    ("verify:\n  timeout_s: .inf\n", "'.inf' is not a finite number"),
    ("verify:\n  min_confidence: .nan\n", "'.nan' is not a finite number"),
    ("verify:\n  timeout_s: 100000\n", "100000 is greater than the maximum of 600"),
    ("verify:\n  max_diff_bytes: 99999999999\n", "greater than the maximum of 10000000"),
])
def test_config_values_out_of_range(awards: Repo, setting: str, message: str) -> None:
    awards.write(".planscope.yaml", setting)
    awards.git("add", ".planscope.yaml")
    r = awards.planscope("check", "--plan", TABLES)
    assert r.code == 2 and message in r.err, r.err
    assert r.err.startswith("planscope: error: .planscope.yaml:"), r.err


def test_non_finite_numbers_in_pyproject(awards: Repo) -> None:
    awards.git("rm", "-q", ".planscope.yaml")
    awards.write("pyproject.toml", "[tool.planscope.verify]\nmin_confidence = nan\n")
    awards.git("add", "pyproject.toml")
    r = awards.planscope("check", "--plan", TABLES)
    assert r.code == 2
    assert "pyproject.toml [tool.planscope]: verify.min_confidence: nan is not a finite number" \
        in r.err


def test_a_yaml_error_names_where_the_construct_starts(awards: Repo) -> None:
    awards.write("plans/bad.yaml", "version: 1\nid: bad\ntitle: t\nslices: [\n  {id: a}\n")
    r = awards.planscope("validate", "plans/bad.yaml")
    assert r.code == 2
    assert r.err.splitlines()[0] == (
        "planscope: error: plans/bad.yaml:6:1: expected ',' or ']', but got '<stream end>'; "
        "while parsing a flow sequence at plans/bad.yaml:4:9")


@pytest.mark.parametrize("what", [".planscope.yaml", "plans/awards.yaml", "link to a fifo"])
def test_special_files_are_refused_not_waited_on(awards: Repo, what: str) -> None:
    fifo = awards.path / ("plans/fifo" if what == "link to a fifo" else what)
    fifo.unlink(missing_ok=True)
    os.mkfifo(fifo)
    if what == "link to a fifo":
        (awards.path / "plans/awards.yaml").unlink()
        (awards.path / "plans/awards.yaml").symlink_to("fifo")
    shown = "plans/awards.yaml" if what == "link to a fifo" else what
    # what reads the working tree's rules: validate (check --staged reads the index)
    r = awards.process("validate")  # a hang fails the 120 s timeout
    assert r.code == 2 and f"{shown}: not a regular file" in r.err, r.err
    payload = {"tool_name": "Edit", "hook_event_name": "PreToolUse", "cwd": str(awards.path),
               "tool_input": {"file_path": str(awards.path / "app/x.py")}}
    r = awards.process("guard", stdin=json.dumps(payload),
                       env={"PLANSCOPE_PLAN": TABLES})
    said = "a symbolic link" if what == "link to a fifo" else "not a regular file"
    assert "Traceback" not in r.err and said in r.err, r.err


def test_a_plan_linked_outside_the_repository_is_not_echoed(awards: Repo,
                                                            tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:SECRET-PASSWORD-LINE\n")
    (awards.path / "plans/awards.yaml").unlink()
    (awards.path / "plans/awards.yaml").symlink_to(secret)
    awards.write("db/migrations/0042_awards.sql")
    awards.git("add", "db")
    r = awards.planscope("validate")
    assert r.code == 2
    assert "a symlink to a file outside the repository" in r.err
    assert "SECRET" not in r.out + r.err
    awards.git("add", "plans/awards.yaml")  # staged, it is a link: refused whatever it says
    r = awards.planscope("check", "--plan", TABLES)
    assert r.code == 2 and "a symbolic link" in r.err and "SECRET" not in r.out + r.err


def test_crafted_rename_names_do_not_fool_the_line_count(awards: Repo) -> None:
    """A name that looks like a count is a name; a rename counts as the deletion of the old
    file and the addition of the new one (moving code is change)."""
    awards.write(".planscope.yaml", "on_drift: block\nexempt:\n  max_changed_lines: 5\n")
    awards.write("-100\t0\tz", "".join(f"line {i}\n" for i in range(100)))
    awards.commit("big file", plan="none")
    awards.git("mv", "--", "-100\t0\tz", "5\t-200\tw")
    awards.write("5\t-200\tw", "".join(f"line {i}\n" for i in range(101)))
    awards.git("add", "-A")
    from checker.git import diffs
    assert diffs.changed_lines(awards.path, cached=True) == 201
    awards.write("5\t-200\tw", "".join(f"other {i}\n" for i in range(101)))
    awards.git("add", "-A")
    assert diffs.changed_lines(awards.path, cached=True) == 201
    r = awards.planscope("check")
    assert r.code == 2 and "no plan claims this change" in r.err


def test_log_output_encoding_is_pinned(awards: Repo) -> None:
    awards.git("config", "i18n.logOutputEncoding", "UTF-16")
    awards.write("db/migrations/0042_awards.sql")
    awards.commit("Add the table été über", plan=TABLES)
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 0 and "'Add the table été über'" in r.out
    assert awards.planscope("check", "--range", "HEAD~1..HEAD").code == 0


# -- the model never sees what it must not --------------------------------------------


def test_a_forbidden_file_renamed_to_a_drifted_path_keeps_its_content(awards: Repo) -> None:
    from checker.model import hunks
    from checker.rules.scope import Touched

    awards.write("app/auth/keys.py", "SIGNING_KEY = 'forbidden-body'\n" * 3)
    awards.commit("keys", plan="none")
    awards.git("mv", "app/auth/keys.py", "app/keys_moved.py")
    awards.git("add", "-A")
    moved = Touched("app/keys_moved.py", "R", "app/auth/keys.py")
    (shown,) = hunks.collect(awards.path, (), True, [moved], (), 10_000,
                             forbidden={"app/auth/keys.py"})
    assert shown.text is None
    assert shown.why == "renamed from or to a forbidden path: content withheld"
    doc = json.loads(awards.planscope("check", "--plan", TABLES, "--format", "json").out)
    assert doc["forbidden"] == ["app/auth/keys.py"] and doc["exit_code"] == 1


def test_forbidden_decides_over_a_pass_that_could_not_run(awards: Repo, gh: Gh,
                                                          api: fake_api.FakeAPI) -> None:
    """One commit forbidden, another drifted with the API down: forbidden, exit 1."""
    awards.write(".planscope.yaml", "on_drift: verify\nverify:\n  on_error: fail\n")
    awards.commit("verify drift", plan="none")
    base = open_pr(awards)
    awards.write("app/auth/session.py", "changed\n")
    awards.commit("auth", plan=TABLES)
    awards.write("app/views/home.py", "home\n")
    awards.commit("drift", plan=TABLES)
    api.default = fake_api.error(529, "overloaded_error")
    r = awards.planscope("check", "--range", f"{base}..HEAD")
    assert r.code == 1, r.out + r.err
    ran = gh(awards, payload=pr_payload(awards, base))
    assert (ran.code, ran.outputs["result"]) == (1, "forbidden")


# -- the guard judges the project the edited file belongs to ----------------------------


def _guard(repo: Repo, path: Path | str, cwd: Path, env: dict[str, str] | None = None) -> Run:
    payload = {"tool_name": "Edit", "hook_event_name": "PreToolUse", "cwd": str(cwd),
               "tool_input": {"file_path": str(path), "old_string": "a", "new_string": "b"}}
    return repo.planscope("guard", stdin=json.dumps(payload), env=env)


@pytest.fixture
def vendored(awards: Repo) -> Path:
    """A git repository of its own inside the project (a vendored copy), no planscope."""
    inner = awards.path / "vendor" / "lib"
    inner.mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=inner, check=True)
    (inner / "lib.py").write_text("x\n")
    assert awards.planscope("use", TABLES).code == 0
    return inner


def test_guard_from_a_nested_repository_judges_the_project(awards: Repo, vendored: Path) -> None:
    r = _guard(awards, awards.path / "app/auth/session.py", cwd=vendored)
    assert r.code == 2 and "Edit of app/auth/session.py refused: forbidden" in r.err
    r = _guard(awards, "../../app/auth/session.py", cwd=vendored)  # relative to the cwd
    assert r.code == 2 and "forbidden" in r.err


def test_an_edit_inside_a_nested_repository_answers_to_the_project(awards: Repo,
                                                                    vendored: Path) -> None:
    awards.write(".planscope.yaml", "on_drift: block\nforbid: [vendor/**]\n")
    r = _guard(awards, vendored / "lib.py", cwd=vendored)
    assert r.code == 2 and "vendor/lib/lib.py refused: forbidden by rule 'vendor/**'" in r.err


def test_guard_from_outside_any_repository(awards: Repo, tmp_path: Path) -> None:
    assert awards.planscope("use", TABLES).code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    r = _guard(awards, awards.path / "app/auth/session.py", cwd=elsewhere)
    assert r.code == 2 and "forbidden" in r.err
    r = _guard(awards, "app/auth/session.py", cwd=elsewhere,
               env={"CLAUDE_PROJECT_DIR": str(awards.path)})
    assert r.code == 0  # relative to the cwd: elsewhere/app/auth/session.py, not the project's
    r = _guard(awards, awards.path / "app/views/home.py", cwd=elsewhere,
               env={"CLAUDE_PROJECT_DIR": str(awards.path)})
    assert r.code == 2 and "outside the active slice" in r.err


def test_guard_folds_case_where_git_does(awards: Repo) -> None:
    assert awards.planscope("use", TABLES).code == 0
    assert _guard(awards, awards.path / "APP/AUTH/session.py", awards.path).code == 2  # drift
    r = _guard(awards, awards.path / "APP/AUTH/new.py", awards.path)
    assert "forbidden" not in r.err
    awards.git("config", "core.ignorecase", "true")
    r = _guard(awards, awards.path / "APP/AUTH/new.py", awards.path)
    assert r.code == 2 and "forbidden by rule 'app/auth/**'" in r.err
