"""``git check-ignore`` as the judge of glob matching: a scratch repository whose
.gitignore holds the patterns under test."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

from checker.rules.globs import Matcher


class Git:
    """A scratch repository whose .gitignore holds the patterns under test."""

    def __init__(self, root: Path) -> None:
        self.root = root / "repo"
        home = root / "home"
        home.mkdir()
        (home / "gitconfig").write_text("")
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=str(home / "gitconfig"),
                   HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), LC_ALL="C")
        self.env = env
        subprocess.run(["git", "init", "-q", str(self.root)], env=env, check=True)
        (self.root / ".git" / "info" / "exclude").unlink(missing_ok=True)
        version = subprocess.run(["git", "version"], env=env, capture_output=True, text=True,
                                 check=True).stdout
        major, minor = (int(n) for n in re.findall(r"\d+", version)[:2])
        self.version = (major, minor)

    def check(self, patterns: Sequence[str], paths: Sequence[str], *,
              ignore_case: bool = False) -> list[tuple[bool, int | None]]:
        """Per path: whether git says it is ignored, and the line number of the pattern that
        decided (a negated one included), or None when no pattern matched."""
        assert not any("\n" in p for p in patterns), "a .gitignore line cannot hold a newline"
        assert all(p and not p.endswith("/") for p in paths), "file paths only"
        (self.root / ".gitignore").write_bytes(b"".join(os.fsencode(p) + b"\n" for p in patterns))
        proc = subprocess.run(
            ["git", "-c", "core.quotepath=off", "-c", f"core.ignorecase={str(ignore_case).lower()}",
             "check-ignore", "--no-index", "-v", "-n", "-z", "--stdin"],
            input=b"".join(os.fsencode(p) + b"\0" for p in paths),
            cwd=self.root, env=self.env, capture_output=True, check=False)
        assert proc.returncode in (0, 1), proc.stderr.decode(errors="replace")
        fields = proc.stdout.split(b"\0")
        answers = []
        for i, path in enumerate(paths):
            _source, line, pattern, named = fields[4 * i : 4 * i + 4]
            assert os.fsdecode(named) == path
            answers.append((bool(line) and not pattern.startswith(b"!"),
                            int(line) if line else None))
        return answers

    def which(self, patterns: Sequence[str], paths: Sequence[str], *,
              ignore_case: bool = False) -> list[int | None]:
        """Like ``Matcher.which``: the index of the deciding non-negated pattern, or None."""
        return [line - 1 if matched and line else None
                for matched, line in self.check(patterns, paths, ignore_case=ignore_case)]


def ours(patterns: Sequence[str], paths: Sequence[str], *,
         ignore_case: bool = False) -> list[int | None]:
    matcher = Matcher(patterns, ignore_case=ignore_case)
    return [matcher.which(path) for path in paths]


