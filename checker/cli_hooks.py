"""Click wiring of ``planscope hook pre-commit | commit-msg | pre-push | pre-receive |
update``: the entries git, the pre-commit framework and a server run. ``checker.main`` runs
the first three command lines without click; click sees them only for ``--help`` and forms
``checker.main`` does not read."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from checker import options
from checker.output import emit


@click.group("hook")
def hook_group() -> None:
    """Entries run by git hooks and by .pre-commit-hooks.yaml; never interactive."""


@hook_group.command("pre-commit")
@options.hook
def hook_pre_commit(root: Path, plan_ref: str | None, no_verify: bool) -> None:
    """The staged changes against the slice of --plan, the active slice or the branch; it
    speaks only to refuse, and leaves the report to the commit-msg hook."""
    from checker.commands import hooks

    opts = options.hook_options(root, plan_ref, no_verify)
    emit(hooks.pre_commit(root, opts))


@hook_group.command("commit-msg")
@click.argument("message_file", metavar="[FILE]", required=False,
                type=click.Path(dir_okay=False, path_type=Path))
@options.hook
def hook_commit_msg(root: Path, message_file: Path | None, plan_ref: str | None,
                    no_verify: bool) -> None:
    """The staged changes against the slice named by the message's Plan: trailer (FILE: the
    message file git passes; default .git/COMMIT_EDITMSG)."""
    from checker.commands import hooks

    emit(hooks.commit_msg(root, message_file, options.hook_options(root, plan_ref, no_verify),
                          os.environ))


@hook_group.command("pre-push")
@click.argument("remote", required=False)
@click.argument("url", required=False)
@options.hook
def hook_pre_push(root: Path, remote: str | None, url: str | None,
                  plan_ref: str | None, no_verify: bool) -> None:
    """Every commit being pushed, each against its own Plan: trailer (the range from
    PRE_COMMIT_FROM_REF/PRE_COMMIT_TO_REF under the pre-commit framework, else git's lines on
    stdin)."""
    from checker.commands import pre_push

    opts = options.hook_options(root, plan_ref, no_verify)
    emit(pre_push.pre_push(root, remote, sys.stdin.buffer, os.environ, opts))


@hook_group.command("pre-receive")
@options.server_hook
def hook_pre_receive(plan_ref: str | None, no_verify: bool) -> None:
    """On a server: every pushed ref (git's 'OLD NEW REF' lines on stdin), its new commits
    judged by the rules of the receiving repository's default branch."""
    from checker.commands import receive

    where = receive.server_root(Path.cwd())
    emit(receive.pre_receive(where, sys.stdin.buffer,
                             options.hook_options(where, plan_ref, no_verify)))


@hook_group.command("update")
@click.argument("ref")
@click.argument("old")
@click.argument("new")
@options.server_hook
def hook_update(ref: str, old: str, new: str, plan_ref: str | None, no_verify: bool) -> None:
    """On a server: one pushed ref (git's update hook arguments), judged as pre-receive
    judges it."""
    from checker.commands import receive

    where = receive.server_root(Path.cwd())
    emit(receive.update(where, ref, old, new, options.hook_options(where, plan_ref,
                                                                    no_verify)))
