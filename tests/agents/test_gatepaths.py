"""The guard protects the gate (checker/agents/gatepaths.py, checker/agents/shellwrites.py):
the git directory of every work tree the edit answers to, the hooks folder, planscope's
rules and the agents' hook settings, whatever the active slice allows; a shell call's plain
writes there too (best effort)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from checker.agents import gatepaths, shellwords, shellwrites
from tests.commands.test_guard import denial, guard
from tests.conftest import Repo, Run

EVERYTHING = "plans/awards.yaml#everything"


@pytest.fixture
def wide(awards: Repo) -> Repo:
    """The awards repository with an active slice that allows every path: only the gate
    itself can refuse."""
    plan = (awards.path / "plans/awards.yaml").read_text()
    awards.write("plans/awards.yaml", plan + "  - id: everything\n    title: Everything\n"
                 "    files: {}\n    allow: ['**']\n")
    awards.commit("a slice that allows everything", plan="none")
    assert awards.planscope("use", EVERYTHING).code == 0
    return awards


def shell(repo: Repo, command: str, cwd: Path | None = None, tool: str = "Bash") -> Run:
    payload = {"hook_event_name": "PreToolUse", "tool_name": tool, "cwd": str(cwd or repo.path),
               "tool_input": {"command": command}}
    return repo.planscope("guard", stdin=json.dumps(payload),
                          env={"HOME": str(repo.path.parent / "home")})


@pytest.mark.parametrize("name", [".git/hooks/pre-commit", ".git/config", ".git/HEAD",
                                  ".git/planscope/active", ".git/planscope/cache/built/x.json",
                                  ".git/hooks", ".git/info/exclude"])
def test_the_git_directory_is_refused_whatever_the_slice_allows(wide: Repo, name: str) -> None:
    r = guard(wide, "Write", wide.path / name)
    assert r.code == 2 and "the git " in denial(r), r.err
    relative = guard(wide, "Edit", name)
    assert relative.code == 2


def test_another_spelling_of_the_git_directory_is_the_same_folder(wide: Repo) -> None:
    (wide.path / "app" / "link").symlink_to(wide.path / ".git")
    for name in ("app/link/hooks/pre-commit", "app/../.git/hooks/x", "./.git//config"):
        r = guard(wide, "Write", name)
        assert r.code == 2 and "the git " in denial(r), name


def test_a_linked_worktree_and_a_git_directory_outside_the_work_tree(wide: Repo,
                                                                      tmp_path: Path) -> None:
    other = tmp_path / "wt"
    wide.git("worktree", "add", "-q", "-b", "side", str(other))
    for name, cwd in ((wide.path / ".git/worktrees/wt/HEAD", other),
                      (wide.path / ".git/hooks/pre-push", other),
                      (other / ".git", other)):
        r = guard(wide, "Write", name, cwd)
        assert r.code == 2 and "the git " in denial(r), name
    separate = tmp_path / "separate"
    subprocess.run(("git", "init", "-q", "--separate-git-dir", str(tmp_path / "sep.git"),
                    str(separate)), check=True)
    r = guard(wide, "Write", tmp_path / "sep.git/hooks/pre-commit", separate)
    assert r.code == 2 and "the git " in denial(r)


def test_the_hooks_folder_git_is_told_to_use(wide: Repo) -> None:
    wide.git("config", "core.hooksPath", ".githooks")
    (wide.path / ".githooks").mkdir()
    r = guard(wide, "Write", ".githooks/pre-commit")
    assert r.code == 2 and "the git hooks folder" in denial(r)


@pytest.mark.parametrize("name", [".planscope.yaml", "plans/awards.yaml", "plans/new.yaml",
                                  "plans/sub/deep.yml", ".claude/settings.json",
                                  ".claude/settings.local.json", ".codex/hooks.json",
                                  ".codex/config.toml", ".pre-commit-config.yaml"])
def test_rules_and_hook_settings_are_refused_unless_the_slice_names_them(wide: Repo,
                                                                        name: str) -> None:
    r = guard(wide, "Write", name)
    assert r.code == 2 and "decides what this work may touch" in denial(r), r.err
    assert guard(wide, "Write", "plans/notes.md").code == 0  # not a plan file


def test_a_slice_that_names_a_rule_file_may_change_it(wide: Repo) -> None:
    plan = (wide.path / "plans/awards.yaml").read_text()
    wide.write("plans/awards.yaml", plan + "  - id: hooks\n    title: Set up the hooks\n"
               "    files:\n      create: [.claude/settings.json]\n")
    wide.commit("a slice that plans the hook settings", plan="none")
    assert wide.planscope("use", "plans/awards.yaml#hooks").code == 0
    assert guard(wide, "Write", ".claude/settings.json").code == 0
    assert guard(wide, "Write", ".codex/hooks.json").code == 2  # not named: refused
    assert guard(wide, "Write", ".git/hooks/pre-commit").code == 2  # never opened


def test_guard_unprotect_opens_a_named_file(wide: Repo) -> None:
    wide.write(".planscope.yaml", (wide.path / ".planscope.yaml").read_text()
               + "guard:\n  unprotect: [.pre-commit-config.yaml]\n")
    assert guard(wide, "Write", ".pre-commit-config.yaml").code == 0
    assert guard(wide, "Write", ".planscope.yaml").code == 2


def test_a_config_in_pyproject_is_protected_there(repo: Repo) -> None:
    repo.write("pyproject.toml", "[project]\nname = 'x'\n\n[tool.planscope]\non_drift = 'block'\n")
    repo.write("app.py")
    repo.commit("start")
    assert guard(repo, "Write", "pyproject.toml").code == 2
    repo.write(".planscope.yaml", "on_drift: block\n")  # now the config lives elsewhere
    assert guard(repo, "Write", "pyproject.toml").code == 0


def test_the_agents_user_settings(wide: Repo) -> None:
    home = wide.path.parent / "home"
    (home / ".claude").mkdir(parents=True)
    for name in (home / ".claude/settings.json", home / ".codex/config.toml"):
        r = wide.planscope("guard", stdin=json.dumps({
            "hook_event_name": "PreToolUse", "tool_name": "Write", "cwd": str(wide.path),
            "tool_input": {"file_path": str(name)}}), env={"HOME": str(home)})
        assert r.code == 2 and "user" in denial(r), name


def _write(repo: Repo, path: Path) -> Run:
    return repo.planscope("guard", stdin=json.dumps({
        "hook_event_name": "PreToolUse", "tool_name": "Write", "cwd": str(repo.path),
        "tool_input": {"file_path": str(path), "content": "exit 0"}}))


def test_the_environment_planscope_runs_from(wide: Repo) -> None:
    """A guard command that names the project's .venv runs what is there: an agent that could
    write its scripts, its site-packages (a .pth runs at start) or planscope's own code could
    switch the guard off, from whatever folder it calls from."""
    import sysconfig

    import checker

    scripts = Path(sys.executable).parent
    pth = Path(sysconfig.get_paths()["purelib"]) / "evil.pth"
    for target in (scripts / "planscope", pth, Path(checker.__file__).parent / "guard.py"):
        r = _write(wide, target)
        assert r.code == 2 and ("the environment planscope runs from" in denial(r)
                                or "planscope's own code" in denial(r)), target
    for command in (f"cd {scripts} && cp /tmp/evil planscope",
                    f"cd {pth.parent} && echo 'import os' > x.pth"):
        r = shell(wide, command)
        assert r.code == 2 and "the environment planscope runs from" in denial(r), command
    r = shell(wide, "cp /tmp/evil planscope", cwd=scripts)  # the call's own folder is there
    assert r.code == 2 and "the environment planscope runs from" in denial(r)
    assert _write(wide, wide.path / "app/views/new.py").code == 0


def test_git_config_outside_the_repository(wide: Repo) -> None:
    """core.hooksPath in git's user config would skip every hook."""
    home = wide.path.parent / "home"
    for target in (home / ".gitconfig", home / ".config/git/config"):
        r = wide.planscope("guard", stdin=json.dumps({
            "hook_event_name": "PreToolUse", "tool_name": "Write", "cwd": str(wide.path),
            "tool_input": {"file_path": str(target), "content": "[core]\nhooksPath=/x\n"}}),
            env={"HOME": str(home)})
        assert r.code == 2 and "git's user config" in denial(r), target
    r = shell(wide, "echo '[core] hooksPath = /x' >> ~/.gitconfig")
    assert r.code == 2 and "git's user config" in denial(r)


