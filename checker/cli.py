"""The command line: click wiring only. Each command calls one function of ``checker.commands``
and ``emit`` prints the ``Outcome`` it returns; every error goes through ``Planscope.invoke``
to ``output.failure``. The ``planscope hook`` entries are wired in ``checker.cli_hooks``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from checker import __version__, cli_hooks, cli_plans, options
from checker.errors import BadInput
from checker.judge import pipeline
from checker.judge.changes import Target
from checker.output import emit, failure
from checker.rules.config import Config


class Planscope(click.Group):
    """Every error of every command goes to ``output.failure``: one format, its exit code,
    never a traceback (a usage error is bad input, with ``--help`` as its hint)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else "planscope"
            emit(failure(BadInput(exc.format_message(), f"{where} --help")))
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            emit(failure(exc))


@click.group(cls=Planscope, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="planscope")
def main() -> None:
    """Keep changes inside the plan slice they claim."""


@main.command()
@click.argument("plans", nargs=-1, metavar="[PLAN]...")
@click.option("--against", metavar="REV", help="Also lint the plans against this revision's files.")
@options.in_repo
def validate(root: Path, cfg: Config, plans: tuple[str, ...], against: str | None) -> None:
    """Check plans: schema, slice ids, dependencies, globs; with --against, the repo's files.

    Exit 0 valid, 1 valid but disagreeing with the repo, 2 invalid.
    """
    from checker.commands.validate import validate as run

    emit(run(root, cfg, plans, against))


@main.command()
@options.check_options
def check(staged: bool, commit: str | None, rev_range: str | None, base: str | None,
          plan_ref: str | None, no_verify: bool, no_cache: bool, fmt: str,
          rules_from: str, every: bool) -> None:
    """Check that changes touch only the paths of the slice they claim.

    Exit 0 in scope, 1 drift or forbidden path, 2 bad input, 3 verification unavailable.
    """
    from checker.commands import check as command
    from checker.git import repository

    target = options.target(staged, commit, rev_range, base)
    opts = pipeline.Options(plan_ref=plan_ref, verify=not no_verify, no_cache=no_cache)
    if fmt == "github":  # the Action: base from the event, plans from the base commit
        emit(command.check_github(target, opts, os.environ))
    emit(command.check(repository.repo_root(), target or Target("staged"), opts, fmt,
                       rules_from, every))


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@options.plan("Explain against this slice instead of the active slice or the branch's.")
@options.output_format("text", "json")
@options.in_repo
def explain(root: Path, cfg: Config, paths: tuple[str, ...], plan_ref: str | None,
            fmt: str) -> None:
    """Why each path is in scope, drift, forbidden or exempt: the deciding pattern and where
    it is written. Paths need not exist."""
    from checker.commands.explain import explain as run

    emit(run(root, cfg, paths, plan_ref, fmt))


main.add_command(cli_hooks.hook_group)
main.add_command(cli_plans.widen)
main.add_command(cli_plans.gap)


@main.command()
@options.deny_with
def guard(deny_with: str) -> None:
    """Claude Code and Codex PreToolUse hook: refuse an edit outside the active slice.

    Reads the hook's JSON on stdin. Exit 0 allowed, 2 refused (the reason on stderr goes to
    the agent), 1 the input or the plan could not be read (a non-blocking error: the edit
    goes ahead). Codex's apply_patch is read file by file; other shell commands and tools
    are not parsed.
    """
    from checker.commands import guard as command

    emit(command.from_stdin(sys.stdin, deny_with))


@main.command()
@click.argument("ref", metavar="[PLAN#SLICE]", required=False)
@click.option("--clear", is_flag=True, help="Forget the active slice.")
@options.in_repo
def use(root: Path, cfg: Config, ref: str | None, clear: bool) -> None:
    """Set the slice the edit-time guard checks edits against (.git/planscope/active).

    Without arguments, print the active slice. PLANSCOPE_PLAN, when set, takes precedence.
    """
    from checker.commands.use import use as run

    emit(run(root, cfg, ref, clear, os.environ))


@main.command()
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@options.claude_code
@options.codex
def init(force: bool, claude_code: bool, codex: bool) -> None:
    """Write .planscope.yaml, an example plan and the plan schema; print the hook snippets."""
    from checker.commands.init import init as run
    from checker.git import repository

    emit(run(repository.repo_root(), force, claude_code, codex))


@main.command()
@click.argument("title")
@click.option("--slices", default=1, show_default=True, help="Number of empty slices.")
@click.option("--id", "plan_id", metavar="ID", help="Plan id (default: from the title).")
@options.in_repo
def new(root: Path, cfg: Config, title: str, slices: int, plan_id: str | None) -> None:
    """Start a draft plan from a template: plans/<id>.yaml."""
    from checker.commands.new import new as run

    emit(run(root, cfg, title, plan_id, slices))


@main.command("pr-body")
@click.argument("refs", nargs=-1, required=True, metavar="PLAN#SLICE...")
@click.option("--base", metavar="REF", help="Add what the change since the merge base with "
              "REF did against the slices, as check --base judges it.")
@options.in_repo
def pr_body(root: Path, cfg: Config, refs: tuple[str, ...], base: str | None) -> None:
    """Markdown for a pull request description (pipe to `gh pr create --body-file -`), ending
    with a Plan: trailer per slice: a squash commit made from it keeps every claim."""
    from checker.commands.pr_body import pr_body as run

    emit(run(root, cfg, refs, base))


