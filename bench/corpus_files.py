"""A corpus case stores each changed file as the commit's diff of it (``git diff -U3``),
not the whole file: a few kilobytes a case instead of hundreds. The replay rebuilds the
file's two versions from the hunks, with a filler line for every line outside them, so the
diff git shows of the rebuilt files is the commit's diff, hunk for hunk, line numbers
included (each hunk keeps its three lines of real context, so the filler never reaches a
hunk; the line git names in a hunk's heading is put right above it). That diff is all the
verification pass is shown of a file."""

from __future__ import annotations

import re

PAD = "~\n"  # a line no hunk of a real file aligns with by chance
HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)")


class _Side:
    """One version of the file: its known lines by number, and where the hunk is."""

    def __init__(self) -> None:
        self.lines: dict[int, str] = {}
        self.at = 0

    def start(self, at: str, count: str | None, heading: str) -> None:
        self.at = int(at) + (count == "0")  # a side of zero lines names the line before it
        if heading and self.at > 1:  # git's heading: the nearest naming line above the hunk
            self.lines.setdefault(self.at - 1, heading + "\n")

    def add(self, text: str) -> None:
        self.lines[self.at] = text if text.endswith("\n") else text + "\n"
        self.at += 1

    def text(self) -> str:
        return "".join(self.lines.get(n, PAD) for n in range(1, max(self.lines, default=0) + 1))


def rebuild(diff: str) -> tuple[str | None, str | None]:
    """The file before and after ``diff`` (one file's ``git diff`` text); None where the
    file did not exist."""
    old, new = _Side(), _Side()
    body = diff.split("\n@@ ", 1)
    head = body[0].splitlines()
    created, deleted = "--- /dev/null" in head, "+++ /dev/null" in head
    last: list[_Side] = []
    for line in ("@@ " + body[1]).splitlines(keepends=True) if len(body) > 1 else ():
        if (m := HUNK.match(line)) is not None:
            old.start(m[1], m[2], m[5])
            new.start(m[3], m[4], m[5])
        elif line.startswith("\\"):  # "\ No newline at end of file": of the line before
            for side in last:
                side.lines[side.at - 1] = side.lines[side.at - 1].rstrip("\n")
        else:
            tag, text = line[:1], line[1:]
            last = [s for s, mine in ((old, " -"), (new, " +")) if tag in mine]
            for side in last:
                side.add(text)
    return (None if created else old.text()), (None if deleted else new.text())
