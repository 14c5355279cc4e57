"""What a model is shown of a change (checker/hunks.py): cut per file, the cut stated."""

from __future__ import annotations

from checker import hunks, verify
from checker.plan import Plan, Slice
from checker.scope import ScopeResult, Touched
from tests.conftest import Repo
from tests.fake_api import data_blocks
from tests.test_verify import commit_change


def test_large_diff_is_cut_per_file_and_the_cut_is_stated(awards: Repo) -> None:
    big = "".join(f"line {i}: {'x' * 60}\n" for i in range(400))
    commit_change(awards, {"docs/café notes.md": "small change\n", "src/big.py": big})
    head = awards.git("rev-parse", "HEAD").strip()
    drifted = [Touched("docs/café notes.md", "A"), Touched("src/big.py", "A")]
    files = hunks.collect(awards.path, (f"{head}~1", head), False, drifted, (), 3000)
    small, cut = files
    assert small.text is not None and "+small change" in small.text and small.cut == ""
    assert cut.text is not None and cut.total_bytes > 20_000
    assert small.shown_bytes + cut.shown_bytes <= 3000
    assert cut.cut.startswith(f"cut to fit verify.max_diff_bytes: {cut.shown_bytes} of "
                              f"{cut.total_bytes} bytes shown")
    plan = Plan("plans/p.yaml", "p", "P", "approved", (Slice("s", "S", "approved"),))
    scope = ScopeResult(tuple(drifted), (), tuple(drifted), (), ())
    built = verify.build_prompt(plan, plan.slices, scope, files, 3000)
    assert "Cut to fit 3000 bytes: 1 of 2 file(s) are shown in part" in built.user
    _, blocks, _ = data_blocks(built.user)
    assert any(label.startswith('diff "src/big.py" (A) [cut to fit') for label in blocks)
