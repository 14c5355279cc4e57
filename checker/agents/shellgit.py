"""What a git command line in a shell call does to the gate
(``checker.agents.shellwrites``): settings that run other hooks or commands (``-c
core.hooksPath``, aliases, includes), ``git config`` that sets a value, ``--no-verify`` in
any abbreviation git accepts (``git commit -n``), and the files ``checkout``, ``restore``,
``rm`` and ``mv`` write back."""

from __future__ import annotations

_NO_VERIFY = frozenset({"commit", "push", "merge", "cherry-pick", "revert", "rebase", "am",
                        "pull"})
_CONFIG_WRITES = frozenset({"--unset", "--unset-all", "--add", "--replace-all", "--edit", "-e",
                            "--rename-section", "--remove-section"})
_GIT_PATHS = frozenset({"checkout", "restore", "rm", "mv"})
_UNSAFE_KEYS = ("core.hookspath", "alias.", "include.", "includeif.")
_READS_ONLY = frozenset({"--get", "--get-all", "--get-regexp", "--list", "-l", "--show-origin",
                         "--show-scope", "--get-urlmatch", "--get-color", "--get-colorbool"})


def read(args: list[str]) -> tuple[list[str], list[str]]:
    """(the files ``git ARGS`` writes, why it gets past the gate) as far as its text says."""
    paths: list[str] = []
    past_gate: list[str] = []
    i = 0
    while i < len(args) and args[i].startswith("-"):  # git's own options
        if args[i] in ("-c", "--config-env") and i + 1 < len(args):
            if args[i + 1].lower().startswith(_UNSAFE_KEYS):
                past_gate.append(f"`git {args[i]} {args[i + 1].split('=')[0][:40]}=...` "
                                 f"can run other hooks or commands")
            i += 2
        elif args[i].lower().startswith(tuple(f"--config-env={k}" for k in _UNSAFE_KEYS)):
            past_gate.append("`git --config-env=...` can run other hooks or commands")
            i += 1
        elif args[i] in ("-C", "--git-dir", "--work-tree", "--namespace") and i + 1 < len(args):
            i += 2
        else:
            i += 1
    if i >= len(args):
        return paths, past_gate
    sub, rest = args[i], args[i + 1:]
    values = [a for a in rest if not a.startswith("-")]
    if sub in _GIT_PATHS:  # the files it writes back (or removes, or moves)
        paths += rest[rest.index("--") + 1:] if "--" in rest else values
    if sub == "config" and (any(a in _CONFIG_WRITES for a in rest) or (
            not any(a in _READS_ONLY for a in rest) and len(values) >= 2)):
        past_gate.append("`git config` writes git's config, which holds the hooks path")
    elif sub in _NO_VERIFY and (any(_no_verify(a) for a in rest) or (sub == "commit" and any(
            a.startswith("-") and not a.startswith("--") and "n" in a[1:] for a in rest))):
        past_gate.append(f"`git {sub} --no-verify` skips planscope's hooks")
    return paths, past_gate


def _no_verify(arg: str) -> bool:
    """``--no-verify`` or an abbreviation git takes for it (``--no-verif``, ``--no-v``)."""
    arg = arg.split("=", 1)[0]
    return len(arg) >= len("--no-v") and "--no-verify".startswith(arg)
