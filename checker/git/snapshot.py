"""A revision's files in a temporary folder, for a program that must come from that revision
and not from the work tree: the verification pass's ``command`` judge, in a pull request,
runs from the base it is judged against, so a change cannot rewrite its own judge or put a
module beside it that the judge would import.

Read into a temporary index and written out with ``git checkout-index`` (every file, whatever
``export-ignore`` says); the folder is removed when the block ends.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from checker.git import process


@contextlib.contextmanager
def checked_out(root: Path, rev: str) -> Iterator[Path]:
    """The files of ``rev`` in a temporary folder, for the length of the block."""
    with tempfile.TemporaryDirectory(prefix="planscope-judge-") as tmp:
        tree = Path(tmp) / "tree"
        tree.mkdir()
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        process.run(root, "read-tree", rev, env=env)
        process.run(root, "checkout-index", "--all", "--force", f"--prefix={tree}/", env=env)
        yield tree
