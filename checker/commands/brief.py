"""``planscope brief PLAN#SLICE``: the executor's brief, printed or kept in a file's section."""

from __future__ import annotations

import os
from pathlib import Path

from checker import errors, files, state
from checker.agents import brief
from checker.errors import BadInput, Outcome
from checker.rules.book import Rulebook
from checker.rules.config import Config


def build(root: Path, config: Config, ref: str) -> brief.Brief:
    return brief.for_slice(root, Rulebook(root, config=config), ref)


def _target(target: Path, name: str) -> tuple[Path, str]:
    """(the file a write really lands in, what it holds now), or BadInput saying why
    nothing will be written there."""
    try:
        real = target.resolve()  # a link (CLAUDE.md -> AGENTS.md) stays a link
    except (OSError, RuntimeError) as exc:  # a loop of links
        raise BadInput(f"{name}: cannot follow its links ({exc}); nothing was written") from None
    if not real.parent.is_dir():
        raise BadInput(f"{name}: the folder {real.parent} does not exist; nothing was written")
    if not real.exists():
        return real, ""
    if not real.is_file():
        raise BadInput(f"{name}: not a regular file; nothing was written")
    if not real.stat().st_mode & 0o222:
        raise BadInput(f"{name}: the file is read-only; nothing was written")
    try:
        return real, files.read(real, name).decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(f"{name}: not UTF-8 text; nothing was written") from None


def write(target: Path, name: str, section: str) -> str:
    """Keep ``section`` in ``target`` between the brief markers; what was done. Links stay
    links (a hard-linked file is rewritten in place, any other replaced whole), the mode
    stays; a missing folder is not created and a read-only file is not replaced."""
    real, text = _target(target, name)
    try:
        new, done = brief.replace_section(text, section)
    except ValueError as exc:
        raise BadInput(f"{name}: {exc}; nothing was written") from None
    if done == "unchanged":
        return done
    try:
        if real.exists() and real.stat().st_nlink > 1:  # a hard link: every name sees it
            with open(real, "w", encoding="utf-8", newline="") as fh:
                fh.write(new)
        else:  # whole or not at all, with the mode it had
            mode = real.stat().st_mode & 0o7777 if real.exists() else 0o644
            state.atomic_write(real, new.encode("utf-8"), mode=mode)
    except OSError as exc:
        raise BadInput(f"{name}: cannot write: {exc.strerror or exc}") from None
    return done


def run(root: Path, config: Config, ref: str, fmt: str, write_to: str | None) -> Outcome:
    b = build(root, config, ref)
    if write_to is None:
        return Outcome(errors.OK, brief.to_json(b) if fmt == "json" else brief.markdown(b))
    if fmt == "json":
        raise BadInput("--write keeps a Markdown section: it does not take --format json")
    done = write(Path(os.path.abspath(write_to)), write_to, brief.markdown(b))
    return Outcome.of(errors.OK, [f"planscope: brief of {b.ref} {done} in {write_to}"
                                  if done != "added" else
                                  f"planscope: brief of {b.ref} added to {write_to}"])
