"""Click options that several commands share, and the decorator that finds the repository.

Only ``cli.py`` imports this module: commands take plain values, never click objects.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from checker.errors import BadInput
from checker.git import repository
from checker.judge import claims
from checker.judge.changes import Target
from checker.judge.pipeline import Options
from checker.rules import config

F = TypeVar("F", bound=Callable[..., Any])

PLAN_METAVAR = "PATH[#SLICE]"


def plan(help: str = "Check against this slice instead of the trailer or branch.") -> Callable[
        [F], F]:
    return click.option("--plan", "plan_ref", metavar=PLAN_METAVAR, help=help)


no_verify = click.option("--no-verify", is_flag=True,
                         help="Never ask the verification pass: drift blocks.")


def no_cache(help: str = "Ask the model again even when a cached answer exists.") -> Callable[
        [F], F]:
    return click.option("--no-cache", is_flag=True, help=help)


def output_format(*choices: str, help: str | None = None) -> Callable[[F], F]:
    return click.option("--format", "fmt", type=click.Choice(list(choices)), default=choices[0],
                        show_default=True, help=help)


def targets(func: F) -> F:
    """``--staged`` (the default), ``--commit REV``, ``--range A..B``, ``--base REF``."""
    for option in reversed((
        click.option("--staged", "staged", is_flag=True,
                     help="The staged changes (the default)."),
        click.option("--commit", "commit", metavar="REV",
                     help="One commit, against its first parent."),
        click.option("--range", "rev_range", metavar="A..B", help="Each commit in A..B."),
        click.option("--base", "base", metavar="REF",
                     help="Each commit since the merge base with REF."),
    )):
        func = option(func)
    return func


def target(staged: bool, commit: str | None, rev_range: str | None,
           base: str | None) -> Target | None:
    """The one target the options name; None when none is given (the caller's default)."""
    chosen = [(k, v) for k, v in (("commit", commit), ("range", rev_range), ("base", base)) if v]
    if len(chosen) + staged > 1:
        raise BadInput("use only one of --staged, --commit, --range, --base")
    if staged:
        return Target("staged")
    return Target(*chosen[0]) if chosen else None


def in_repo(func: F) -> F:
    """Call the command with ``root`` (the repository's top folder) and ``cfg`` (its config)
    as keyword arguments."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        root = repository.repo_root()
        return func(*args, root=root, cfg=config.load(root), **kwargs)

    return wrapper  # type: ignore[return-value]


# --- options of one command, kept here so that cli.py stays a list of commands ------------

GITHUB_HELP = ("github: annotations, step summary and outputs for the GitHub Action; without "
               "--base (or --range), the base comes from the pull_request/merge_group event.")

rules_from = click.option(
    "--rules-from", type=click.Choice(["base", "worktree"]), default="base", show_default=True,
    help="With --base: read the config and the plans from REF, as the pull request check does "
         "(base), or from the working tree, to try rules you have not merged yet (worktree).")
every = click.option(
    "--all", "every", is_flag=True,
    help="List every drifted path (text); by default a change drifting more than 50 paths "
         "lists the first 20 and counts the rest.")
deny_with = click.option(
    "--deny-with", type=click.Choice(["exit-code", "json"]), default="exit-code",
    show_default=True,
    help="How a refusal is signalled: exit 2 with the reason on stderr (the JSON decision also "
         "on stdout), or exit 0 with the JSON decision, for Claude Code builds that do not "
         "honour exit 2.")
claude_code = click.option(
    "--claude-code", is_flag=True,
    help="Only add the edit-time guard to .claude/settings.json (Claude Code PreToolUse "
         "hook), keeping every other setting.")
codex = click.option(
    "--codex", is_flag=True,
    help="Only add the edit-time guard to .codex/hooks.json (Codex PreToolUse hook), keeping "
         "every other setting. Codex then asks you to trust it (/hooks).")
reviewers = click.option(
    "--reviewer", "reviewer_specs", multiple=True, metavar="NAME=PROVIDER:MODEL",
    help="A reviewer (repeat it; replaces review.plan.reviewers): "
         "opus=anthropic:claude-opus-5-5, or local=command:./my-judge --json.")
record = click.option(
    "--record", is_flag=True,
    help="Append the reviews to the plan's reviews: list, keeping the rest of the file as "
         "written.")


def with_root(func: F) -> F:
    """Call the command with ``root`` (the repository's top folder) as a keyword argument;
    the command reads its rules itself."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, root=repository.repo_root(), **kwargs)

    return wrapper  # type: ignore[return-value]


def hook(func: F) -> F:
    """The options every ``planscope hook`` entry takes, and the repository: hooks read the
    rules that will be committed (the index) or pushed, not the working tree's."""
    for option in (with_root, no_verify, plan()):
        func = option(func)
    return func


def server_hook(func: F) -> F:
    """The options of a server hook entry: no work tree (a bare repository) to read."""
    for option in (no_verify, plan()):
        func = option(func)
    return func


def hook_options(root: Path, plan_ref: str | None, no_verify: bool) -> Options:
    return Options(plan_ref=claims.command_line_ref(root, plan_ref), verify=not no_verify)


def run_options(func: F) -> F:
    """``planscope run``: the command, --stop-on, --quiet-after, --no-verify."""
    for option in reversed((
        click.argument("command", nargs=-1, type=click.UNPROCESSED, metavar="-- COMMAND..."),
        click.option("--stop-on", type=click.Choice(["forbidden", "drift", "gap", "never"]),
                     default="forbidden", show_default=True,
                     help="End the executor when it changes a forbidden path, any path outside "
                          "the slice, records a gap in the plan (planscope gap), or never."),
        click.option("--quiet-after", type=click.FloatRange(min=1), default=30.0,
                     show_default=True, metavar="SECONDS",
                     help="Say what the executor is doing after this long without output."),
        click.option("--no-verify", is_flag=True,
                     help="At the end, report drift without asking the verification pass."),
    )):
        func = option(func)
    return func


def stats_options(func: F) -> F:
    """``planscope stats``: which commits, which groups, which format."""
    for option in reversed((
        click.option("--base", metavar="REF", help="The commits since the merge base with REF."),
        click.option("--range", "rev_range", metavar="A..B", help="The commits of A..B."),
        click.option("--since", metavar="DATE", help="Only commits since DATE (git's --since)."),
        click.option("--plan", "plan_path", metavar="PLAN",
                     help="Only the commits claiming PLAN."),
        click.option("--by", type=click.Choice(["plan", "slice", "executor", "author", "week"]),
                     default="plan", show_default=True, help="One row per plan, slice, ..."),
        output_format("text", "json", "csv", "github",
                      help="github: the table in the job summary too."),
        click.option("--html", "html_to", metavar="FILE",
                     type=click.Path(dir_okay=False, path_type=Path),
                     help="Write one self-contained HTML report with charts."),
    )):
        func = option(func)
    return func


def status_options(func: F) -> F:
    """``planscope status``: which plan, which commits, where landed work is."""
    for option in reversed((
        click.argument("plan_path", metavar="[PLAN]", required=False),
        click.option("--range", "rev_range", metavar="A..B",
                     help="Commits to read (default: every commit on the current branch)."),
        click.option("--base", metavar="REF",
                     help="Where landed work is (default: the default branch, origin/HEAD)."),
        click.option("--write", is_flag=True,
                     help="Record landed slices (and finished plans) as 'status: done'."),
        output_format("text", "json"),
    )):
        func = option(func)
    return func


def trace_options(func: F) -> F:
    """``planscope trace``: FILE[:LINE] or --commit, and how far to look."""
    for option in reversed((
        click.argument("target", required=False, metavar="FILE[:LINE]"),
        click.option("--commit", "rev", metavar="REV", help="Trace one commit instead of a file."),
        click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True,
                     help="With FILE: the newest N commits that touched it."),
        click.option("--follow/--no-follow", default=True, show_default=True,
                     help="With FILE: follow the file across renames."),
        click.option("--pr-body", "pr_body", type=click.File("r"), metavar="FILE",
                     help="A pull request body whose 'Plan:' lines claim commits with no "
                          "trailer (a squash merge); - reads stdin."),
        output_format("text", "json"),
    )):
        func = option(func)
    return func


def review_options(func: F) -> F:
    """``planscope review``: which change, against which slice, in which format."""
    for option in reversed((
        click.option("--base", "base", metavar="REF",
                     help="The changes since the merge base with REF."),
        click.option("--range", "rev_range", metavar="A..B", help="The whole diff of A..B."),
        plan("Review against this slice instead of the commits' trailers or the branch."),
        no_cache(),
        output_format("text", "json", "github", help=GITHUB_HELP),
        click.option("--record", "record_it", is_flag=True,
                     help="Append the model's review to the plan's reviews: list, keeping the "
                          "rest of the file as written."),
    )):
        func = option(func)
    return func


def plan_review_options(func: F) -> F:
    """``planscope plan-review``: the reviewers, --record, --approve."""
    for option in reversed((
        reviewers, record,
        click.option("--approve", is_flag=True,
                     help="With --record: set a draft (or a plan under review) to approved "
                          "when every reviewer scored at least handoff.min_confidence and no "
                          "wrong assumption a slice relies on, nor a blocking finding, is left "
                          "unsigned (else exit 1)."),
        click.option("--override", metavar="REASON",
                     help="With --approve: a person signs the findings off and approves, "
                          "whatever the scores; recorded with your git identity and the time."),
        no_cache("Ask the reviewers again even when cached reviews exist."),
        output_format("text", "json"),
    )):
        func = option(func)
    return func


def check_options(func: F) -> F:
    """``planscope check``: the target, the slice, the pass, the format."""
    for option in reversed((
        targets, plan(), no_verify,
        no_cache("Ask the verification pass again even when a cached verdict exists."),
        output_format("text", "json", "github", help=GITHUB_HELP), rules_from, every,
    )):
        func = option(func)
    return func
