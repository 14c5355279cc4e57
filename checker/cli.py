"""Command line: parse options, call one function, print, exit with its code. No logic."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from checker import __version__, config, errors, gitio
from checker.errors import PlanscopeError

if TYPE_CHECKING:
    from checker.plan import Plan, Slice

F = TypeVar("F", bound=Callable[..., Any])


def _fail_cleanly(func: F) -> F:
    """PlanscopeError → its message on stderr, one line per problem, and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PlanscopeError as exc:
            for line in str(exc).splitlines():
                click.echo(f"planscope: {line}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


def _repo_relative(root: Path, name: str) -> str:
    path = Path(name)
    absolute = path if path.is_absolute() else Path.cwd() / path
    try:
        return absolute.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise errors.BadInput(f"{name}: not inside the repository {root}") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="planscope")
def main() -> None:
    """Keep changes inside the plan slice they claim."""


@main.command()
@click.argument("plans", nargs=-1, metavar="[PLAN]...")
@click.option("--against", metavar="REV", help="Also lint the plans against this revision's files.")
@_fail_cleanly
def validate(plans: tuple[str, ...], against: str | None) -> None:
    """Check plans: schema, slice ids, dependencies, globs; with --against, the repo's files.

    Exit 0 valid, 1 valid but disagreeing with the repo, 2 invalid.
    """
    from checker.validate import validate as run_validate

    root = gitio.repo_root()
    cfg = config.load(root)
    result = run_validate(root, cfg, [_repo_relative(root, p) for p in plans], against)
    for p in result.valid:
        click.echo(f"{p.path}: ok ({len(p.slices)} slice{'s' * (len(p.slices) != 1)})")
    for line in result.findings:
        click.echo(line)
    for line in result.errors:
        click.echo(f"planscope: {line}", err=True)
    sys.exit(result.exit_code)


@main.command()
@click.option("--staged", "kind", flag_value="staged", default=True,
              help="The staged changes (the default).")
@click.option("--commit", "commit", metavar="REV", help="One commit, against its first parent.")
@click.option("--range", "rev_range", metavar="A..B", help="Each commit in A..B.")
@click.option("--base", "base", metavar="REF", help="Each commit since the merge base with REF.")
@click.option("--plan", "plan_ref", metavar="PATH[#SLICE]",
              help="Check against this slice instead of the trailer or branch.")
@click.option("--no-verify", is_flag=True, help="Never ask the verification pass: drift blocks.")
@click.option("--no-cache", is_flag=True,
              help="Ask the verification pass again even when a cached verdict exists.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True,
              help="github: annotations, step summary and outputs for the GitHub Action; "
                   "without --base, the base comes from the pull_request/merge_group event.")
@_fail_cleanly
def check(kind: str, commit: str | None, rev_range: str | None, base: str | None,
          plan_ref: str | None, no_verify: bool, no_cache: bool, fmt: str) -> None:
    """Check that changes touch only the paths of the slice they claim.

    Exit 0 in scope, 1 drift or forbidden path, 2 bad input, 3 verification unavailable.
    """
    from checker import check as check_mod
    from checker import report

    chosen = [(k, v) for k, v in (("commit", commit), ("range", rev_range), ("base", base)) if v]
    if len(chosen) > 1:
        raise errors.BadInput("use only one of --staged, --commit, --range, --base")
    if fmt == "github":  # the Action: base from the event, plans from the base commit
        from checker import github

        opts = check_mod.Options(plan_ref=plan_ref, verify=not no_verify, no_cache=no_cache)
        sys.exit(github.main(check_mod.Target(*chosen[0]) if chosen else None, opts, click.echo))
    target = check_mod.Target(*chosen[0]) if chosen else check_mod.Target(kind)
    root = gitio.repo_root()
    cfg = config.load(root)
    opts = check_mod.Options(plan_ref=plan_ref, verify=not no_verify, no_cache=no_cache)
    results = check_mod.run(root, cfg, target, opts)
    code = check_mod.exit_code(results)
    if fmt == "json":
        per_commit = target.kind in ("range", "base") and plan_ref is None
        click.echo(report.to_json(results, code, per_commit))
    else:
        out, err = report.to_text(results)
        if out:
            click.echo(out)
        if err:
            click.echo(err, err=True)
    sys.exit(code)


@main.command()
@click.option("--deny-with", type=click.Choice(["exit-code", "json"]), default="exit-code",
              show_default=True,
              help="How a refusal is signalled: exit 2 with the reason on stderr (the JSON "
                   "decision also on stdout), or exit 0 with the JSON decision, for Claude Code "
                   "builds that do not honour exit 2.")
