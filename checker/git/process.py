"""Running git: the one runner (GitError with git's first error line), the answers a short
run asks twice given once, and the config overrides planscope run's own git calls carry."""


from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from checker.errors import BadInput


class GitError(BadInput):
    """git failed or the repository is not in a state we can read."""


# Questions whose answer a short run may keep (``remembered``): they read objects, refs or
# history and write nothing. A pre-push of 100 commits asked 31 times, 12 of them again.
_KEPT = frozenset({"rev-parse", "ls-tree", "cat-file", "symbolic-ref", "log", "merge-base",
                   "for-each-ref"})


def run(root: Path | None, *args: str, stdin: bytes | None = None,
        ok: Sequence[int] = (0,), env: Mapping[str, str] | None = None) -> bytes:
    """Run ``git args`` in ``root`` (``env``: variables added to this process's); an exit
    code not in ``ok`` raises GitError with git's first error line. Inside ``remembered``,
    a read-only question (``_KEPT``) asked again is answered from the first time."""
    if _MEMO is None or env is not None or not _kept(args):
        return _run(root, args, stdin, ok, env)
    key = (root, (*args, "\0", *map(str, ok)), stdin)
    if key not in _MEMO:
        try:
            _MEMO[key] = _run(root, args, stdin, ok, env)
        except GitError as exc:
            _MEMO[key] = exc
    found = _MEMO[key]
    if isinstance(found, GitError):
        raise found
    return found


def _kept(args: Sequence[str]) -> bool:
    return bool(args) and (args[0] in _KEPT or (
        args[0] == "config" and ("--get" in args or "--get-regexp" in args)))


def _run(root: Path | None, args: Sequence[str], stdin: bytes | None, ok: Sequence[int],
         env: Mapping[str, str] | None) -> bytes:
    try:
        proc = subprocess.run(
            ("git", *args),
            cwd=root,
            input=stdin,
            capture_output=True,
            check=False,
            env=None if env is None else {**os.environ, **env},
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    if proc.returncode not in ok:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = lines[0] if lines else f"exit code {proc.returncode}"
        raise GitError(f"git {args[0]}: {reason.removeprefix('fatal: ')}")
    return proc.stdout


_MEMO: dict[tuple[Path | None, tuple[str, ...], bytes | None], bytes | GitError] | None = None


@contextlib.contextmanager
def remembered() -> Iterator[None]:
    """Within it, ``run`` asks git each read-only question once: for the hooks, the guard and
    ``check --staged`` (``checker.main``), runs too short for the repository to change
    under them. Outside it (every other command, and any library call) nothing is kept."""
    global _MEMO
    outer, _MEMO = _MEMO, {}
    try:
        yield
    finally:
        _MEMO = outer


# What an executor could set in the repository's config to make git overlook its changes
# (a file restored to its size and time, an fsmonitor hook that runs its own code and
# answers "nothing changed"): planscope run's own git calls override it.
WATCHFUL = (("core.fsmonitor", "false"), ("core.checkStat", "default"),
            ("core.trustctime", "true"), ("core.untrackedCache", "false"),
            ("core.ignoreStat", "false"))


def watchful_config(env: Mapping[str, str]) -> dict[str, str]:
    """Environment entries (``GIT_CONFIG_COUNT``/``KEY``/``VALUE``, git 2.31 and later) that
    add ``WATCHFUL`` after any the caller already has."""
    try:
        count = int(env.get("GIT_CONFIG_COUNT", "0"))
    except ValueError:
        count = 0
    out = {"GIT_CONFIG_COUNT": str(count + len(WATCHFUL))}
    for i, (key, value) in enumerate(WATCHFUL, start=count):
        out[f"GIT_CONFIG_KEY_{i}"], out[f"GIT_CONFIG_VALUE_{i}"] = key, value
    return out