@main.command()
@click.argument("ref", metavar="PLAN#SLICE")
@options.output_format("md", "json")
@click.option("--write", "write_to", metavar="FILE",
              help="Keep the brief in FILE (AGENTS.md, CLAUDE.md...) between its markers, "
                   "leaving the rest of the file as it is.")
@options.in_repo
def brief(root: Path, cfg: Config, ref: str, fmt: str, write_to: str | None) -> None:
    """The executor's brief from a slice: what to build, the files, the tests, what never to
    touch, the rules and the Plan: trailer."""
    from checker.commands.brief import run

    emit(run(root, cfg, ref, fmt, write_to))


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("ref", metavar="PLAN#SLICE")
@options.run_options
@options.in_repo
def run(root: Path, cfg: Config, ref: str, command: tuple[str, ...], stop_on: str,
        quiet_after: float, no_verify: bool) -> None:
    """Run any executor with the slice active (PLANSCOPE_PLAN, and its brief in the file
    PLANSCOPE_BRIEF names): say at once when it changes a path outside the slice, stop it on
    a forbidden one, say what it is doing when it goes quiet, and check its changes at the
    end. Exit: the executor's code when it failed, else the check's."""
    from checker.commands.run import RunOptions
    from checker.commands.run import run as execute

    emit(execute(root, cfg, RunOptions(ref, command, stop_on, quiet_after, not no_verify),
                 os.environ))


@main.command()
@options.status_options
@options.in_repo
def status(root: Path, cfg: Config, plan_path: str | None, rev_range: str | None,
           base: str | None, write: bool, fmt: str) -> None:
    """Per slice: planned files touched and untouched, drift, the commits that claim it, and
    whether it has landed on the default branch."""
    from checker.commands.status import status as run

    emit(run(root, cfg, plan_path, rev_range, fmt, base, write))


@main.command()
@options.stats_options
@options.in_repo
def stats(root: Path, cfg: Config, base: str | None, rev_range: str | None,
          since: str | None, plan_path: str | None, by: str, fmt: str,
          html_to: Path | None) -> None:
    """Scope discipline over history: per plan, slice, executor, author or week, the paths
    changed in scope, drifted, forbidden or judged incidental, commits with no claim and plan
    edits after the plan's first claimed commit. Recomputed from git; no model is asked."""
    from checker.commands.stats import run

    emit(run(root, cfg, base, rev_range, since, plan_path, by, fmt, html_to, os.environ))


@main.command()
@options.trace_options
@options.in_repo
def trace(root: Path, cfg: Config, target: str | None, rev: str | None, limit: int,
          follow: bool, pr_body: Any, fmt: str) -> None:
    """From a line (FILE:LINE, through git blame), a file's history or a commit to the plan,
    slice, section and the assumptions the slice relies on."""
    from checker.commands.trace import trace as run

    emit(run(root, cfg, target, rev, limit=limit, follow=follow,
             pr_body=pr_body.read() if pr_body is not None else None, fmt=fmt))


@main.command()
@click.option("--offline", is_flag=True, help="Skip the API reachability check.")
def doctor(offline: bool) -> None:
    """Check git, config, plans, hooks, API key and API reachability; each line with its fix."""
    from checker.commands.doctor import doctor as run

    emit(run(None, offline, lambda line: click.echo(line, err=True)))


@main.command()
@click.option("--hooks-path", is_flag=True,
              help="Copy the hooks into .git/planscope/hooks and point core.hooksPath there.")
def install(hooks_path: bool) -> None:
    """Install the plain git hooks (pre-commit, commit-msg, pre-push).

    A hook planscope did not write is never overwritten: install refuses and says why.
    """
    from checker.commands import install as command
    from checker.git import repository

    emit(command.install(repository.repo_root(), hooks_path))


@main.command()
def uninstall() -> None:
    """Remove the hooks planscope installed (and core.hooksPath if it set it)."""
    from checker.commands import install as command
    from checker.git import repository

    emit(command.uninstall(repository.repo_root()))


@main.command()
@options.review_options
def review(base: str | None, rev_range: str | None, plan_ref: str | None, no_cache: bool,
           fmt: str, record_it: bool) -> None:
    """A model's review of a change's whole diff against its slice, with local facts.

    Without --base or --range: the last commit. Exit 0 matches the plan, 1 a blocker or does
    not match, 2 bad input, 3 the model could not be asked (verify.on_error: fail).
    """
    from checker.commands.review import review as run
    from checker.git import repository

    emit(run(repository.repo_root(), base, rev_range, plan_ref, no_cache, fmt, os.environ,
             record_it))


@main.command("plan-review")
@click.argument("plan_path", metavar="PLAN")
@options.plan_review_options
@options.in_repo
def plan_review(root: Path, cfg: Config, plan_path: str, reviewer_specs: tuple[str, ...],
                record: bool, approve: bool, override: str | None, no_cache: bool,
                fmt: str) -> None:
    """Blind reviewers each give a confidence that PLAN is ready: ready, not ready, disagree.

    The plan is linted against HEAD first; a plan that misreads the repository is not ready
    and no model is asked. Exit 0 ready, 1 not ready or disagree (or --approve refused), 2 bad
    input, 3 a reviewer could not be asked (verify.on_error: fail).
    """
    from checker.commands.plan_review import plan_review as run
    from checker.judge.claims import repo_relative

    emit(run(root, cfg, repo_relative(root, plan_path), reviewer_specs, record, no_cache, fmt,
             approve, override))
