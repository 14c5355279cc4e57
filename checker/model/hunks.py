"""What a model is shown of a change: the hunks of some paths, cut to a budget.

Secret paths (``verify.secret_paths``) are not even asked of git: name only. Binary files
and submodule pointers are named, never shown. The text of the other files shares
``max_diff_bytes``: small diffs are sent whole, the larger ones are cut to an equal share
each, between whole hunks (a first hunk too long for its share at a line boundary), and
every cut is stated.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from checker.git import diffs
from checker.git.formats import unquote
from checker.record import record, replace
from checker.rules import globs
from checker.rules.scope import Touched


@record(frozen=True)
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
            max_bytes: int, forbidden: Collection[str] = ()) -> list[FileDiff]:
    """One FileDiff per drifted path, in order, cut to fit ``max_bytes`` together. A path
    whose either name is secret or ``forbidden`` is named only: a forbidden file renamed to
    a drifted path keeps its content to itself."""
    spec = globs.fold_of(root).matcher(secret_paths)

    def withheld(t: Touched) -> str | None:
        names = [t.path] if t.other is None else [t.path, t.other]
        if any(spec.match(n) for n in names):
            return "secret path (verify.secret_paths): content withheld"
        if any(n in forbidden for n in names):
            return "renamed from or to a forbidden path: content withheld"
        return None

    shown = [t.path for t in drifted if withheld(t) is None]
    raw = diffs.hunks(root, *revs, cached=cached, paths=shown)
    parsed = _parse(raw)
    files: list[FileDiff] = []
    sent: set[str] = set()
    for t in drifted:
        why = withheld(t)
        if why is not None:
            files.append(FileDiff(t.path, t.status, None, why))
            continue
        files.append(_shown(t, parsed, sent))
    return fit(files, max_bytes)


def _shown(t: Touched, parsed: dict[str, tuple[str, bool, bool]] | None,
           sent: set[str]) -> FileDiff:
    """What is shown of one path: its hunks, or why not (each rename's text once)."""
    if parsed is None:
        return FileDiff(t.path, t.status, None, "the diff could not be read")
    entry = parsed.get(t.path)
    if entry is None:
        return FileDiff(t.path, t.status, None, "no text change to show "
                        "(mode change or rename only)")
    text, binary, submodule = entry
    if binary:
        return FileDiff(t.path, t.status, None, "binary file: content not sent")
    if submodule:
        return FileDiff(t.path, t.status, None, "submodule pointer: content not sent")
    if text in sent:  # both names of one rename: show it once
        return FileDiff(t.path, t.status, None, "renamed: shown with its other name")
    sent.add(text)
    return FileDiff(t.path, t.status, text, total_bytes=len(text.encode("utf-8")))


def _split_hunks(text: str) -> tuple[str, list[str]]:
    """A file's diff as its header lines and its hunks (each from its ``@@`` line on)."""
    head: list[str] = []
    found: list[list[str]] = []
    for line in text.splitlines(keepends=True):
        if line.startswith("@@ "):
            found.append([line])
        elif found:
            found[-1].append(line)
        else:
            head.append(line)
    return "".join(head), ["".join(h) for h in found]


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _cut_text(text: str, allowance: int) -> tuple[str, str]:
    """(what fits in ``allowance`` bytes, how it was cut): the header and whole hunks; when
    not even the first hunk fits, that hunk up to a line boundary, said so."""
    head, found = _split_hunks(text)
    if _size(head) > allowance:
        return "", f"0 of {len(found)} hunks shown: not even the file's header fits"
    out, used = [head], _size(head)
    for h in found:
        if used + _size(h) > allowance:
            break
        out.append(h)
        used += _size(h)
    whole = len(out) - 1
    if whole or not found:
        return "".join(out), f"{whole} of {len(found)} hunks shown, {len(found) - whole} left out"
    lines, taken = found[0].splitlines(keepends=True), 0
    for line in lines:
        if used + _size(line) > allowance:
            break
        out.append(line)
        used += _size(line)
        taken += 1
    return "".join(out), (f"0 of {len(found)} hunks shown whole: the first hunk cut after "
                          f"{taken} of {len(lines)} lines, {len(found) - 1} more left out")


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
        cut, how = _cut_text(f.text, allowance[id(f)])
        note = (f"cut to fit verify.max_diff_bytes: {_size(cut)} of {f.total_bytes} bytes "
                f"shown; {how}")
        out.append(replace(f, text=cut, cut=note))
    return out
