"""Command line: parse options, call one function, print, exit with its code. No logic."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from checker import __version__, config, errors, gitio
from checker.errors import PlanscopeError

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
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@_fail_cleanly
def check(kind: str, commit: str | None, rev_range: str | None, base: str | None,
          plan_ref: str | None, no_verify: bool, fmt: str) -> None:
    """Check that changes touch only the paths of the slice they claim.

    Exit 0 in scope, 1 drift or forbidden path, 2 bad input, 3 verification unavailable.
    """
    from checker import check as check_mod
    from checker import report

    chosen = [(k, v) for k, v in (("commit", commit), ("range", rev_range), ("base", base)) if v]
    if len(chosen) > 1:
        raise errors.BadInput("use only one of --staged, --commit, --range, --base")
    target = check_mod.Target(*chosen[0]) if chosen else check_mod.Target(kind)
    root = gitio.repo_root()
    cfg = config.load(root)
    opts = check_mod.Options(plan_ref=plan_ref, verify=not no_verify)
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
