"""Click wiring of the commands that fold what work found back into a plan: ``planscope
widen`` (drift into the slice) and ``planscope gap`` (an open question under it)."""

from __future__ import annotations

from pathlib import Path

import click

from checker import options
from checker.output import emit
from checker.rules.config import Config


@click.command()
@click.argument("ref", metavar="PLAN#SLICE")
@click.option("--staged", "staged", is_flag=True, help="The staged changes.")
@click.option("--commit", "commit", metavar="REV", help="One commit.")
@click.option("--base", "base", metavar="REF", help="Every commit since the merge base with REF.")
@click.option("--write", is_flag=True, help="Edit the plan in place (else print the diff).")
@options.in_repo
def widen(root: Path, cfg: Config, ref: str, staged: bool, commit: str | None,
          base: str | None, write: bool) -> None:
    """Fold the paths a change drifted out of SLICE into its allow, each with the verdict's
    reason; print the plan's diff, or with --write edit it. Commit that on its own: a rules
    change, never part of the change it excuses."""
    from checker.commands.widen import widen as run

    target = options.target(staged, commit, None, base)
    if target is None:
        raise click.UsageError("name the change: --staged, --commit REV or --base REF")
    emit(run(root, cfg, ref, target, write))


@click.command()
@click.argument("ref", metavar="PLAN#SLICE")
@click.argument("text", metavar="TEXT")
@options.in_repo
def gap(root: Path, cfg: Config, ref: str, text: str) -> None:
    """Record where the plan is wrong or silent, under SLICE, instead of guessing: an open
    gap that status, pr-body, the brief and the checks of the slice show."""
    from checker.commands.gap import gap as run

    emit(run(root, cfg, ref, text))