def guard(deny_with: str) -> None:
    """Claude Code PreToolUse hook: refuse an edit outside the active slice.

    Reads the hook's JSON on stdin. Exit 0 allowed, 2 refused (the reason on stderr goes to
    the agent), 1 the input or the plan could not be read (a non-blocking error: the edit
    goes ahead). Bash and other tools are not parsed.
    """
    from checker import guard as guard_mod

    if sys.stdin.isatty():
        click.echo("planscope guard: reads a Claude Code PreToolUse hook's JSON on stdin; "
                   "install it with `planscope init --claude-code`", err=True)
        sys.exit(guard_mod.ERROR)
    outcome = guard_mod.run(sys.stdin.buffer.read(), deny_with=deny_with)
    if outcome.stdout:
        click.echo(outcome.stdout, nl=False)
    if outcome.stderr:
        click.echo(outcome.stderr, nl=False, err=True)
    sys.exit(outcome.code)


@main.command()
@click.argument("ref", metavar="PLAN#SLICE", required=False)
@click.option("--clear", is_flag=True, help="Forget the active slice.")
@_fail_cleanly
def use(ref: str | None, clear: bool) -> None:
    """Set the slice the edit-time guard checks edits against (.git/planscope/active).

    Without arguments, print the active slice. PLANSCOPE_PLAN, when set, takes precedence.
    """
    import os

    from checker import guard as guard_mod

    root = gitio.repo_root()
    if clear:
        if ref is not None:
            raise errors.BadInput("use takes PLAN#SLICE or --clear, not both")
        previous = guard_mod.clear_active(root)
        click.echo(f"cleared the active slice ({previous})" if previous else "no active slice")
        return
    if ref is None:
        click.echo(guard_mod.current_active(root) or "no active slice")
    else:
        plan, slice_ = _plan_and_slice(root, ref)
        guard_mod.set_active(root, f"{plan.path}#{slice_.id}")
        click.echo(f"active slice: {plan.path}#{slice_.id} ({slice_.title})")
    if os.environ.get(guard_mod.ENV_PLAN, "").strip():
        click.echo(f"note: {guard_mod.ENV_PLAN} is set in this environment and takes precedence",
                   err=True)


@main.command()
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.option("--claude-code", is_flag=True,
              help="Only add the edit-time guard to .claude/settings.json (Claude Code "
                   "PreToolUse hook), keeping every other setting.")
@_fail_cleanly
def init(force: bool, claude_code: bool) -> None:
    """Write .planscope.yaml, an example plan and the plan schema; print the hook snippets."""
    from checker import templates

    root = gitio.repo_root()
    if claude_code:
        from checker import guard as guard_mod

        path, changed = guard_mod.install_claude_hook(root)
        rel = path.relative_to(root).as_posix()
        click.echo(f"added the PreToolUse hook '{guard_mod.COMMAND}' to {rel}" if changed
                   else f"{rel} already runs '{guard_mod.COMMAND}'; nothing changed")
        return
    for rel in templates.init(root, config.Config(), force):
        click.echo(f"wrote {rel}")
    click.echo("\nAdd the hooks to .pre-commit-config.yaml:\n")
    click.echo(templates.PRE_COMMIT_SNIPPET)
    click.echo("And check pull requests with the GitHub Action:\n")
    click.echo(templates.WORKFLOW_SNIPPET, nl=False)


@main.command()
@click.argument("title")
@click.option("--slices", default=1, show_default=True, help="Number of empty slices.")
@click.option("--id", "plan_id", metavar="ID", help="Plan id (default: from the title).")
@_fail_cleanly
def new(title: str, slices: int, plan_id: str | None) -> None:
    """Start a draft plan from a template: plans/<id>.yaml."""
    from checker import templates

    root = gitio.repo_root()
    click.echo(templates.write_new(root, config.load(root), title, plan_id, slices))


def _plan_and_slice(root: Path, ref: str) -> tuple[Plan, Slice]:
    from checker import resolve

    path, _, slice_id = ref.partition("#")
    plans = resolve.Plans(root, config.load(root))
    plan = plans.get(_repo_relative(root, path), "the command line")
    return plan, resolve.select_slices(plan, slice_id or None)[0]


@main.command("pr-body")
@click.argument("ref", metavar="PLAN#SLICE")
@_fail_cleanly
def pr_body(ref: str) -> None:
    """Markdown for a pull request description (pipe to `gh pr create --body-file -`)."""
    from checker import prbody

    root = gitio.repo_root()
    plan, slice_ = _plan_and_slice(root, ref)
    click.echo(prbody.render(plan, slice_), nl=False)