@pytest.mark.parametrize("command", [
    "echo 'exec true' > .git/hooks/pre-commit",
    "printf x >>.git/config",
    "cat evil | tee -a .git/hooks/commit-msg",
    "cp /tmp/evil .git/hooks/pre-push && chmod +x .git/hooks/pre-push",
    "install -m 755 evil -t .git/hooks",
    "sed -i 's/block/warn/' .planscope.yaml",
    "rm -f .git/planscope/active",
    "cd .git && echo > hooks/pre-commit",
    "bash -c 'echo > .git/hooks/pre-commit'",
    "sudo -u me tee .claude/settings.json < x",
    "python3 -c \"open('.git/hooks/pre-commit', 'w').write('')\"",
    "git config core.hooksPath /tmp/nothing",
    "git config --unset core.hooksPath",
    "git -c core.hooksPath=/dev/null commit -m x",
    "git commit --no-verify -m 'skip the hooks'",
    "git commit -nm x",
    "git push --no-verify origin HEAD",
    "planscope use --clear",
    "planscope uninstall",
    "planscope status --write --base my-branch",
    "planscope plan-review plans/awards.yaml --record --approve",
    "planscope init --force",
    "python -m checker install",
    "dd if=x of=.git/config",
    # written the ways bash also reads them
    "echo x >& .git/hooks/pre-commit",
    "rm -rf .gi*/hooks",
    "echo x > $'.git/con\\x66ig'",
    'echo x > $".git/config"',
    "echo x > ~+/.git/hooks/pre-commit",
    "cp /tmp/evil ~0/.git/hooks/pre-commit",
    "echo x > $PWD/.git/config",
    "echo x > ${PWD}/.planscope.yaml",
    "echo x > $GIT_DIR/hooks/pre-commit",
    "cd ~- && echo x > hooks/pre-commit",
    "sed -i s/block/warn/ ~+/.planscope.yaml",
    "sed --in-place=.bak s/block/warn/ .planscope.yaml",
    "sed -Ei s/block/warn/ .planscope.yaml",
    "sed -ni s/block/warn/p .planscope.yaml",
    "perl -pi -e s/block/warn/ .planscope.yaml",
    "cp --target-directory=.git/hooks /tmp/pre-commit",
    "mv --target-directory=plans /tmp/wide.yaml",
    "mv /tmp/wide.yaml plans",
    "bash --norc -c 'echo x > .git/hooks/pre-commit'",
    "sh -e -o errexit -c 'echo x > .git/hooks/pre-commit'",
    "env -S \"sh -c 'echo x > .git/config'\"",
    "find .git/hooks -delete",
    "awk 'BEGIN{print 1 > \".git/config\"}'",
    "git commit --no-verif -m x",
    "git commit --no-v -m x",
    "git push --no-verif origin main",
    "GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.hooksPath GIT_CONFIG_VALUE_0=/dev/null git commit",
    "GIT_CONFIG_PARAMETERS=\"'core.hookspath'='/dev/null'\" git commit -m x",
    "export GIT_CONFIG_GLOBAL=/tmp/other",
    "git --config-env=core.hooksPath=HOME commit -m x",
    "git --config-env core.hooksPath=HOME commit -m x",
    "python3 -m checker use plans/awards.yaml#tables",
    "ln .git/hooks/pre-commit app/models/hook.py",
    # a second attack pass
    "eval 'git commit --no-verify -m x'",
    "$(echo git) commit --no-verify -m x",
    "`echo git` commit --no-verify -m x",
    "echo --no-verify | xargs git commit -m x",
    "echo 'git commit --no-verify -m x' | bash",
    "bash <<< 'echo x > .git/hooks/pre-commit'",
    "bash <<'EOF'\necho x > .git/hooks/pre-commit\nEOF",
    "python3 - <<'P'\nopen('.git/config', 'a').write('[core]\\n')\nP",
    "echo x 1<>.git/hooks/pre-commit",
    "exec 3<>.git/config",
    "sed -n 'w .git/hooks/pre-commit' /tmp/evil",
    "sed 's/block/warn/w .planscope.yaml' /tmp/cfg",
    "git -c alias.ci='commit --no-verify' ci -m x",
    "git -c include.path=/tmp/evil.cfg commit -m x",
    "HOME=/tmp/h git commit -m x",
    "XDG_CONFIG_HOME=/tmp/x git commit -m x",
    "XDG_STATE_HOME=/tmp/k git commit -m x",
    "PLANSCOPE_PLAN=plans/awards.yaml#views git commit -m x",
    "GIT_DIR=/tmp/other.git git commit -m x",
    "f=.git/hooks/pre-commit; cat /tmp/evil > $f",
    "cd $(git rev-parse --git-dir) && echo x > config",
    "echo x > $(git rev-parse --git-dir)/config",
    "echo x > \"$(git rev-parse --git-path hooks)/pre-commit\"",
    "curl -so .git/hooks/pre-commit file:///tmp/evil",
    "wget -O .git/hooks/pre-commit file:///tmp/evil",
    "git show HEAD:README.md | sort -o .planscope.yaml",
    "tar -C .git/hooks -xf /tmp/h.tar",
    "vim -es -c '%s/block/warn/' -c wq .planscope.yaml",
    "ed -s .planscope.yaml",
    "python3 -Im checker use plans/awards.yaml#views",
    "python -m checker.cli use plans/awards.yaml#views",
    "git checkout HEAD~0 -- .planscope.yaml",
    "git restore --source=HEAD~ .planscope.yaml",
    "git rm plans/awards.yaml",
    "git mv plans/awards.yaml plans/x.yaml",
    "echo x > $(echo .git)/config",
])
def test_shell_writes_to_the_gate_are_refused(wide: Repo, command: str) -> None:
    r = shell(wide, command)
    assert r.code == 2 and denial(r), (command, r.err)


