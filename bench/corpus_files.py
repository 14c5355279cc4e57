"""A corpus case stores each changed file as the commit's own diff of it (``git diff -U3``),
not the whole file: a few kilobytes a case instead of hundreds. The replay rebuilds the
file's two versions from the hunks, with an empty line for every line outside them, so the
diff git shows of the rebuilt files is the commit's diff, hunk for hunk, line numbers
included (each hunk keeps its three lines of real context, so the padding never reaches a
hunk). That diff is all the verification pass is shown of a file."""

from __future__ import annotations

import re

PAD = "~\n"  # a line no hunk of a real file aligns with by chance
HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)")


def rebuild(diff: str) -> tuple[str | None, str | None]:
    """The file before and after ``diff`` (one file's ``git diff`` text); None where the
    file did not exist."""
    old: dict[int, str] = {}
    new: dict[int, str] = {}
    created = deleted = False
    old_at = new_at = 0
    last: tuple[dict[int, str], int] | None = None
    started = False
    for line in diff.splitlines(keepends=True):
        if not started and line.startswith("--- /dev/null"):
            created = True
        elif not started and line.startswith("+++ /dev/null"):
            deleted = True
        elif (m := HUNK.match(line)) is not None:
            started = True
            old_at, new_at = int(m[1]), int(m[3])
            # a side of zero lines names the line before it
            old_at += m[2] == "0"
            new_at += m[4] == "0"
            if m[5] and old_at > 1 and new_at > 1:
                # git's heading for the hunk is the nearest line above it that names a
                # function: put that line right above the hunk, outside its context
                old.setdefault(old_at - 1, m[5] + "\n")
                new.setdefault(new_at - 1, m[5] + "\n")
        elif line.startswith("\\"):  # "\ No newline at end of file" for the line before
            if last is not None:
                side, at = last
                side[at] = side[at].rstrip("\n")
        elif started:
            tag, text = line[:1], line[1:]
            if not text.endswith("\n"):
                text += "\n"
            if tag in (" ", "-"):
                old[old_at] = text
                last = (old, old_at)
                old_at += 1
            if tag in (" ", "+"):
                new[new_at] = text
                last = (new, new_at)
                new_at += 1

    def text(lines: dict[int, str]) -> str:
        return "".join(lines.get(n, PAD) for n in range(1, max(lines, default=0) + 1))

    return (None if created else text(old)), (None if deleted else text(new))
