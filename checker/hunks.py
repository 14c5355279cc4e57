"""What a model is shown of a change: the hunks of some paths, cut to a budget.

Secret paths (``verify.secret_paths``) are not even asked of git: name only. Binary files
and submodule pointers are named, never shown. The text of the other files shares
``max_diff_bytes``: small diffs are sent whole, the larger ones are cut to an equal share
each, at a line boundary, and every cut is stated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from checker import gitio
from checker.gitformats import unquote
from checker.scope import Touched


@dataclass(frozen=True)
class FileDiff:
    path: str
    status: str
    text: str | None  # unified hunks to show; None: name only
    why: str = ""  # why the content is not shown
    total_bytes: int = 0  # size of the whole diff of this file
    cut: str = ""  # how the text was cut, "" when whole

    @property
    def shown_bytes(self) -> int:
        return len(self.text.encode("utf-8")) if self.text is not None else 0


def _parse(raw: bytes) -> dict[str, tuple[str, bool, bool]] | None:
    """path → (diff text, binary, submodule) for every file of ``raw``; None if unparsable."""
    from unidiff.patch import PatchSet  # deferred: only the verification pass reads hunks

    try:
        patch = PatchSet(raw.decode("utf-8", "replace"))
    except Exception:  # unidiff raises its own error and ValueError on odd input
        return None
    found: dict[str, tuple[str, bool, bool]] = {}
    for pf in patch:
        entry = (str(pf), bool(pf.is_binary_file), bool(pf.is_submodule))
        for name in (pf.target_file, pf.source_file):
            if name and name != "/dev/null":
                found.setdefault(unquote(name), entry)
    return found


def collect(root: Path, revs: Sequence[str], cached: bool,
            drifted: Sequence[Touched], secret_paths: Sequence[str],
            max_bytes: int) -> list[FileDiff]:
    """One FileDiff per drifted path, in order, cut to fit ``max_bytes`` together."""
    spec = gitio.fold(root).matcher(secret_paths)

    def is_secret(t: Touched) -> bool:  # a secret renamed to a plain name is still secret
        return spec.match(t.path) or (t.other is not None and spec.match(t.other))

    shown = [t.path for t in drifted if not is_secret(t)]
    raw = gitio.hunks(root, *revs, cached=cached, paths=shown)
    parsed = _parse(raw)
    files: list[FileDiff] = []
    sent: set[str] = set()
    for t in drifted:
        if is_secret(t):
            files.append(FileDiff(t.path, t.status, None, "secret path (verify.secret_paths): "
                                  "content withheld"))
            continue
        if parsed is None:
            files.append(FileDiff(t.path, t.status, None, "the diff could not be read"))
            continue
        entry = parsed.get(t.path)
        if entry is None:
            files.append(FileDiff(t.path, t.status, None, "no text change to show "
                                  "(mode change or rename only)"))
            continue
        text, binary, submodule = entry
        if binary:
            files.append(FileDiff(t.path, t.status, None, "binary file: content not sent"))
        elif submodule:
            files.append(FileDiff(t.path, t.status, None, "submodule pointer: content not sent"))
        elif text in sent:  # both names of one rename: show it once
            files.append(FileDiff(t.path, t.status, None, "renamed: shown with its other name"))
        else:
            sent.add(text)
            files.append(FileDiff(t.path, t.status, text, total_bytes=len(text.encode("utf-8"))))
    return fit(files, max_bytes)


def _cut_text(text: str, allowance: int) -> str:
    """The longest prefix of whole lines within ``allowance`` bytes (part of the first line
    when not even that fits)."""
    out: list[str] = []
    used = 0
    for line in text.splitlines(keepends=True):
        size = len(line.encode("utf-8"))
        if used + size > allowance:
            if not out:
                part = line.encode("utf-8")[:max(allowance - 1, 0)]
                out.append(part.decode("utf-8", "ignore") + "\n")
            break
        out.append(line)
        used += size
    return "".join(out)


def _hunks(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.startswith("@@ "))


def fit(files: list[FileDiff], max_bytes: int) -> list[FileDiff]:
    """Cut the texts so their sum fits ``max_bytes``: equal shares, small files whole."""
    texts = [f for f in files if f.text is not None]
    if sum(f.total_bytes for f in texts) <= max_bytes:
        return files
    allowance: dict[int, int] = {}
    left = max_bytes
    ordered = sorted(texts, key=lambda f: f.total_bytes)
    for i, f in enumerate(ordered):
        share = left // (len(ordered) - i)
        allowance[id(f)] = min(f.total_bytes, share)
        left -= allowance[id(f)]
    out = []
    for f in files:
        if f.text is None or allowance[id(f)] >= f.total_bytes:
            out.append(f)
            continue
        cut = _cut_text(f.text, allowance[id(f)])
        shown = len(cut.encode("utf-8"))
        note = (f"cut to fit verify.max_diff_bytes: {shown} of {f.total_bytes} bytes shown, "
                f"{_hunks(cut)} of {_hunks(f.text)} hunks started")
        out.append(replace(f, text=cut, cut=note))
    return out