@pytest.mark.parametrize("command", [
    "echo hi > notes.txt", "cat .git/config", "git config --get user.name", "git config -l",
    "git commit -m 'no skipping'", "ls -la > out.txt 2>&1", "pytest -q", "python3 -c 'print(1)'",
    "git log --oneline | head", "sed -n 1,5p .planscope.yaml",
    "planscope status plans/awards.yaml", "planscope check --staged", "planscope brief x",
    "planscope gap plans/awards.yaml#tables 'which table holds member ids?'",
    "echo x >&2", "make 2>&1 | tee build.log", "sed -e s/i/x/ notes.txt > out.txt",
    "git merge --no-verify-signatures side", "GIT_CONFIG_NOSYSTEM=1 git status",
    "echo x > $TMPDIR/log.txt", "cp a.txt ~+/docs/", "find . -name '*.pyc' -delete",
    "bash -c 'echo fine > notes.txt'",
    "out=$(mktemp); pytest -q > $out", "echo x > $(mktemp)", "cat <<'EOF' > notes.txt\nhi\nEOF",
    "python3 - <<'P'\nprint(1 > 0)\nP", "bash scripts/test.sh", "git checkout -b topic",
    "git rm -q --cached notes.txt", "curl -sSo out.json https://example.invalid/x",
    "sort -o sorted.txt notes.txt", "eval \"$(ssh-agent -s)\"",
])
def test_ordinary_shell_calls_pass(wide: Repo, command: str) -> None:
    r = shell(wide, command)
    assert r.code == 0, (command, r.err)


