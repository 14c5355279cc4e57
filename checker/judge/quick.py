"""The pre-commit hook's quick answer: a commit that passes by the rules the last one passed
by passes without loading a plan.

After the pre-commit stage passes, ``hooks.pre_commit`` writes a ticket: what the answer
rested on (the staged config and plan files by blob id, the branch, the active slice, how
git compares names, the commit-msg hook, planscope's own code) and the rules it judged by,
in their plain-data form (``checker.rules.ruleset.RuleSet.to_data``). Its mode says what the
stage asked: ``slice`` (every path inside the claimed slices and outside every forbid) or
``forbids`` (no path forbidden: the commit-msg hook judges the claim). The next
``planscope hook pre-commit`` reads the ticket; when everything it rested on is unchanged
and the staged paths pass by the same rules, the commit passes and nothing more is
imported. The ticket is sealed (``checker.seal``): one planscope did not write on this
machine is not read. Anything else (no ticket, a merge, an amend, a staged plan or config
file, a path that does not pass, any git error) goes to the full check, which decides and
says why.

git is asked once for where the repository is, then three questions at once: the staged
change, the rule files' blob ids, the settings (name comparison, the hooks folder).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from checker.rules.ruleset import RuleSet

TICKET = "pre-commit-ticket.json"
RULE_FILES = (".planscope.yaml", "pyproject.toml")  # adoption.CONFIG_FILES
FORMAT = 2
_SETTINGS = r"^core\.(ignorecase|precomposeunicode|hookspath)$"
_DIFF = ("diff", "--no-color", "--no-ext-diff", "--no-relative", "--ignore-submodules=none",
         "--name-status", "-z", "-M", "--cached", "--")


def _start(top: str, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(("git", *args), cwd=top, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)


def _finish(proc: subprocess.Popen[bytes], ok: Sequence[int] = (0,)) -> bytes | None:
    out, _ = proc.communicate()
    return out if proc.returncode in ok else None


def _facts(cwd: str) -> tuple[str, str] | None:
    """(top folder, this work tree's git directory), or None outside a work tree."""
    try:
        out = subprocess.run(("git", "rev-parse", "--show-toplevel", "--absolute-git-dir"),
                             cwd=cwd, capture_output=True, check=False).stdout
    except OSError:
        return None
    lines = os.fsdecode(out).split("\n")
    return (lines[0], lines[1]) if len(lines) == 3 and lines[0] and lines[1] else None


def _listing(top: str, plans_dir: str) -> subprocess.Popen[bytes]:
    spec = "." if plans_dir in ("", ".") else plans_dir
    return _start(top, "ls-files", "-s", "-z", "--full-name", "--",
                  *(f":(top,literal){f}" for f in RULE_FILES), f":(top){spec}")


def _state(path: str) -> str | None:
    """A file the claim rests on: "" when absent, None when it cannot be read (the full
    check says why)."""
    try:
        with open(path, "rb") as fh:
            return fh.read().decode("latin-1")
    except FileNotFoundError:
        return ""
    except OSError:
        return None


def _hooks_dir(top: str, git_dir: str, settings: bytes) -> str:
    """Where git looks for hooks: ``core.hooksPath``, else the shared git directory's."""
    for item in settings.split(b"\0"):
        name, _, value = item.partition(b"\n")
        if name == b"core.hookspath" and value:
            return os.path.join(top, os.fsdecode(value))
    common = _state(os.path.join(git_dir, "commondir"))
    shared = os.path.join(git_dir, common.strip()) if common else git_dir
    return os.path.join(shared, "hooks")


def _key(top: str, git_dir: str, listing: bytes, settings: bytes,
         env: Mapping[str, str]) -> list[str] | None:
    """Everything the recorded answer rests on but the staged change; None when some of it
    cannot be told (the reftable format's HEAD placeholder, an unreadable active slice)."""
    from checker import __version__, stamp

    head = _state(os.path.join(git_dir, "HEAD"))
    active = _state(os.path.join(git_dir, "planscope", "active"))
    hook_path = os.path.join(_hooks_dir(top, git_dir, settings), "commit-msg")
    hook = _state(hook_path)
    if hook:  # whether git will run it counts too
        hook += f"\0{os.access(hook_path, os.X_OK)}"
    framework = _state(os.path.join(top, ".pre-commit-config.yaml"))
    if not head or ".invalid" in head or active is None or hook is None or framework is None:
        return None
    return [str(FORMAT), __version__, *stamp.modules(), listing.decode("latin-1"),
            settings.decode("latin-1"), head, active, env.get("PLANSCOPE_PLAN", ""), hook,
            framework]


def touched(out: bytes) -> list[str]:
    """The paths ``git diff --name-status -z`` names as ``scope.Touched`` counts them: both
    names of a rename, the new one of a copy (decoded like ``os.fsdecode``)."""
    fields = os.fsdecode(out).split("\0")
    paths: list[str] = []
    i = 0
    while i + 1 < len(fields):
        letter = fields[i][:1]
        if letter == "R":
            paths += fields[i + 1:i + 3]
            i += 3
        elif letter == "C":
            paths.append(fields[i + 2])
            i += 3
        else:
            paths.append(fields[i + 1])
            i += 2
    return paths


def passes(cwd: str, env: Mapping[str, str]) -> bool:
    """Whether the staged change passes by the ticket; False means: run the full check."""
    found = _facts(cwd)
    if found is None:
        return False
    top, git_dir = found
    ticket_text = _state(os.path.join(git_dir, "planscope", TICKET))
    if not ticket_text or os.path.exists(os.path.join(git_dir, "MERGE_HEAD")):
        return False
    from checker import seal

    ticket_data = seal.unseal(ticket_text.encode("latin-1"))
    if ticket_data is None:  # a ticket planscope did not write here
        return False
    try:
        ticket = json.loads(ticket_data)
        plans_dir = str(ticket["plans_dir"])
    except (ValueError, KeyError, TypeError):
        return False
    procs = (_start(top, *_DIFF), _listing(top, plans_dir),
             _start(top, "config", "-z", "--get-regexp", _SETTINGS))
    from checker.git import amend

    amending = amend.amending(top)
    diff, listing, settings = (_finish(procs[0]), _finish(procs[1]),
                               _finish(procs[2], (0, 1)))
    if amending or diff is None or listing is None or settings is None:
        return False
    key = _key(top, git_dir, listing, settings, env)
    if key is None or ticket.get("key") != key:
        return False
    return _passes(touched(diff), ticket, plans_dir)


def _passes(paths: Sequence[str], ticket: dict[str, Any], plans_dir: str) -> bool:
    """Whether every path passes by the rules the ticket holds (a ``RuleSet`` as data, read
    without building one: the quick path imports the matcher only)."""
    from checker.rules.globs import Matcher

    prefix = plans_dir.strip("/") + "/"
    if any(p in RULE_FILES or p.startswith(prefix) for p in paths):
        return False
    try:
        rules, mode = ticket["rules"], ticket["mode"]
        ignore_case, nfc = (bool(v) for v in rules["fold"])
        forbids = [Matcher([str(p) for p in group[3]], ignore_case=ignore_case, nfc=nfc)
                   for group in rules["forbids"]]
        allowed = Matcher([str(p) for p in rules["allowed"]], ignore_case=ignore_case, nfc=nfc)
    except (KeyError, TypeError, ValueError, IndexError):
        return False
    if mode not in ("slice", "forbids"):
        return False
    return all((mode == "forbids" or allowed.match(p)) and not any(f.match(p) for f in forbids)
               for p in paths)


def write(top: Path, git_dir: Path, plans_dir: str, env: Mapping[str, str],
          rules: RuleSet, mode: str) -> None:
    """Record a passing answer for the next commit (``passes``): the rules it passed by and
    what was asked of them (``slice``: inside the claimed slices; ``forbids``: no forbidden
    path). A ticket that cannot be written only costs the next commit the full check."""
    from checker import state

    listing = _finish(_listing(str(top), plans_dir))
    settings = _finish(_start(str(top), "config", "-z", "--get-regexp", _SETTINGS), (0, 1))
    key = _key(str(top), str(git_dir), listing, settings, env) \
        if listing is not None and settings is not None else None
    if key is None:
        return
    from checker import seal

    ticket = {"key": key, "plans_dir": plans_dir, "mode": mode, "rules": rules.to_data()}
    sealed = seal.seal(json.dumps(ticket).encode())
    if sealed is None:
        return
    with contextlib.suppress(OSError):
        state.atomic_write(git_dir / "planscope" / TICKET, sealed)
