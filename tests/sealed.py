"""Reading and writing planscope's sealed state files (``checker.seal``) in tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from checker import seal


def read(path: Path) -> Any:
    """The JSON a sealed file holds; AssertionError when its seal does not match."""
    data = seal.unseal(path.read_bytes())
    assert data is not None, f"{path}: not sealed by planscope"
    return json.loads(data)


def write(path: Path, value: Any) -> None:
    """``value`` as JSON behind a seal planscope accepts (what planscope itself would write)."""
    sealed = seal.seal(json.dumps(value).encode())
    assert sealed is not None
    path.write_bytes(sealed)


def write_raw(path: Path, data: bytes) -> None:
    """``data`` sealed as it is (for damaged content behind a good seal)."""
    sealed = seal.seal(data)
    assert sealed is not None
    path.write_bytes(sealed)