def test_codex_shell_workdir(wide: Repo) -> None:
    payload = {"hook_event_name": "PreToolUse", "tool_name": "shell", "cwd": "/",
               "tool_input": {"command": ["bash", "-lc", "echo x > hooks/pre-commit"],
                              "workdir": str(wide.path / ".git")}}
    r = wide.planscope("guard", stdin=json.dumps(payload))
    assert r.code == 2 and "the git " in denial(r)


def test_shell_reading_units() -> None:
    said = shellwrites.writes("a > b; c >> 'd e' && f 2>g | tee -a h i; j &> k")
    assert said.paths == ["b", "d e", "g", "h", "i", "k"]
    assert shellwrites.writes("echo 'unterminated > x").paths  # split at blanks: a name more
    assert shellwrites.writes("cd /x && mv a b").dirs == ["/x"]
    assert shellwrites.writes("cp -t dir a b").paths == ["dir", "dir/a", "dir/b"]
    assert shellwrites.writes("mv a b dir").paths == ["dir", "dir/a", "dir/b"]
    ansi_c = shellwrites.writes("echo x > $'a\\tb\\x41\\101\\u00e9\\cA'")
    assert ansi_c.paths == ["a\tbAA\u00e9\x01"]
    assert shellwords.tilde("~+/x", "/here", "/home/me") == "/here/x"
    assert shellwords.tilde("~0", "/here", "/home/me") == "/here"
    assert shellwords.tilde("~/x", "/here", "/home/me") == "/home/me/x"
    assert shellwords.tilde("~-/x", "/here", "/home/me") is None
    assert shellwords.tilde("~2", "/here", "/home/me") is None
    assert shellwords.tilde("~no-such-user-here/x", "/h", "/m") == "~no-such-user-here/x"
    assert shellwords.expanded("$HOME/x", "/here", "/home/me") == "/home/me/x"
    assert shellwords.expanded("$PWDX/y", "/here", "/home/me") == "$PWDX/y"
    assert shellwords.matches("*.txt", "/nonexistent-folder") == ["*.txt"]
    assert not shellwrites.writes("git config --get core.hooksPath").past_gate
    assert gatepaths.names_the_gate("import os; os.remove('.git/hooks/x')")
    assert not gatepaths.names_the_gate("print(open('.git/HEAD').read())")


