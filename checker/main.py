"""The console script. The entries that run on every commit and push (``hook pre-commit``,
``hook commit-msg``, ``hook pre-push``, ``check [--staged | --commit REV]``) and on every
edit an agent makes (``guard``) are read here and run without importing click: on that path
its import cost more than the check. Any other command line, any option these forms do not know, and
``--help`` go to click (``checker.cli``), which owns the usage.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from checker.errors import Outcome

Call = Callable[[], "Outcome"]


def _options(args: Sequence[str], flags: set[str],
             takes_value: set[str]) -> tuple[dict[str, str | bool], list[str]] | None:
    """Options and arguments as click would read them; None for anything else."""
    found: dict[str, str | bool] = {}
    rest: list[str] = []
    words = iter(args)
    for word in words:
        name, eq, value = word.partition("=")
        if name in takes_value:
            if not eq:
                value = next(words, "")
                if not value or value.startswith("-"):
                    return None
            found[name] = value
        elif word in flags:
            found[word] = True
        elif word.startswith("-") or not word:
            return None
        else:
            rest.append(word)
    return found, rest


def _hook(args: Sequence[str]) -> Call | None:
    positional = {"pre-commit": 0, "commit-msg": 1, "pre-push": 2}  # FILE; REMOTE URL
    if not args or args[0] not in positional:
        return None
    parsed = _options(args[1:], {"--no-verify"}, {"--plan"})
    if parsed is None:
        return None
    found, rest = parsed
    if len(rest) > positional[args[0]] or (
            args[0] == "commit-msg" and rest and os.path.isdir(rest[0])):
        return None
    plan_ref = found.get("--plan")
    no_verify = bool(found.get("--no-verify"))

    def call() -> Outcome:
        from checker.commands import hooks
        from checker.git import repository
        from checker.judge import claims
        from checker.judge.pipeline import Options

        root = repository.repo_root()
        opts = Options(plan_ref=claims.command_line_ref(root, plan_ref if isinstance(
            plan_ref, str) else None), verify=not no_verify)
        if args[0] == "pre-commit":
            return hooks.pre_commit(root, opts)
        if args[0] == "pre-push":
            from checker.commands import pre_push

            remote = rest[0] if rest else None  # the URL git also passes is not needed
            return pre_push.pre_push(root, remote, sys.stdin.buffer, os.environ, opts)
        from pathlib import Path

        return hooks.commit_msg(root, Path(rest[0]) if rest else None, opts, os.environ)

    return call


def _check(args: Sequence[str]) -> Call | None:
    parsed = _options(args, {"--staged", "--no-verify", "--no-cache", "--all"},
                      {"--plan", "--format", "--commit"})
    if parsed is None or parsed[1] or parsed[0].get("--format", "text") not in ("text", "json"):
        return None
    found = parsed[0]
    if "--commit" in found and "--staged" in found:
        return None  # click says which one to choose

    def call() -> Outcome:
        from checker.commands import check
        from checker.git import repository
        from checker.judge.changes import Target
        from checker.judge.pipeline import Options

        plan_ref = found.get("--plan")
        opts = Options(plan_ref=plan_ref if isinstance(plan_ref, str) else None,
                       verify=not found.get("--no-verify"), no_cache=bool(found.get("--no-cache")))
        commit = found.get("--commit")
        target = Target("commit", commit) if isinstance(commit, str) else Target("staged")
        return check.check(repository.repo_root(), target, opts,
                           str(found.get("--format", "text")), every=bool(found.get("--all")))

    return call


def _guard(args: Sequence[str]) -> Call | None:
    """``guard [--deny-with exit-code|json]``: the agent's hook, on every edit it makes."""
    parsed = _options(args, set(), {"--deny-with"})
    if parsed is None or parsed[1] or parsed[0].get("--deny-with", "exit-code") not in (
            "exit-code", "json"):
        return None
    deny_with = str(parsed[0].get("--deny-with", "exit-code"))

    def call() -> Outcome:
        from checker.commands import guard

        return guard.from_stdin(sys.stdin, deny_with)

    return call


def fast(argv: Sequence[str]) -> Call | None:
    """The call for a command line this module runs itself; None for click's."""
    argv = list(argv)
    if argv[:1] == ["hook"]:
        return _hook(argv[1:])
    if argv[:1] == ["check"]:
        return _check(argv[1:])
    if argv[:1] == ["guard"]:
        return _guard(argv[1:])
    return None


def quick_pass(argv: Sequence[str]) -> bool:
    """Whether ``hook pre-commit`` passes by the ticket the last full check left
    (``checker.quick``), before anything else is imported."""
    if list(argv) != ["hook", "pre-commit"]:
        return False
    from checker.judge import quick

    try:
        return quick.passes(os.getcwd(), os.environ)
    except Exception:  # whatever it could not read, the full check reads and reports
        return False


def main() -> None:
    if quick_pass(sys.argv[1:]):
        sys.exit(0)
    call = fast(sys.argv[1:])
    if call is None:
        from checker.cli import main as cli

        cli(prog_name="planscope")
        return
    from checker import output
    from checker.git import process

    with process.remembered():  # a short run: git is asked each fixed question once
        outcome = output.guarded(call)
    output.emit(outcome)
