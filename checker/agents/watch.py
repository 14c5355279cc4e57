"""Which paths changed in the work tree since a moment: ``planscope run``'s eye on the executor.

It polls git (``git status``: what git itself would call changed, ignored files left out)
rather than the file system, so it sees exactly what a commit could carry. A path counts as
changed during the run when it was clean at the start and is not now, or when it was already
changed at the start and its size or modification time moved since. Commits made during
the run count too: the paths between the commit at the start and HEAD now. Each path is
reported once, the first time it is seen.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from checker.git import diffs, repository, revs

Signature = tuple[int, int] | None  # (mtime_ns, size); None: the path does not exist


def signature(path: Path) -> Signature:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


class Watch:
    """The work tree of ``root`` since this object was made."""

    def __init__(self, root: Path, clock: Callable[[], float] = time.monotonic) -> None:
        self.root = root
        self.clock = clock
        head = revs.head_commit(root)
        self.start_is_commit = head is not None
        self.start = head.sha if head is not None else repository.empty_tree(root)
        self._head = self.start
        self.tips = revs.tips(root)  # every ref's commit now: a commit made on any ref counts
        self._before = {p: signature(root / p) for p in diffs.status_paths(root)}
        self._hidden = diffs.hidden_paths(root)
        self.seen: list[str] = []  # every path changed during the run, in the order seen
        self._seen: set[str] = set()
        self.last_poll_s = 0.0  # how long the last poll took: callers space polls by it

    def newly_hidden(self) -> list[str]:
        """Paths git was told during the run not to look at (assume-unchanged,
        skip-worktree): what they hold cannot be seen, so they count as changed."""
        return sorted(diffs.hidden_paths(self.root) - self._hidden)

    def poll(self) -> list[str]:
        """The paths seen changed for the first time since the last poll."""
        started = self.clock()
        found = [p for p in diffs.status_paths(self.root)
                 if p not in self._before or signature(self.root / p) != self._before[p]]
        head = revs.head_commit(self.root)
        if head is not None and head.sha != self._head:
            found += sorted(diffs.changed_names(self.root, self._head, head.sha))
            self._head = head.sha
        new = [p for p in dict.fromkeys(found) if p not in self._seen]
        self._seen.update(new)
        self.seen += new
        self.last_poll_s = self.clock() - started
        return new