def test_the_gate_is_matched_by_identity(tmp_path: Path) -> None:
    folder = tmp_path / "gitdir"
    folder.mkdir()
    gate = gatepaths.Gate(((str(folder), "the git directory"),), ())
    assert gate.holds(str(folder / "hooks" / "new")) == "the git directory"
    os.symlink(folder, tmp_path / "alias")
    assert gate.holds(str(tmp_path / "alias" / "config")) == "the git directory"
    assert gate.holds(str(tmp_path / "elsewhere")) is None


@pytest.mark.parametrize("command", ["echo x > .gi?/hooks/pre-commit",
                                     "cp /etc/hostname .gi[t]/hooks/pre-commit"])
def test_a_pattern_that_names_an_existing_hook(wide: Repo, command: str) -> None:
    """bash expands a pattern that matches (and keeps one that matches nothing as it is,
    which then writes nothing in the git directory)."""
    (wide.path / ".git/hooks/pre-commit").write_text("#!/bin/sh\n")
    r = shell(wide, command)
    assert r.code == 2 and "the git hooks folder" in denial(r), r.err


def test_bash_really_writes_what_the_guard_reads(tmp_path: Path) -> None:
    """The spellings the guard expands are the ones bash expands: run in bash, each writes
    the file the guard reads it as writing."""
    names = {"echo x >& .gi?/a": "a", "echo x > $'.git/b\\x63'": "bc",
             "echo x > ~+/.git/d": "d", "echo x > ~0/.git/e": "e",
             "bash --norc -c 'echo x > .git/f'": "f",
             "env -S \"sh -c 'echo x > .git/g'\"": "g"}
    (tmp_path / ".git").mkdir()
    for name in names.values():
        (tmp_path / ".git" / name).write_text("")
    for command, name in names.items():
        subprocess.run(["bash", "-c", command], cwd=tmp_path, check=True)
        assert (tmp_path / ".git" / name).read_text() == "x\n", command
        read = [os.path.normpath(os.path.join(tmp_path, n)) for w in
                shellwrites.writes(command).paths for n in shellwords.matches(
                    shellwords.expanded(w, str(tmp_path), "/nowhere") or "", tmp_path)]
        assert str(tmp_path / ".git" / name) in read, (command, read)


def test_a_hard_link_to_a_hook_is_the_hook(wide: Repo) -> None:
    hook = wide.path / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\nexit 1\n")
    linked = wide.path / "app/models/linked.py"
    os.link(hook, linked)  # made by a script the guard never saw
    for tool in ("Write", "Edit"):
        r = guard(wide, tool, linked)
        assert r.code == 2 and "hard link" in denial(r), r.err
    linked.unlink()
    assert guard(wide, "Write", linked).code == 0


@pytest.mark.parametrize("where", ["submodule", "nested", "outside"])
def test_the_git_directory_from_another_folder(wide: Repo, tmp_path: Path, where: str) -> None:
    """Codex names no project folder: the call may run in a submodule, a nested repository
    or a folder outside any; the project's git directory is refused all the same."""
    if where == "outside":
        cwd = tmp_path / "outside"
        cwd.mkdir()
    else:
        cwd = wide.path / "vendor" / where
        cwd.mkdir(parents=True)
        subprocess.run(["git", "init", "-q", str(cwd)], check=True)
    for name in (".git/hooks/pre-commit", ".git/config", ".git/planscope/active"):
        r = guard(wide, "Write", wide.path / name, cwd)
        assert r.code == 2 and "the git " in denial(r), (where, name, r.err)


@pytest.mark.parametrize(("folder", "name", "said"), [
    ("~+/.git", "hooks/pre-commit", "the git hooks folder"),
    ("~0/.git", "config", "the git directory"),
    ("~+", ".planscope.yaml", "decides what this work may touch"),
    ("~-", "config", "folder stack"),
])
def test_a_codex_patch_after_cd_to_a_tilde_folder(wide: Repo, folder: str, name: str,
                                                  said: str) -> None:
    patch = f"*** Begin Patch\n*** Add File: {name}\n+x\n*** End Patch\n"
    payload = {"hook_event_name": "PreToolUse", "tool_name": "exec_command",
               "cwd": str(wide.path),
               "tool_input": {"cmd": f"cd {folder} && apply_patch <<'EOF'\n{patch}EOF"}}
    r = wide.planscope("guard", stdin=json.dumps(payload))
    assert r.code == 2 and said in denial(r), r.err
