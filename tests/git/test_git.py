"""The git layer (checker/gitio.py) on real repositories: names survive, user config cannot
change what is read, trailers, branches, files at a revision."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from checker.errors import BadInput
from checker.git import blobs, diffs, messages, messagetext, process, repository, revs
from checker.git.formats import Change
from checker.model import hunks
from checker.rules.scope import Touched
from tests.conftest import Repo


def test_staged_in_an_unborn_repository(repo: Repo) -> None:
    repo.write("a.py")
    repo.git("add", "a.py")
    assert diffs.staged(repo.path) == [Change("A", "a.py")]


def test_hard_names_survive(repo: Repo) -> None:
    names = ["with space.py", "ünï/cödé.py", "new\nline.py", '-dash "quote".py', "tab\there.py"]
    for n in names:
        repo.write(n)
    repo.git("add", "-A")
    assert sorted(c.path for c in diffs.staged(repo.path)) == sorted(names)


def test_quotepath_config_does_not_change_names(repo: Repo) -> None:
    repo.git("config", "core.quotePath", "true")
    repo.git("config", "diff.noprefix", "true")
    repo.git("config", "color.ui", "always")
    repo.git("config", "diff.relative", "true")
    repo.write("dir/ü.py")
    repo.git("add", "-A")
    assert diffs.staged(repo.path) == [Change("A", "dir/ü.py")]


def test_non_utf8_name_round_trips(repo: Repo) -> None:
    name = os.fsdecode(b"caf\xe9.txt")
    (repo.path / name).write_text("x")
    repo.git("add", "-A")
    (change,) = diffs.staged(repo.path)
    assert os.fsencode(change.path) == b"caf\xe9.txt"


def test_rename_delete_binary(repo: Repo) -> None:
    repo.write("old/name.py", "line\n" * 20)
    repo.write("gone.py")
    repo.commit("init")
    (repo.path / "new").mkdir()
    repo.git("mv", "old/name.py", "new/name.py")
    repo.git("rm", "-q", "gone.py")
    (repo.path / "logo.png").write_bytes(bytes(range(256)) * 4)
    repo.git("add", "-A")
    changes = sorted(diffs.staged(repo.path), key=lambda c: c.path)
    assert changes == [
        Change("D", "gone.py"),
        Change("A", "logo.png"),
        Change("R", "new/name.py", "old/name.py"),
    ]
    assert changes[2].paths == ("old/name.py", "new/name.py")
    assert diffs.changed_lines(repo.path, cached=True) is None  # a binary file is there


def test_submodule_pointer_is_a_path(repo: Repo, tmp_path: Path) -> None:
    sub = Repo(tmp_path / "sub")
    sub.path.mkdir()
    sub.git("init", "-q")
    sub.write("lib.py")
    sub.commit("lib")
    repo.git(
        "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub.path), "vendor/lib"
    )
    assert {c.path for c in diffs.staged(repo.path)} == {".gitmodules", "vendor/lib"}


def test_root_commit_and_merge(repo: Repo) -> None:
    repo.write("a.py")
    root = repo.commit("root")
    assert revs.log(repo.path, "-1", root)[0].parents == ()
    assert diffs.diff(repo.path, repository.empty_tree(repo.path), root) == [Change("A", "a.py")]
    repo.git("checkout", "-q", "-b", "side")
    repo.write("side.py")
    repo.commit("side")
    repo.git("checkout", "-q", "main")
    repo.write("main.py")
    repo.commit("main")
    repo.git("merge", "-q", "--no-edit", "side")
    merge = revs.log(repo.path, "-1", "HEAD")[0]
    assert len(merge.parents) == 2
    assert diffs.diff(repo.path, merge.parents[0], merge.sha) == [Change("A", "side.py")]


def test_log_reads_plan_trailers_oldest_first(repo: Repo) -> None:
    repo.commit("one", plan="plans/a.yaml#x")
    repo.git(
        "commit", "-q", "--allow-empty", "-m", "two\n\nBody.\n\nplan: none\nSigned-off-by: T <t@x>"
    )
    repo.git(
        "commit", "-q", "--allow-empty", "-m", "three\n\nPlan: in the body is no trailer\nmore"
    )
    commits = revs.log(repo.path, "HEAD")
    assert [c.subject for c in commits] == ["one", "two", "three"]
    assert [c.plan_trailers for c in commits] == [("plans/a.yaml#x",), ("none",), ()]


MESSAGES = [
    "Subject\n\nBody\n\nPlan: plans/a.yaml#s\n",
    "fixup! Add\nlib\n\nPlan: plans/wide.yaml#all\n",  # a subject of two lines
    "This reverts commit 1234567.\n\nbody\n",  # named in the subject: not a revert
    "Revert \"x\"\n\nThis reverts commit 1234567.\n",
    "Sub\x1fject\x1e\n\nPlan: plans/wide.yaml#all\x1f\nPlan:\n",  # separators, empty value
    "Views\n\nPlan: plans/awards.yaml#tables\n +views\nplan:  plans/b.yaml#y  \n",
    "  \n\nfixup! Add  \n  lib\t\nmore\n\nbody\n",
    "a\x0b\x0c\x1c \n b\x0b\n\x0b\n\nbody",  # white space to Python, not to git
]


@pytest.mark.parametrize("message", MESSAGES)
def test_a_message_reads_the_same_in_the_hook_and_in_the_log(repo: Repo, message: str) -> None:
    """What the commit-msg hook reads of a message (its trailers, its subject, the commit it
    reverts) is what ``git log`` gives for the commit made from it."""
    path = repo.path / "message"
    path.write_text(message)
    repo.git("commit", "-q", "--allow-empty", "--cleanup=verbatim", "-F", str(path))
    (commit,) = revs.log(repo.path, "-1", "HEAD")
    assert commit.plan_trailers == messages.trailer_values(repo.path, message, "Plan")
    assert commit.subject == repo.git("log", "-1", "--format=%s").rstrip("\n")
    assert commit.subject == messagetext.split_message(message)[0]
    assert commit.reverts == messagetext.reverted(message)


def test_hostile_messages_are_read_field_by_field(repo: Repo) -> None:
    for message in MESSAGES:
        (repo.path / "message").write_text(message)
        repo.git("commit", "-q", "--allow-empty", "--cleanup=verbatim", "-F", "message")
    commits = revs.log(repo.path, "HEAD")[-len(MESSAGES):]
    assert [c.reverts for c in commits] == [None, None, None, "1234567", None, None, None, None]
    assert commits[4].plan_trailers == ("plans/wide.yaml#all\x1f", "")
    assert commits[5].plan_trailers == ("plans/awards.yaml#tables +views", "plans/b.yaml#y")


def test_errors_are_one_line(repo: Repo, tmp_path: Path) -> None:
    with pytest.raises(process.GitError, match=r"^unknown revision 'HEAD' \(not a commit"):
        revs.rev_parse(repo.path, "HEAD")
    with pytest.raises(process.GitError, match=r"^not a revision: --all"):
        revs.rev_parse(repo.path, "--all")
    with pytest.raises(process.GitError, match=r"^not inside a git repository"):
        repository.repo_root(tmp_path)


def test_current_branch(repo: Repo) -> None:
    repo.commit("one")
    assert repository.current_branch(repo.path) == "main"
    repo.git("checkout", "-q", "--detach")
    assert repository.current_branch(repo.path) is None


def test_git_show_at_a_revision(awards: Repo) -> None:
    from checker.git import process, repository

    sha = awards.git("rev-parse", "HEAD").strip()
    assert blobs.show(awards.path, sha, "README.md") == b"# app\n"
    assert blobs.show(awards.path, sha, "nope.txt") is None
    with pytest.raises(process.GitError, match="unknown revision"):
        blobs.show(awards.path, "f" * 40, "README.md")
    awards.write("latin1.txt", "")
    (awards.path / "latin1.txt").write_bytes(b"caf\xe9\n")
    second = awards.commit("bytes", plan="none")
    with pytest.raises(BadInput, match=r"latin1\.txt \(at [0-9a-f]{9}\): not UTF-8 text"):
        blobs.show_text(awards.path, second, "latin1.txt", 100)
    with pytest.raises(BadInput, match="larger than the 3 allowed"):
        blobs.show_text(awards.path, second, "README.md", 3)
    assert blobs.files_under(awards.path, second, "plans") == ["plans/awards.yaml"]
    assert blobs.files_under(awards.path, second, "none") == []
    assert not repository.is_shallow(awards.path)
    assert repository.shallow_boundary(awards.path) == set()


def test_comment_char_from_config(repo: Repo) -> None:
    text = "Subject\n\n# not a comment\nPlan: x\n; a comment\n"
    assert messages.comment_prefix(repo.path, text) == "#"
    repo.git("config", "core.commentChar", ";")
    assert messages.comment_prefix(repo.path, text) == ";"
    repo.git("config", "core.commentChar", "auto")
    assert messages.comment_prefix(repo.path, text) == ";"  # the char git's comments start with


def test_staged_hunks_and_the_shared_git_dir(awards: Repo, tmp_path: Path) -> None:
    awards.write("README.md", "# app\nstaged line\n")
    awards.git("add", "README.md")
    awards.write("README.md", "# app\nstaged line\nnot staged\n")
    (readme,) = hunks.collect(awards.path, (), True, [Touched("README.md", "M")], (), 10_000)
    assert readme.text is not None and "+staged line" in readme.text
    assert "not staged" not in readme.text
    main_git = (awards.path / ".git").resolve()
    assert repository.common_dir(awards.path) == main_git
    awards.git("worktree", "add", "-q", str(tmp_path / "wt"))
    assert repository.common_dir(tmp_path / "wt") == main_git  # one cache for every worktree


def test_log_changes_is_diff_commit_by_commit_in_one_process(repo: Repo) -> None:
    """Names that look like a status field or a log record, renames, a root commit, an empty
    commit and a merge: one ``git log`` gives what ``git diff`` gives for each commit."""
    sha_like = "0" * 40 + "\x1fsubject"
    names = ["M", "R100", "A", sha_like, "line\nbreak", "tab\tname", "\x1e", "plain.txt"]
    for name in names:
        repo.write(name, "x\n")
    repo.commit("root", *names, plan="none")
    repo.git("mv", "plain.txt", "renamed.txt")
    repo.write("M", "changed\n")
    repo.git("rm", "-q", "R100")
    repo.commit("mixed", "M", plan="none")
    repo.git("commit", "-q", "--allow-empty", "--no-verify", "-m", "empty")
    repo.git("switch", "-q", "-c", "side")
    repo.write("side.txt", "s\n")
    repo.commit("side", "side.txt", plan="none")
    repo.git("switch", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "merge", "side")
    commits = revs.log(repo.path, "HEAD")
    known = revs.log_changes(repo.path, [c.sha for c in commits])
    assert len(commits) == 5 and len(known) == 4  # the merge is left to checker.merges
    for c in commits:
        if len(c.parents) > 1:
            assert c.sha not in known
            continue
        assert known[c.sha] == diffs.diff(repo.path, revs.commit_base(repo.path, c), c.sha)
    mixed = next(c for c in commits if c.subject == "mixed")
    assert [ch.status for ch in known[mixed.sha]].count("R") == 1
    assert revs.log_changes(repo.path, []) == {}


def test_facts_from_a_subfolder_and_a_linked_worktree(repo: Repo, tmp_path: Path) -> None:
    repo.write("sub/deep/a.py")
    repo.commit("init")
    found = repository.facts(repo.path / "sub" / "deep")
    assert found == repository.Facts(repo.path, repo.path / ".git", repo.path / ".git",
                                     repo.path / ".git/hooks")
    repo.git("worktree", "add", "-q", "-b", "side", str(tmp_path / "wt"))
    linked = repository.facts(tmp_path / "wt" / "sub")
    assert linked.top == tmp_path / "wt"
    assert linked.git_dir == repo.path / ".git" / "worktrees" / "wt"
    assert linked.common_dir == repo.path / ".git"
    assert repository.current_branch(tmp_path / "wt") == "side"
    branch = repo.git("symbolic-ref", "--short", "HEAD").strip()
    assert repository.current_branch(repo.path) == branch


def test_facts_outside_a_repository(tmp_path: Path) -> None:
    with pytest.raises(process.GitError, match="not inside a git repository"):
        repository.facts(tmp_path)
    assert repository.locate(tmp_path) is None


@pytest.mark.parametrize("branch", ["main", "feature/x", "plan/p/s", "naïve"])
def test_current_branch_read_from_head(repo: Repo, branch: str) -> None:
    repo.git("checkout", "-q", "-b", branch)
    assert repository.current_branch(repo.path) == branch  # unborn: no commit yet
    repo.write("a.py")
    repo.commit("one")
    assert repository.current_branch(repo.path) == branch
    repo.git("checkout", "-q", "--detach")
    assert repository.current_branch(repo.path) is None


def test_current_branch_asks_git_for_a_head_it_cannot_read(repo: Repo) -> None:
    repo.write("a.py")
    repo.commit("one")
    repo.git("symbolic-ref", "HEAD", "refs/remotes/origin/x")
    assert repository.current_branch(repo.path) == repo.git(
        "symbolic-ref", "--quiet", "--short", "HEAD").strip()