@main.command()
@click.argument("plan_path", metavar="[PLAN]", required=False)
@click.option("--range", "rev_range", metavar="A..B",
              help="Commits to read (default: every commit on the current branch).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@_fail_cleanly
def status(plan_path: str | None, rev_range: str | None, fmt: str) -> None:
    """Per slice: planned files touched and untouched, drift, and the commits that claim it."""
    import json

    from checker import plan as plan_mod
    from checker import resolve
    from checker import status as status_mod

    root = gitio.repo_root()
    cfg = config.load(root)
    plans = resolve.Plans(root, cfg)
    rels = ([_repo_relative(root, plan_path)] if plan_path
            else plan_mod.plan_files(root, cfg.plans_dir))
    has_head = gitio.has_commits(root)
    commits = gitio.log(root, rev_range or "HEAD") if has_head or rev_range else []
    report = []
    for rel in rels:
        p = plans.get(rel, "the command line" if plan_path else cfg.plans_dir)
        report.append((p, status_mod.plan_status(root, p, commits, cfg.always_allow)))
    if fmt == "json":
        click.echo(json.dumps({"plans": [status_mod.to_json(p, st) for p, st in report]},
                              indent=2))
    elif plan_path:
        click.echo("\n".join(status_mod.detail_lines(*report[0])))
    else:
        click.echo("\n".join(status_mod.summary_line(p, st) for p, st in report)
                   or f"no plans in {cfg.plans_dir}/")


@main.command()
@click.argument("path", required=False)
@click.option("--commit", "rev", metavar="REV", help="Trace one commit instead of a path.")
@_fail_cleanly
def trace(path: str | None, rev: str | None) -> None:
    """Which commits touched PATH, under which plan, slice, section and assumption."""
    from checker import resolve
    from checker import trace as trace_mod

    if (path is None) == (rev is None):
        raise errors.BadInput("trace takes a PATH or --commit REV")
    root = gitio.repo_root()
    plans = resolve.Plans(root, config.load(root))
    if rev is not None:
        traces = [trace_mod.trace_commit(plans, rev)]
    else:
        assert path is not None
        traces = trace_mod.trace_path(plans, _repo_relative(root, path))
    click.echo("\n".join(trace_mod.lines(traces)) or f"{path}: no commit touched it")


@main.command()
@click.option("--offline", is_flag=True, help="Skip the API reachability check.")
def doctor(offline: bool) -> None:
    """Check git, config, plans, hooks, API key and API reachability; each line with its fix."""
    from checker import doctor as doctor_mod

    failed = False
    for line in doctor_mod.run(None, offline, click.echo):
        click.echo(str(line))
        failed = failed or line.level == "FAIL"
    sys.exit(errors.BAD_INPUT if failed else errors.OK)


# --- git hooks (DESIGN §8): entries for .pre-commit-hooks.yaml and hooks/ ---------------

def _hook_exit(outcome: Any) -> None:
    for line in outcome.out:
        click.echo(line)
    for line in outcome.err:
        click.echo(line, err=True)
    sys.exit(outcome.code)


def _hook_options(func: F) -> F:
    func = click.option("--no-verify", is_flag=True,
                        help="Never ask the verification pass: drift blocks.")(func)
    func = click.option("--plan", "plan_ref", metavar="PATH[#SLICE]",
                        help="Check against this slice instead of the trailer or branch.")(func)
    return func


@main.group("hook")
def hook_group() -> None:
    """Entries run by git hooks and by .pre-commit-hooks.yaml; never interactive."""


@hook_group.command("pre-commit")
@_hook_options
@_fail_cleanly
def hook_pre_commit(plan_ref: str | None, no_verify: bool) -> None:
    """The staged changes against the slice of --plan or the branch.

    With neither, it defers to the commit-msg hook (one line, exit 0).
    """
    from checker import check as check_mod
    from checker import hooks

    root = gitio.repo_root()
    opts = check_mod.Options(plan_ref=plan_ref, verify=not no_verify)
    _hook_exit(hooks.pre_commit(root, config.load(root), opts))


@hook_group.command("commit-msg")
@click.argument("message_file", metavar="[FILE]", required=False,
                type=click.Path(dir_okay=False, path_type=Path))
@_hook_options
@_fail_cleanly
def hook_commit_msg(message_file: Path | None, plan_ref: str | None, no_verify: bool) -> None:
    """The staged changes against the slice named by the message's Plan: trailer.

    FILE is the message file git passes (default: .git/COMMIT_EDITMSG).
    """
    import os

    from checker import check as check_mod
    from checker import hooks

    root = gitio.repo_root()
    opts = check_mod.Options(plan_ref=plan_ref, verify=not no_verify)
    _hook_exit(hooks.commit_msg(root, config.load(root), message_file, opts, os.environ))


@hook_group.command("pre-push")
@click.argument("remote", required=False)
@click.argument("url", required=False)
@_hook_options
@_fail_cleanly
def hook_pre_push(remote: str | None, url: str | None, plan_ref: str | None,
                  no_verify: bool) -> None:
    """Every commit being pushed, each against its own Plan: trailer.

    Reads PRE_COMMIT_FROM_REF/PRE_COMMIT_TO_REF when the pre-commit framework sets them,
    else git's '<local ref> <local sha> <remote ref> <remote sha>' lines on stdin.
    """
    import os

    from checker import check as check_mod
    from checker import hooks

    root = gitio.repo_root()
    opts = check_mod.Options(plan_ref=plan_ref, verify=not no_verify)
    stdin = sys.stdin.buffer if sys.stdin is not None else None
    _hook_exit(hooks.pre_push(root, config.load(root), remote, stdin, os.environ, opts))


@main.command()
@click.option("--hooks-path", is_flag=True,
              help="Copy the hooks into .git/planscope/hooks and point core.hooksPath there.")
@_fail_cleanly
def install(hooks_path: bool) -> None:
    """Install the plain git hooks (pre-commit, commit-msg, pre-push).

    A hook planscope did not write is never overwritten: install refuses and says why.
    """
    from checker import install as install_mod

    _hook_exit(install_mod.install(gitio.repo_root(), hooks_path))


@main.command()
@_fail_cleanly
def uninstall() -> None:
    """Remove the hooks planscope installed (and core.hooksPath if it set it)."""
    from checker import install as install_mod

    _hook_exit(install_mod.uninstall(gitio.repo_root()))


# --- reviews: the diff against its slice, and the plan before it is built ---------------

@main.command()
@click.option("--base", "base", metavar="REF", help="The changes since the merge base with REF.")
@click.option("--range", "rev_range", metavar="A..B", help="The whole diff of A..B.")
@click.option("--plan", "plan_ref", metavar="PATH[#SLICE]",
              help="Review against this slice instead of the commits' trailers or the branch.")
@click.option("--no-cache", is_flag=True, help="Ask the model again even when a cached "
                                               "review exists.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True,
              help="github: annotations, step summary and outputs; without --base/--range, "
                   "the base comes from the pull_request/merge_group event.")
@_fail_cleanly
def review(base: str | None, rev_range: str | None, plan_ref: str | None, no_cache: bool,
           fmt: str) -> None:
    """A model's review of a change's whole diff against its slice, with local facts.

    Without --base or --range: the last commit. Exit 0 matches the plan, 1 a blocker or does
    not match, 2 bad input, 3 the model could not be asked (verify.on_error: fail).
    """
    import os

    from checker import review as review_mod

    root = gitio.repo_root()
    cfg, target, plans_rev = review_mod.setup(root, base, rev_range,
                                              os.environ if fmt == "github" else None)
    result = review_mod.run(root, cfg, target, plan_ref, no_cache=no_cache, plans_rev=plans_rev)
    if fmt == "json":
        click.echo(review_mod.to_json(result))
    elif fmt == "github":
        review_mod.write_github(result, os.environ, click.echo)
    else:
        out, err = review_mod.to_text(result)
        click.echo(out)
        if err:
            click.echo(err, err=True)
    sys.exit(result.exit_code)


@main.command("plan-review")
@click.argument("plan_path", metavar="PLAN")
@click.option("--reviewer", "reviewer_specs", multiple=True, metavar="NAME=PROVIDER:MODEL",
              help="A reviewer (repeat it; replaces review.plan.reviewers): "
                   "opus=anthropic:claude-opus-5-5, or local=command:./my-judge --json.")
@click.option("--record", is_flag=True,
              help="Append the reviews to the plan's reviews: list, keeping the rest of the "
                   "file as written.")
@click.option("--no-cache", is_flag=True, help="Ask the reviewers again even when cached "
                                               "reviews exist.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@_fail_cleanly
def plan_review(plan_path: str, reviewer_specs: tuple[str, ...], record: bool, no_cache: bool,
                fmt: str) -> None:
    """Blind reviewers each give a confidence that PLAN is ready: ready, not ready, disagree.

    The plan is linted against HEAD first; a plan that misreads the repository is not ready
    and no model is asked. Exit 0 ready, 1 not ready or disagree, 2 bad input, 3 a reviewer
    could not be asked (verify.on_error: fail).
    """
    from checker import planreview

    root = gitio.repo_root()
    cfg = config.load(root)
    reviewers = [planreview.parse_reviewer(s, cfg.verify.command) for s in reviewer_specs]
    outcome = planreview.run(root, cfg, _repo_relative(root, plan_path), reviewers,
                             no_cache=no_cache)
    if record and outcome.recordable:
        planreview.record(root, outcome)
    if fmt == "json":
        click.echo(planreview.to_json(outcome))
    else:
        out, err = planreview.to_text(outcome)
        click.echo(out)
        if err:
            click.echo(err, err=True)
    sys.exit(outcome.exit_code)
